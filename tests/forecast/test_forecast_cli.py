"""End to end through the command line: train → champion → forecast, backtests, Houston."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from training.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def small_city(tmp_path_factory) -> Path:
    from training.simulator import run_simulate

    out = tmp_path_factory.mktemp("city")
    run_simulate(out, grids=8, days=42, start="2025-09-01", seed=3, progress=False)
    return out


def test_train_promote_and_forecast_writes_csv_and_pictures(small_city, jingqing_home, capsys):
    # given a small simulated city
    calls = small_city / "calls.csv"
    geo = small_city / "grids.geojson"
    # when we train a baseline then LightGBM (tiny backtest)
    assert (
        main(
            [
                "train",
                "forecast",
                "--calls",
                str(calls),
                "--grids-geojson",
                str(geo),
                "--model",
                "seasonal-naive",
                "--folds",
                "2",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "train",
                "forecast",
                "--calls",
                str(calls),
                "--grids-geojson",
                str(geo),
                "--folds",
                "2",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    # then LightGBM beats the seasonal-naive champion on backtest deviance and is promoted
    assert "v2" in out and "promoted to @champion" in out
    # and the planners' forecast writes the CSV and both pictures
    target = jingqing_home / "plan" / "week.csv"
    assert main(["forecast", "--hours", "24", "--output", str(target)]) == 0
    frame = pd.read_csv(target)
    assert list(frame.columns) == [
        "grid_id",
        "grid_name",
        "hour",
        "local_time",
        "mean",
        "p10",
        "p50",
        "p90",
    ]
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    assert frame["grid_name"].str.len().gt(0).all()
    assert len(frame) == 8 * 24 and frame["grid_id"].nunique() == 8
    for suffix in ("_heatmap.png", "_map.png"):
        png = target.with_name(f"week{suffix}")
        assert png.stat().st_size > 5_000 and png.read_bytes()[:4] == b"\x89PNG"
    # and by shift, one row per grid and 8-hour shift whose mean is the hours' total
    shifts_csv = jingqing_home / "plan" / "shifts.csv"
    assert main(["forecast", "--hours", "24", "--by", "shift", "--output", str(shifts_csv)]) == 0
    shifts = pd.read_csv(shifts_csv)
    assert list(shifts.columns) == [
        "grid_id",
        "grid_name",
        "shift_start",
        "local_time",
        "hours",
        "mean",
        "p10",
        "p50",
        "p90",
    ]
    assert shifts["hours"].sum() == 8 * 24
    # each shift's mean is the hours' total, or its blend with the shift-total model when
    # the backtest folds kept that (the choice is logged with the run)
    import mlflow

    from training import tracking

    tracking.configure()
    champion = mlflow.pyfunc.load_model("models:/forecast@champion").unwrap_python_model()
    forecaster = champion.forecaster
    run = mlflow.get_run(
        mlflow.MlflowClient().get_model_version_by_alias("forecast", "champion").run_id
    )
    weight = getattr(forecaster, "shift_weight_", 0.0)
    assert float(run.data.params["shift_blend_weight"]) == weight
    assert run.data.tags["shift_blend"].startswith("blend kept" if weight else "blend lost")
    hourly = frame["mean"].to_numpy().reshape(8, 3, 8).sum(axis=2)
    want = hourly
    if weight:
        panel = forecaster.panel_
        starts = panel.n_hours + np.array([0, 8, 16])
        direct = forecaster.shift_model_.predict_totals(panel, panel.n_hours, starts)
        want = (1 - weight) * hourly + weight * direct
    assert np.abs(shifts["mean"].to_numpy().reshape(8, 3) - want).max() < 1e-3

    # a fresh process loading models:/forecast@champion gives identical forecasts
    script = (
        "import mlflow, sys\n"
        "from training import tracking\n"
        "tracking.configure()\n"
        "m = mlflow.pyfunc.load_model('models:/forecast@champion')\n"
        "u = m.unwrap_python_model()\n"
        "f = m.predict(__import__('pandas').DataFrame({'start': [None], 'hours': [24]}))\n"
        "f.to_csv(sys.argv[1], index=False)\n"
        "print(u.history_end, len(u.grid_ids))\n"
    )
    fresh = jingqing_home / "fresh.csv"
    env = {**os.environ, "JINGQING_HOME": str(jingqing_home)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(fresh)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=jingqing_home,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    again = pd.read_csv(fresh)
    assert again["grid_id"].tolist() == frame["grid_id"].tolist()
    assert (again["mean"].round(4) == frame["mean"]).all()
    assert (
        again[["p10", "p50", "p90"]].to_numpy() == frame[["p10", "p50", "p90"]].to_numpy()
    ).all()


def test_forecast_errors_are_one_line(small_city, jingqing_home, capsys):
    assert main(["forecast", "--hours", "24", "--output", str(jingqing_home / "x.csv")]) == 1
    assert "no model forecast@champion yet" in capsys.readouterr().err
    assert main(["train", "forecast", "--calls", str(small_city / "nope.csv")]) == 1
    assert "not found" in capsys.readouterr().err


def test_backtest_writes_every_grid_hour_with_the_oracle(small_city, tmp_path, capsys):
    out = tmp_path / "bt.csv"
    code = main(
        [
            "backtest",
            "forecast",
            "--calls",
            str(small_city / "calls.csv"),
            "--cutoff",
            "2025-10-06 05:00",
            "--horizon",
            "36",
            "--output",
            str(out),
            "--model",
            "how-mean,seasonal-naive",
        ]
    )
    assert code == 0
    frame = pd.read_csv(out)
    assert list(frame.columns) == [
        "grid_id",
        "hour",
        "local_time",
        "model",
        "mean",
        "p10",
        "p50",
        "p90",
    ]
    hours = pd.to_datetime(frame["hour"], utc=True)
    start = pd.Timestamp("2025-10-06 05:00", tz="Asia/Shanghai")
    assert hours.min() == start and hours.max() == start + pd.Timedelta(hours=35)
    per_model = frame.groupby("model").size()
    assert set(per_model.index) == {"how-mean", "seasonal-naive", "oracle"}
    assert (per_model == 8 * 36).all()
    assert not frame.duplicated(["grid_id", "hour", "model"]).any()
    printed = capsys.readouterr().out
    assert "poisson_deviance" in printed and "oracle" in printed


def test_houston_beats_end_to_end_with_column_mapping(houston_csv, jingqing_home, capsys):
    # given 20 Houston beats over two months, read through --map
    raw = pd.read_csv(houston_csv)
    beats = sorted(raw["beat"].dropna().unique())[:20]
    subset = raw[raw["beat"].isin(beats) & (raw["time_local"] < "2010-03-01")]
    calls = jingqing_home / "houston.csv"
    subset.to_csv(calls, index=False)
    mapping = [
        "--map",
        "received_at=time_local",
        "--map",
        "grid_id=beat",
        "--tz",
        "America/Chicago",
    ]
    # when backtesting and training through the CLI
    out = jingqing_home / "bt.csv"
    assert (
        main(
            [
                "backtest",
                "forecast",
                "--calls",
                str(calls),
                *mapping,
                "--cutoff",
                "2010-02-15",
                "--horizon",
                "168",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    assert len(pd.read_csv(out)) == 20 * 168
    assert main(["train", "forecast", "--calls", str(calls), *mapping, "--folds", "2"]) == 0
    assert main(["forecast", "--hours", "8", "--output", str(jingqing_home / "h.csv")]) == 0
    # then the forecast covers every beat, hours carry the Chicago offset
    frame = pd.read_csv(jingqing_home / "h.csv")
    assert frame["grid_id"].nunique() == 20 and frame["hour"].str.endswith("-06:00").all()
    assert "skill vs seasonal-naive" in capsys.readouterr().out


def test_forecasts_count_citizen_calls_unless_patrol_is_included(small_city):
    from training.forecast.data import load_forecast_data

    calls = small_city / "calls.csv"
    sources = pd.read_csv(calls, usecols=["source"])["source"].value_counts()
    citizen = load_forecast_data(calls, grids_geojson=small_city / "grids.geojson")
    everyone = load_forecast_data(
        calls, grids_geojson=small_city / "grids.geojson", include_patrol=True
    )
    assert citizen.panel.counts.sum() == sources["citizen"]
    assert everyone.panel.counts.sum() == sources.sum() > sources["citizen"]
    assert citizen.panel.kinds and all(citizen.panel.kinds)  # kinds from the GeoJSON


def test_lattice_is_built_and_assigned_once_and_the_map_names_its_cells(small_city, monkeypatch):
    import json

    from features.grids import GridSet
    from training.forecast.data import load_forecast_data

    calls = []
    real_assign = GridSet.assign

    def counting_assign(self, lat, lon):
        calls.append(len(self))
        return real_assign(self, lat, lon)

    monkeypatch.setattr(GridSet, "assign", counting_assign)
    data = load_forecast_data(small_city / "calls.csv", cell_size_m=1000)
    assert len(calls) == 1  # the loader's assignment is the one the panel uses
    cells = [f["properties"]["grid_id"] for f in json.loads(data.geojson)["features"]]
    assert sorted(cells) == sorted(data.panel.grid_ids) and len(cells) > 1
    frame = pd.read_csv(small_city / "calls.csv")
    assert data.panel.counts.sum() == (frame["source"] == "citizen").sum()


def test_loader_returns_the_grids_it_assigned_from(small_city):
    from features.grids import GridSet
    from features.schema import load_calls_with_grids

    path = small_city / "calls.csv"
    polygons = GridSet.from_geojson(small_city / "grids.geojson")
    frame, used = load_calls_with_grids(path, require="forecast", grids=polygons)
    assert used is polygons and set(frame["grid_id"]) <= set(polygons.ids)
    frame, lattice = load_calls_with_grids(path, require="forecast", cell_size_m=1500)
    assert lattice.lattice_spec is not None and set(frame["grid_id"]) == set(lattice.ids)
    _, none = load_calls_with_grids(path, require="forecast")
    assert none is None  # the file's own grid_id column


def test_lattice_without_coordinates_is_one_line(tmp_path, capsys):
    calls = tmp_path / "calls.csv"
    calls.write_text("call_id,received_at,grid_id\n1,2025-01-01 10:00,G1\n", encoding="utf-8")
    args = ["backtest", "forecast", "--calls", str(calls), "--cell-size", "2000"]
    assert main([*args, "--output", str(tmp_path / "bt.csv")]) == 1
    err = capsys.readouterr().err.strip()
    assert "--cell-size" in err and "lat/lon" in err and "Traceback" not in err
    assert len(err.splitlines()) == 1
