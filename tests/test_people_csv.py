"""CSV files a person opens: UTF-8 with BOM, grid names where known, local times Excel
reads as dates; and the project's own readers still read them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from features.excel import for_people, grid_names, local_time_text
from training.forecast.planner import write_csv

GEOJSON = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"grid_id": "G1", "name": "普洱广场片区"}},
            {"type": "Feature", "properties": {"grid_id": "G2"}},
        ],
    }
)


def test_forecast_csv_for_excel(tmp_path: Path) -> None:
    hours = pd.date_range("2025-03-29 23:00", periods=2, freq="h", tz="Asia/Shanghai")
    frame = pd.DataFrame(
        {"grid_id": ["G1", "G2"], "hour": hours, "mean": [1.23456, 0.5]}
        | {"p10": [0.0, 0.0], "p50": [1.0, 0.0], "p90": [3.0, 2.0]}
    )
    path = tmp_path / "forecast.csv"
    write_csv(frame, path, GEOJSON)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig").splitlines()
    assert text[0] == "grid_id,grid_name,hour,local_time,mean,p10,p50,p90"
    assert text[1] == "G1,普洱广场片区,2025-03-29T23:00:00+08:00,2025-03-29 23:00,1.2346,0,1,3"
    assert text[2].startswith("G2,,2025-03-30T00:00:00+08:00,2025-03-30 00:00,")
    back = pd.read_csv(path)  # pandas strips the BOM
    assert list(back.columns)[0] == "grid_id"


def test_local_time_of_iso_text_keeps_its_wall_clock() -> None:
    got = local_time_text(["2025-07-01T08:00:00-05:00", "", "2025-01-01T00:13:45+08:00"])
    assert got == ["2025-07-01 08:00", "", "2025-01-01 00:13"]


def test_grid_names_of_bad_or_missing_geojson_are_empty() -> None:
    assert grid_names(None) == {} and grid_names("not json") == {}
    assert grid_names(GEOJSON) == {"G1": "普洱广场片区"}
    frame = pd.DataFrame({"grid_id": ["G1"], "units": [2]})
    assert list(for_people(frame, {}).columns) == ["grid_id", "units"]


def test_simulated_calls_csv_has_a_bom_and_is_read_without_a_warning(tmp_path: Path) -> None:
    from features.schema import check_file
    from training.simulator import run_simulate

    result = run_simulate(tmp_path, grids=2, days=2, seed=3, progress=False)
    assert result.calls_path.read_bytes().startswith(b"\xef\xbb\xbf")
    report = check_file(result.calls_path, require="triage")
    assert report.ok and len(report.frame) == result.n_calls
    assert not any("BOM" in w or "byte-order" in w for w in report.warnings)
    assert pd.read_csv(result.calls_path).columns[0] == "call_id"
    # beside the ISO 8601 time, the same wall-clock time as Excel reads a date
    calls = pd.read_csv(result.calls_path, encoding="utf-8-sig")
    assert list(calls.columns[1:3]) == ["received_at", "local_time"]
    assert (calls["local_time"] == local_time_text(calls["received_at"])).all()
    assert calls["local_time"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d").all()
