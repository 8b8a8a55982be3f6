"""``jingqing plan`` end to end: a small simulated city, a real forecast champion, MLflow."""

from __future__ import annotations

import pandas as pd
import pytest

from training.cli import main


@pytest.fixture
def home(planned_home, monkeypatch):
    monkeypatch.setenv("JINGQING_HOME", str(planned_home))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    return planned_home


def test_plan_writes_csv_map_and_an_mlflow_run(home, capsys):
    out = home / "out" / "plan.csv"
    code = main(
        [
            "plan",
            "--units",
            "30",
            "--shifts",
            "3",
            "--output",
            str(out),
            "--calls",
            str(home / "city" / "calls.csv"),
        ]
    )
    assert code == 0
    table = pd.read_csv(out)
    assert len(table) == 36 and table.groupby("shift")["units"].sum().tolist() == [20, 20, 20]
    assert (table.groupby("shift")["standby_units"].sum() == 10).all()
    assert (out.parent / "plan_map.png").stat().st_size > 10_000
    said = capsys.readouterr().out
    assert "calibrated from" in said and "MLflow run" in said
    assert (home / "plan" / "travel.json").exists()

    import mlflow

    from training import tracking

    tracking.configure()
    runs = mlflow.search_runs(experiment_names=["plan"])
    assert len(runs) >= 1
    last = runs.iloc[0]
    assert last["tags.forecast_model_version"] == "1"
    assert 0 < last["metrics.share_within_target"] < 1


@pytest.mark.parametrize(
    ("args", "roster", "message"),
    [
        (["--units", "10"], None, "fewer than the minimum"),
        (["--units", "-3"], None, "--units: -3 is negative"),
        (["--units", "30", "--start", "2031-01-01"], None, "start"),
        (["--units", "30", "--target-minutes", "0"], None, "target minutes"),
        ([], "shift,units,grid_id\n1,30,\n2,30,\n2,2,G77\n", "line 4, column grid_id: 'G77'"),
        ([], "shift,units\n1,30\n2,30\n5,3\n", "line 4, column shift: shift 5 but the plan has 2"),
        ([], "shift,units\n1,30\n2,-4\n", "line 3, column units: -4 is negative"),
        ([], "shift,units\n1,\n", "line 2, column units: missing"),
        ([], "shift,units\n1,30\n", "roster.csv: no units for shift 2"),
        ([], "", "roster.csv: the roster is empty"),
        ([], "units\n30\n", "roster.csv: no column shift"),
        ([], "\x00\x01binary", "roster.csv: no column shift"),
        ([], "shift,units\n", "roster.csv: needs at least one row"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(home, capsys, tmp_path, args, roster, message):
    if roster is not None:
        path = tmp_path / "roster.csv"
        path.write_text(roster, encoding="utf-8")
        args = ["--roster", str(path)]
    out = str(tmp_path / "p.csv")
    code = main(["plan", "--shifts", "2", "--output", out, "--no-track", *args])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert len(err) == 1 and err[0].startswith("error: ")
    assert message in err[0]
