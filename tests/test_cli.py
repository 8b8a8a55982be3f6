"""The command line's error contract: one clear line per problem, exit 1, no traceback."""

from __future__ import annotations

from training.cli import main


def test_a_single_problem_is_one_error_line(tmp_path, capsys):
    # Given a calls file that does not exist, when training reads it
    code = main(["train", "triage", "--calls", str(tmp_path / "missing.csv")])
    err = capsys.readouterr().err.strip().splitlines()
    # then exactly one line says what is wrong, and the exit code is 1
    assert code == 1
    assert len(err) == 1 and err[0].startswith("error: ") and "missing.csv" in err[0]


def test_several_problems_are_listed_then_summarised(tmp_path, capsys):
    # Given a file with a bad time and an unknown category on different rows
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "call_id,received_at,text,category\n"
        "a,2025-13-01 08:00,有人偷车,criminal\n"
        "b,2025-01-01 08:00,邻居吵架,thief\n",
        encoding="utf-8",
    )
    code = main(["train", "triage", "--calls", str(bad)])
    err = capsys.readouterr().err
    # then each problem names its row and column, a summary closes, and no traceback shows
    assert code == 1
    assert "row 1 (line 2), column received_at" in err
    assert "row 2 (line 3), column category" in err
    assert err.strip().splitlines()[-1] == f"error: {bad}: 2 problems (listed above)"
    assert "Traceback" not in err
