"""``jingqing plan`` as a newcomer meets it: a calls file without response times, and the
bad inputs a planner types (a malformed start, zero shifts, a roster cell that is no number,
a roster that is missing or an Excel workbook, by name or by its bytes)."""

from __future__ import annotations

import logging
import zipfile

import pandas as pd
import pytest

from training.cli import main


@pytest.fixture
def home(planned_home, monkeypatch):
    monkeypatch.setenv("JINGQING_HOME", str(planned_home))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    return planned_home


def test_calls_without_response_times_fall_back_and_say_so(home, tmp_path, capsys, caplog):
    # Given calls exported without dispatched_at / arrived_at / cleared_at
    calls = pd.read_csv(home / "city" / "calls.csv", encoding="utf-8-sig")
    bare = tmp_path / "calls.csv"
    calls.drop(columns=["dispatched_at", "arrived_at", "cleared_at"]).to_csv(bare, index=False)
    saved = home / "plan" / "travel.json"
    before = saved.read_text(encoding="utf-8") if saved.exists() else None
    out = tmp_path / "plan.csv"

    # When the planner asks for a plan calibrated on them
    with caplog.at_level(logging.WARNING, logger="training.plan.run"):
        code = main(
            ["plan", "--units", "30", "--shifts", "1", "--calls", str(bare)]
            + ["--output", str(out), "--no-track"]
        )

    # Then the plan is made with the saved or default travel, and one warning says why
    assert code == 0
    assert len(pd.read_csv(out, encoding="utf-8-sig")) == 12
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    said = [w for w in warned if "to calibrate travel from" in w]
    assert len(said) == 1 and "no dispatched_at/arrived_at columns" in said[0]
    used = "the calibration saved in" if before is not None else "the default travel"
    assert used in said[0].split("from: ")[1]
    assert "travel: " in capsys.readouterr().out
    # and a saved calibration is left as it was
    assert (saved.read_text(encoding="utf-8") if saved.exists() else None) == before


def _xlsx(path):
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")


@pytest.mark.parametrize(
    ("args", "roster", "message"),
    [
        (["--units", "30", "--shifts", "0"], None, "--shifts must be a whole number from 1"),
        (["--units", "100000000"], None, "--units: 100000000 is more than 100,000 units"),
        ([], "shift,units\n1,30\n2,200000\n", "line 3, column units: 200000 is more than"),
        (["--units", "30", "--start", "2025-13-45"], None, "start"),
        (["--units", "30", "--start", "tomorrow"], None, "start"),
        (["--units", "30", "--target-minutes", "-5"], None, "target minutes"),
        (["--units", "30", "--standby-share", "1.5"], None, "standby share"),
        ([], "shift,units\n1,30\n2,abc\n", "line 3, column units: must be a whole number"),
        ([], "shift,units,kind\n1,30,tank\n2,30,car\n", "line 2, column kind: 'tank'"),
        (["--roster", "{missing}"], None, "roster file not found"),
        (["--roster", "{xlsx}"], None, "roster.xlsx: an Excel workbook, not CSV; save it as CSV"),
        (["--roster", "{zipped}"], None, "roster.csv: an Excel workbook"),
    ],
)
def test_more_bad_input_is_one_line_and_exit_1(home, capsys, tmp_path, args, roster, message):
    if roster is not None:
        path = tmp_path / "roster.csv"
        path.write_text(roster, encoding="utf-8")
        args = ["--roster", str(path)]
    _xlsx(tmp_path / "roster.xlsx")
    (tmp_path / "book").mkdir()
    _xlsx(tmp_path / "book" / "roster.csv")  # a workbook saved under a .csv name
    names = {
        "{missing}": str(tmp_path / "nope.csv"),
        "{xlsx}": str(tmp_path / "roster.xlsx"),
        "{zipped}": str(tmp_path / "book" / "roster.csv"),
    }
    args = [names.get(a, a) for a in args]
    out = str(tmp_path / "p.csv")
    code = main(["plan", "--shifts", "2", "--output", out, "--no-track", *args])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert len(err) == 1 and err[0].startswith("error: "), err
    assert message in err[0]
