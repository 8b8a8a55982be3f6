"""``jingqing validate``: exit codes, one line per problem, no traceback, Houston works."""

from __future__ import annotations

from pathlib import Path

import pytest

from training.cli import main

HOUSTON_MAP = ["--map", "received_at=time_local", "--tz", "America/Chicago"]


def test_usable_file_exits_0_with_one_line_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("call_id,received_at\na,2025-03-05 08:00\nb,2025-03-06 09:00\n")
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert "2 rows" in out[0] and "2025-03-05 08:00 – 2025-03-06 09:00" in out[0]
    assert "columns: call_id, received_at" in out[0] and "0 warnings" in out[0]


def test_broken_file_exits_1_with_problem_lines_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("call_id,received_at,category\na,2025-13-01 08:00,theft\na,2025-03-05,x\n")
    assert main(["validate", str(path), "--require", "triage"]) == 1
    err = capsys.readouterr().err
    assert "row 1 (line 2), column received_at: cannot parse '2025-13-01 08:00'" in err
    assert "row 2 (line 3), column call_id: duplicate 'a'" in err
    assert "missing required column 'text'" in err
    assert "Traceback" not in err


def test_bad_map_argument_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("t\n2025-03-05 08:00\n")
    assert main(["validate", str(path), "--map", "received_at"]) == 1
    assert capsys.readouterr().err.startswith("error: --map")
    assert main(["validate", str(path), "--map", "received_at=time"]) == 1
    assert "no column 'time'" in capsys.readouterr().err


def test_houston_with_beats_exits_0(houston_csv: Path, capsys: pytest.CaptureFixture) -> None:
    args = ["validate", str(houston_csv), *HOUSTON_MAP, "--map", "grid_id=beat"]
    assert main([*args, "--require", "forecast"]) == 0
    assert "86,314 rows, 2010-01-01 00:00 – 2010-08-31 23:00" in capsys.readouterr().out


def test_houston_with_lattice_reports_far_points(
    houston_csv: Path, capsys: pytest.CaptureFixture
) -> None:
    args = ["validate", str(houston_csv), *HOUSTON_MAP, "--cell-size", "2000"]
    assert main([*args, "--require", "forecast"]) == 0
    captured = capsys.readouterr()
    outside = [w for w in captured.err.splitlines() if "rows lie outside" in w]
    assert len(outside) == 1
    n_outside = int(outside[0].split("warning: ")[1].split(" rows")[0].replace(",", ""))
    assert 210 <= n_outside <= 250
    assert "5 rows have neither grid_id nor coordinates" in captured.err


def test_excel_bom_is_accepted_without_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "calls.csv"
    path.write_bytes("call_id,received_at\na,2025-03-05 08:00\n".encode("utf-8-sig"))
    assert main(["validate", str(path)]) == 0
    captured = capsys.readouterr()
    assert "0 warnings" in captured.out and "warning" not in captured.err


def test_chinese_labels_are_listed_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "calls.csv"
    rows = ["a,2025-03-05 08:00,刑事", "b,2025-03-05 09:00,盗窃"]
    path.write_text("\n".join(["call_id,received_at,category", *rows]) + "\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    line = next(x for x in capsys.readouterr().err.splitlines() if "'盗窃'" in x)
    assert "row 2 (line 3), column category" in line
    assert "刑事 (criminal)" in line and "非警务 (non_police)" in line


def test_english_labels_are_listed_in_english(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("call_id,received_at,category\na,2025-03-05 08:00,theft\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    line = next(x for x in capsys.readouterr().err.splitlines() if "'theft'" in x)
    assert "valid: criminal, public_order" in line and "刑事" not in line


def test_disposition_without_a_divert_to_column_is_a_warning_unless_routing(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "calls.csv"
    rows = ["a,2025-03-05 08:00,divert", "b,2025-03-05 09:00,on_scene"]
    path.write_text("\n".join(["call_id,received_at,disposition", *rows]) + "\n")
    assert main(["validate", str(path)]) == 0
    captured = capsys.readouterr()
    assert "warning: no divert_to column: 1 diverted calls have no channel" in captured.err
    assert main(["validate", str(path), "--require", "received_at,divert_to"]) == 1
    assert "divert_to" in capsys.readouterr().err
