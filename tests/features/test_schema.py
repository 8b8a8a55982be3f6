"""The calls schema: every kind of broken input gives a clear problem line, good input loads."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from features.errors import DataProblems
from features.schema import check_file, load_calls

HEADER = "call_id,received_at,text,category,disposition,divert_to,urgent,lat,lon,source"
GOOD = [
    "c1,2025-03-05 08:00:00,邻居漏水吵起来了,dispute,on_scene,,false,36.40,116.58,citizen",
    "c2,2025-03-05 09:30:00,报警人称手机13800138000被偷,criminal,transfer,,1,36.41,116.59,",
    "c3,2025-03-05 23:40:00,停电了,non_police,divert,utility,否,36.42,116.60,patrol",
]


def write(tmp_path: Path, lines: list[str], name: str = "calls.csv", enc: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes("\n".join(lines).encode(enc) + b"\n")
    return path


def problems(path: Path, **kwargs) -> list[str]:
    report = check_file(path, **kwargs)
    assert not report.ok
    return report.problems


def test_good_file_loads_with_types_and_masked_text(tmp_path: Path) -> None:
    df = load_calls(write(tmp_path, [HEADER, *GOOD]), require="triage")
    assert list(df["call_id"]) == ["c1", "c2", "c3"]
    assert str(df["received_at"].dt.tz) == "Asia/Shanghai"
    assert df["received_at"].iloc[0] == pd.Timestamp("2025-03-05 08:00", tz="Asia/Shanghai")
    assert list(df["urgent"]) == [False, True, False]
    assert list(df["source"]) == ["citizen", "citizen", "patrol"]
    assert list(df["divert_to"]) == ["", "", "utility"]
    assert "13800138000" not in df["text"].iloc[1] and "<MOBILE>" in df["text"].iloc[1]


# (name, file lines, kwargs, text that must appear in a problem line)
BROKEN = [
    ("missing column", ["call_id,text", "c1,hi"], {}, "missing required column 'received_at'"),
    (
        "unparsable time",
        [HEADER, GOOD[0], GOOD[1].replace("2025-03-05 09:30:00", "2025-13-01 08:00")],
        {},
        "row 2 (line 3), column received_at: cannot parse '2025-13-01 08:00' as a time",
    ),
    (
        "mixed naive and aware",
        [HEADER, GOOD[0], GOOD[1].replace("09:30:00", "09:30:00+08:00")],
        {},
        "mixes times with a UTC offset",
    ),
    (
        "implausible time",
        [HEADER, GOOD[0].replace("2025-03-05", "1970-01-01")],
        {},
        "row 1 (line 2), column received_at: '1970-01-01 08:00:00' is outside the plausible",
    ),
    ("empty time", [HEADER, GOOD[0].replace("2025-03-05 08:00:00", "")], {}, "received_at: empty"),
    ("duplicate call_id", [HEADER, GOOD[0], GOOD[0]], {}, "duplicate 'c1' (first in row 1"),
    ("empty call_id", [HEADER, "," + GOOD[0][3:]], {}, "column call_id: empty"),
    (
        "unknown category",
        [HEADER, GOOD[0].replace("dispute", "theft")],
        {},
        "unknown category 'theft'; valid: criminal, public_order, dispute",
    ),
    (
        "unknown disposition",
        [HEADER, GOOD[0].replace("on_scene", "arrest")],
        {},
        "unknown disposition 'arrest'",
    ),
    (
        "unknown divert_to",
        [HEADER, GOOD[2].replace("utility", "firemen")],
        {},
        "unknown divert target 'firemen'",
    ),
    (
        "divert_to without divert",
        [HEADER, GOOD[0].replace("on_scene,,", "on_scene,120,")],
        {},
        "divert_to: '120' given but disposition is 'on_scene'",
    ),
    (
        "divert without divert_to",
        [HEADER, GOOD[2].replace("utility", "")],
        {},
        "empty but disposition is 'divert'",
    ),
    ("urgent not boolean", [HEADER, GOOD[0].replace("false", "maybe")], {}, "'maybe'"),
    (
        "empty text for triage",
        [HEADER, GOOD[0].replace("邻居漏水吵起来了", "   ")],
        {"require": "triage"},
        "row 1 (line 2), column text: empty",
    ),
    (
        "non-numeric lat",
        [HEADER, GOOD[0].replace("36.40", "north")],
        {},
        "'north' is not a number",
    ),
    ("lat out of range", [HEADER, GOOD[0].replace("36.40", "136.40")], {}, "column lat: 136.4"),
    ("half coordinates", [HEADER, GOOD[0].replace("36.40", "")], {}, "only one of the two"),
    (
        "lat without lon",
        ["received_at,lat", "2025-03-05 08:00,36.4"],
        {},
        "'lat' is given without",
    ),
    (
        "no location for forecasting",
        ["received_at,text", "2025-03-05 08:00,x"],
        {"require": "forecast"},
        "forecasting needs a grid_id column or lat/lon",
    ),
    (
        "unknown source",
        [HEADER, GOOD[0].replace("citizen", "robot")],
        {},
        "unknown source 'robot'",
    ),
    ("ragged row", [HEADER, GOOD[0] + ",extra", GOOD[1]], {}, "row 1 (line 2): has 11 fields"),
    ("header only", [HEADER], {}, "has a header"),
]


@pytest.mark.parametrize(
    ("lines", "kwargs", "expected"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN]
)
def test_broken_input_names_row_and_column(
    tmp_path: Path, lines: list[str], kwargs: dict, expected: str
) -> None:
    found = problems(write(tmp_path, lines), **kwargs)
    assert any(expected in line for line in found), found


def test_load_calls_raises_data_problems_listing_every_problem(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, GOOD[0].replace("dispute", "theft"), GOOD[0]])
    with pytest.raises(DataProblems) as err:
        load_calls(path)
    assert any("unknown category" in p for p in err.value.problems)
    assert any("duplicate 'c1'" in p for p in err.value.problems)


def test_problem_lines_are_capped_per_kind(tmp_path: Path) -> None:
    rows = [f"c{i},not a time" for i in range(500)]
    found = problems(write(tmp_path, ["call_id,received_at", *rows]))
    assert len(found) == 51
    assert found[-1].startswith("... and 450 more")


def test_truncated_last_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    path.write_text("\n".join([HEADER, GOOD[0], "c2,2025-03-05 09:"]), encoding="utf-8")
    found = problems(path)
    assert any("row 2 (line 3): the last line is cut off" in p for p in found), found


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"\n\n  \n", "the file is empty"),
        (b"\x00\x01\x02binary\x00junk\xff" * 50, "binary"),
        (b"PK\x03\x04 rest of a zip", "Excel"),
        (b"\x1f\x8b\x08\x00broken", "broken gzip"),
    ],
)
def test_unreadable_files_give_a_problem_not_a_traceback(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    assert any(expected in p for p in problems(path))


def test_missing_path_is_a_problem(tmp_path: Path) -> None:
    assert any("cannot read" in p for p in problems(tmp_path / "nope.csv"))


def test_bom_header_is_accepted_silently(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join([HEADER, *GOOD]).encode() + b"\n")
    report = check_file(path)
    assert report.ok and list(report.frame["call_id"]) == ["c1", "c2", "c3"]
    assert not any("byte-order mark" in w or "BOM" in w for w in report.warnings)


def test_gbk_file_works_with_a_note(tmp_path: Path) -> None:
    report = check_file(write(tmp_path, [HEADER, *GOOD], enc="gbk"), require="triage")
    assert report.ok
    assert report.frame["text"].iloc[0] == "邻居漏水吵起来了"
    assert any("GBK" in w for w in report.warnings)


def test_gzip_and_parquet_read_the_same(tmp_path: Path) -> None:
    plain = load_calls(write(tmp_path, [HEADER, *GOOD]))
    gz = tmp_path / "calls.csv.gz"
    gz.write_bytes(gzip.compress(("\n".join([HEADER, *GOOD]) + "\n").encode()))
    pq = tmp_path / "calls.parquet"
    pd.read_csv(tmp_path / "calls.csv", dtype=str).to_parquet(pq)
    pd.testing.assert_frame_equal(load_calls(gz), plain)
    pd.testing.assert_frame_equal(load_calls(pq), plain)


def test_missing_call_id_is_generated_with_a_warning(tmp_path: Path) -> None:
    report = check_file(write(tmp_path, ["received_at", "2025-03-05 08:00", "2025-03-05 09:00"]))
    assert report.ok and list(report.frame["call_id"]) == ["1", "2"]
    assert any("no call_id column" in w for w in report.warnings)


def test_long_text_is_a_warning_and_cut(tmp_path: Path) -> None:
    path = write(tmp_path, ["received_at,text", "2025-03-05 08:00," + "长" * 2500])
    report = check_file(path, require="text")
    assert report.ok and len(report.frame["text"].iloc[0]) == 2000
    assert any("longer than 2,000" in w for w in report.warnings)


def test_map_renames_and_reports_bad_mappings(tmp_path: Path) -> None:
    path = write(tmp_path, ["when,what,received_at_x", "2025-03-05 08:00,hi,x"])
    df = load_calls(path, mapping={"received_at": "when", "text": "what"})
    assert "received_at" in df.columns and "when" not in df.columns
    found = problems(path, mapping={"received_at": "time_local"})
    assert any("no column 'time_local'" in p for p in found)
    clash = write(tmp_path, ["received_at,t2", "2025-03-05 08:00,2025-03-05 09:00"], "c.csv")
    assert any("already has a column" in p for p in problems(clash, mapping={"received_at": "t2"}))


def test_aware_times_convert_and_mixed_offsets_warn(tmp_path: Path) -> None:
    path = write(tmp_path, ["received_at", "2025-03-05T00:00:00Z", "2025-03-05T09:00:00+08:00"])
    report = check_file(path)
    times = report.frame["received_at"]
    assert times.iloc[0] == pd.Timestamp("2025-03-05 08:00", tz="Asia/Shanghai")
    assert times.iloc[1] == pd.Timestamp("2025-03-05 09:00", tz="Asia/Shanghai")
    assert any("mixed time zones" in w for w in report.warnings)


def test_chicago_dst_gap_and_overlap_are_resolved_not_dropped(tmp_path: Path) -> None:
    lines = ["received_at", "2010-03-14 02:30", "2010-11-07 01:30", "2010-06-01 12:00"]
    report = check_file(write(tmp_path, lines), timezone="America/Chicago")
    times = report.frame["received_at"]
    assert len(times) == 3
    assert times.iloc[0] == pd.Timestamp("2010-03-14 03:00", tz="America/Chicago")
    assert times.iloc[1].utcoffset() == pd.Timedelta(hours=-5)  # first (CDT) occurrence
    assert any("gap" in w for w in report.warnings)
    assert any("ambiguous" in w for w in report.warnings)


def test_chinese_labels_and_boolean_words_are_accepted(tmp_path: Path) -> None:
    lines = ["received_at,category,urgent", "2025-03-05 08:00,刑事,是", "2025-03-05 09:00,求助,NO"]
    df = load_calls(write(tmp_path, lines))
    assert list(df["category"]) == ["criminal", "assistance"]
    assert list(df["urgent"]) == [True, False]


def test_forecast_with_lattice_assigns_grids_and_reports_outliers(tmp_path: Path) -> None:
    rows = [f"2025-03-05 08:00,{36.40 + i * 0.001:.3f},116.58" for i in range(300)]
    rows.append("2025-03-05 08:00,45.0,90.0")
    report = check_file(
        write(tmp_path, ["received_at,lat,lon", *rows]), require="forecast", cell_size_m=1000
    )
    assert report.ok, report.problems
    assert len(report.frame) == 300 and (report.frame["grid_id"] != "").all()
    assert any("1 rows lie outside" in w for w in report.warnings)


def test_houston_validates(houston_csv: Path) -> None:
    # Its speed is a benchmark figure (benchmarks/features/houston_load.py), not a test.
    df = load_calls(
        houston_csv,
        mapping={"received_at": "time_local", "grid_id": "beat"},
        timezone="America/Chicago",
        require="forecast",
    )
    assert len(df) == 86_314
    assert df["received_at"].min() == pd.Timestamp("2010-01-01", tz="America/Chicago")
