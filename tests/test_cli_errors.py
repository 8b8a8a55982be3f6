"""Bad files and options on every command: one clear line, exit 1, never a traceback.

Each case is a file or an option a careless user (or a broken export) really produces. The
cases that need no model run through ``main`` exactly as the command line does; batch
prediction's reading paths run through ``run_predict_triage`` with a small model double.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from training.cli import main


def _fails_with_one_line(argv: list[str], capsys: pytest.CaptureFixture, *needles: str) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, err
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


@pytest.fixture(scope="module")
def calls(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    from training.simulator import run_simulate

    out = tmp_path_factory.mktemp("city")
    run_simulate(out, grids=4, days=22, start="2025-03-01", seed=5, progress=False)
    return pd.read_csv(out / "calls.csv", dtype=str)


@pytest.fixture(scope="module")
def calls_csv(calls: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("calls") / "calls.csv"
    calls.to_csv(path, index=False)
    return path


# ---- validate -------------------------------------------------------------------------


def test_validate_names_a_duplicated_schema_column(
    calls: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    head = calls.head(20)
    path = tmp_path / "dup.csv"
    lines = [",".join([*head.columns, "text"])]
    lines += [",".join([*(f'"{v}"' for v in row), f'"{row[5]}"']) for row in head.to_numpy()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["validate", str(path)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "column 'text' appears more than once in the header" in err


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_validate_names_the_row_of_a_huge_cell_instead_of_rejecting_the_file(
    calls: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture, encoding: str
) -> None:
    # Given a 200,000-character text in row 6 (over the csv module's default field limit)
    frame = calls.head(50).copy()
    frame.loc[5, "text"] = "报警" * 100_000
    path = tmp_path / "long.csv"
    frame.to_csv(path, index=False, encoding=encoding)
    # Then the file is usable and the warning names the row
    assert main(["validate", str(path), "--require", "triage"]) == 0
    err = capsys.readouterr().err
    assert "row 6 (line 7), 200,000" in err


def test_validate_accepts_a_few_control_characters(
    calls: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    frame = calls.head(50).copy()
    frame.loc[7, "text"] = "有人\x00打架\x07快来"
    frame.loc[9, "text"] = "门口\x1b[31m有人\u202e闹事"
    path = tmp_path / "ctrl.csv"
    frame.to_csv(path, index=False)
    assert main(["validate", str(path), "--require", "triage"]) == 0
    err = capsys.readouterr().err
    assert "2 texts hold control characters (row 8 (line 9), row 10 (line 11)); removed" in err
    assert "Traceback" not in err


def test_validate_still_rejects_a_binary_file(tmp_path: Path, capsys) -> None:
    path = tmp_path / "calls.csv"
    path.write_bytes(b"call_id,received_at\n" + bytes(range(256)) * 40)
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "contains NUL bytes: a binary file" in err and "Traceback" not in err


# ---- train ----------------------------------------------------------------------------


def test_train_triage_with_a_binary_config(calls_csv: Path, tmp_path: Path, capsys) -> None:
    config = tmp_path / "config.yaml"
    config.write_bytes(os.urandom(64) + b"\xff\xfe\xf4")
    argv = ["train", "triage", "--calls", str(calls_csv), "--config", str(config)]
    _fails_with_one_line(argv, capsys, "--config", "not a text file")


def test_train_forecast_with_zero_folds(calls_csv: Path, capsys) -> None:
    argv = ["train", "forecast", "--calls", str(calls_csv), "--folds", "0"]
    _fails_with_one_line(argv, capsys, "folds", "greater than or equal to 1")


# ---- predict --------------------------------------------------------------------------


class _Model:
    """Scores every text as a dispute: enough to test reading and writing rows."""

    def suggest(self, texts: list[str]) -> list[dict]:
        answer = {"category": "dispute", "confidence": 0.9, "probabilities": {"dispute": 0.9}}
        answer |= {"disposition": "on_scene", "divert_to": None, "urgent": False}
        answer |= {"keywords": [], "review": False}
        return [dict(answer) for _ in texts]


def _jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


ROWS = [{"id": i, "text": t} for i, t in enumerate(["电动车被偷了", "楼上吵闹", "有人打架"])]


@pytest.mark.parametrize(
    ("name", "payload", "needle"),
    [
        ("random.jsonl.gz", os.urandom(300), "broken or truncated gzip"),
        ("cut.jsonl.gz", gzip.compress(_jsonl(ROWS * 50).encode())[:120], "truncated gzip"),
        ("binary.jsonl", b"\x00\x01\x02\x03" * 200, "binary"),
    ],
)
def test_predict_on_an_unreadable_input(tmp_path: Path, capsys, name, payload, needle) -> None:
    path = tmp_path / name
    path.write_bytes(payload)
    argv = ["predict", "triage", "--input", str(path), "--output", str(tmp_path / "o.jsonl")]
    _fails_with_one_line(argv, capsys, str(path), needle)


def test_predict_into_a_directory(tmp_path: Path, capsys) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(_jsonl(ROWS), encoding="utf-8")
    argv = ["predict", "triage", "--input", str(path), "--output", str(tmp_path)]
    _fails_with_one_line(argv, capsys, "--output", "is a directory")


def test_predict_reads_gbk_jsonl_and_scores_around_a_deeply_nested_line(tmp_path: Path) -> None:
    from training.triage.predict import run_predict_triage

    nested = '{"id": 9, "text": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    path = tmp_path / "in.jsonl"
    path.write_bytes((_jsonl(ROWS) + nested + _jsonl(ROWS)).encode("gbk"))
    out = tmp_path / "new" / "folder" / "out.jsonl"
    summary = run_predict_triage(path, out, model=_Model(), model_version="t", show_progress=False)
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert (summary.rows, summary.scored, summary.errors) == (7, 6, 1)
    assert lines[3] == {"error": "line 4: JSON nested too deeply"}
    assert [x.get("id") for x in lines] == [0, 1, 2, None, 0, 1, 2]


# ---- backtest -------------------------------------------------------------------------


def _backtest(calls_csv: Path, *extra: str) -> list[str]:
    return ["backtest", "forecast", "--calls", str(calls_csv), "--model", "seasonal-naive", *extra]


def test_backtest_with_a_horizon_past_the_data(calls_csv: Path, tmp_path: Path, capsys) -> None:
    argv = _backtest(calls_csv, "--cutoff", "2025-03-20T00:00", "--horizon", "168")
    argv += ["--output", str(tmp_path / "bt.csv")]
    _fails_with_one_line(argv, capsys, "after the calls end")


@pytest.mark.parametrize(
    ("content", "needle"), [(None, "file not found"), (b"not parquet", "not a readable Parquet")]
)
def test_backtest_with_a_bad_intensity_file(
    calls_csv: Path, tmp_path: Path, capsys, content, needle
) -> None:
    intensity = tmp_path / "intensity.parquet"
    if content is not None:
        intensity.write_bytes(content)
    argv = _backtest(calls_csv, "--cutoff", "2025-03-16T00:00", "--horizon", "24")
    argv += ["--output", str(tmp_path / "bt.csv"), "--intensity", str(intensity)]
    _fails_with_one_line(argv, capsys, "--intensity", needle)


def test_backtest_into_a_directory(calls_csv: Path, tmp_path: Path, capsys) -> None:
    argv = _backtest(calls_csv, "--horizon", "24", "--output", str(tmp_path))
    _fails_with_one_line(argv, capsys, "--output", "is a directory")
