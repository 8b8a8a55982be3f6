"""``jingqing simulate``: writes the city, and every bad argument is one clear line, exit 1."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from training.cli import main


def test_simulate_writes_the_three_files_and_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "new" / "city"  # created, parents included
    code = main(["simulate", "--out", str(out), "--grids", "3", "--days", "2", "--seed", "4"])
    assert code == 0
    for name in ("calls.csv", "grids.geojson", "intensity.parquet"):
        assert (out / name).stat().st_size > 0
    calls = pd.read_csv(out / "calls.csv", dtype=str, keep_default_na=False)
    assert calls["received_at"].str.startswith("2025-01-0").all()
    assert len(pd.read_parquet(out / "intensity.parquet")) == 3 * 48
    printed = capsys.readouterr().out
    assert "laying out 3 grids" in printed  # a line per stage
    assert f"simulated {len(calls):,} calls" in printed
    assert "calls/day" in printed and "transferred to police stations" in printed


def test_start_option_moves_the_calendar(tmp_path: Path) -> None:
    code = main(
        [
            "simulate",
            "--out",
            str(tmp_path),
            "--grids",
            "2",
            "--days",
            "1",
            "--start",
            "2026-10-01",
        ]
    )
    assert code == 0
    calls = pd.read_csv(tmp_path / "calls.csv", dtype=str)
    assert calls["received_at"].str.startswith("2026-10-01T").all()
    assert calls["call_id"].str.startswith("C20261001").all()


def test_existing_calls_are_kept_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["simulate", "--out", str(tmp_path), "--grids", "2", "--days", "1"]
    assert main(args) == 0
    before = (tmp_path / "calls.csv").read_bytes()
    capsys.readouterr()
    assert main([*args, "--seed", "9"]) == 1
    err = capsys.readouterr().err
    assert "already contains calls.csv" in err and "--force" in err
    assert (tmp_path / "calls.csv").read_bytes() == before
    assert main([*args, "--seed", "9", "--force"]) == 0
    assert (tmp_path / "calls.csv").read_bytes() != before


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--grids", "0"], "--grids"),
        (["--grids", "5001"], "--grids"),
        (["--grids", "many"], "--grids"),
        (["--grids", "2.5"], "--grids"),
        (["--days", "0"], "--days"),
        (["--days", "3651"], "--days"),
        (["--days", "-3"], "--days"),
        (["--start", "2025-13-01"], "--start"),
        (["--start", "yesterday"], "--start"),
        (["--start", "1900-01-01"], "--start"),
        (["--seed", "-1"], "--seed"),
        (["--seed", "abc"], "--seed"),
        (["--grids", "5000", "--days", "3650"], "grid-days"),
    ],
)
def test_bad_arguments_exit_1_with_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], needle: str
) -> None:
    out = tmp_path / "city"
    code = main(["simulate", "--out", str(out), *extra])
    assert code == 1
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert needle in lines[0]
    assert "Traceback" not in err
    assert not (out / "calls.csv").exists()


def test_out_that_is_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep me", encoding="utf-8")
    assert main(["simulate", "--out", str(target), "--grids", "1", "--days", "1"]) == 1
    assert "not a directory" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "keep me"
