"""``jingqing link``: incident ids in batch, clear errors for bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from training.cli import main
from training.link.fit import pairwise_scores


def test_link_writes_incident_ids_for_every_call(link_city: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "linked.csv"
    code = main(
        [
            "link",
            "--calls",
            str(link_city / "calls.csv"),
            "--output",
            str(out),
            "--grids",
            str(link_city / "grids.geojson"),
        ]
    )
    assert code == 0
    assert "incidents" in capsys.readouterr().out
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    truth = pd.read_csv(link_city / "calls.csv", dtype=str, keep_default_na=False)
    assert got["call_id"].tolist() == truth["call_id"].tolist()
    assert {"incident_id", "linked_to", "link_score"} <= set(got.columns)
    assert got["incident_id"].isin(set(got["call_id"])).all()
    scores = pairwise_scores(truth["incident_id"], got["incident_id"])
    assert scores["precision"] > 0.9 and scores["recall"] > 0.9


def test_link_without_coordinates_uses_grids(link_city: Path, tmp_path: Path) -> None:
    calls = pd.read_csv(link_city / "calls.csv", dtype=str).drop(columns=["lat", "lon"])
    calls.to_csv(tmp_path / "no_coords.csv", index=False)
    out = tmp_path / "linked.parquet"
    assert (
        main(
            [
                "link",
                "--calls",
                str(tmp_path / "no_coords.csv"),
                "--output",
                str(out),
                "--grids",
                str(link_city / "grids.geojson"),
            ]
        )
        == 0
    )
    got = pd.read_parquet(out)
    scores = pairwise_scores(calls["incident_id"], got["incident_id"])
    assert scores["precision"] > 0.8 and scores["recall"] > 0.6


@pytest.mark.parametrize(
    ("content", "output", "message"),
    [
        ("call_id,received_at\nA,2025-01-01 10:00\n", "o.csv", "missing required column 'text'"),
        ("call_id,received_at,text\nA,yesterday,有人打架\n", "o.csv", "received_at"),
        ("call_id,received_at,text\nA,2025-01-01 10:00,有人打架\n", "o.txt", "--output"),
        ("call_id,received_at,text\nA,2025-01-01 10:00,有人打架\n", "no/dir/o.csv", "--output"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path: Path, capsys, content, output, message) -> None:
    calls = tmp_path / "calls.csv"
    calls.write_text(content, encoding="utf-8")
    code = main(["link", "--calls", str(calls), "--output", str(tmp_path / output)])
    err = capsys.readouterr().err
    assert code == 1
    assert message in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if line.startswith("error")]) == 1


def test_a_missing_calls_file_is_named(tmp_path: Path, capsys) -> None:
    code = main(
        ["link", "--calls", str(tmp_path / "nope.csv"), "--output", str(tmp_path / "o.csv")]
    )
    assert code == 1
    assert "nope.csv" in capsys.readouterr().err
