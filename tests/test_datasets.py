"""A champion is only challenged by a model of the same city (grids and time zone)."""

from __future__ import annotations

from pathlib import Path

import pytest

from training.cli import main
from training.datasets import forecast_dataset, other_dataset_reason


def test_the_data_set_name_depends_on_grids_and_time_zone_only() -> None:
    a = forecast_dataset(["G02", "G01"], "Asia/Shanghai")
    assert a == forecast_dataset(["G01", "G02"], "Asia/Shanghai")
    assert a != forecast_dataset(["G01", "G02"], "America/Chicago")
    assert a != forecast_dataset(["G01", "G03"], "Asia/Shanghai")
    assert other_dataset_reason(a, a) is None and other_dataset_reason(None, a) is None
    assert "another data set" in other_dataset_reason(a, forecast_dataset(["X"], "UTC"))


def test_another_city_never_replaces_the_forecast_champion(
    jingqing_home: Path, capsys: pytest.CaptureFixture
) -> None:
    from mlflow import MlflowClient

    from training import tracking

    cities = {}
    for name, grids in (("demo", "3"), ("other", "4")):
        out = jingqing_home / name
        assert main(["simulate", "--out", str(out), "--grids", grids, "--days", "30"]) == 0
        cities[name] = str(out / "calls.csv")
    train = ["train", "forecast", "--model", "seasonal-naive", "--folds", "1", "--calls"]
    assert main([*train, cities["demo"]]) == 0
    capsys.readouterr()
    # When a model of another city (other grids, other zone) is trained
    assert main([*train, cities["other"], "--tz", "America/Chicago"]) == 0
    out = capsys.readouterr().out
    # Then it is kept as challenger, whatever its deviance, and the command says why
    assert "kept as @challenger (the champion was trained on another data set" in out
    tracking.configure()
    champion = MlflowClient().get_model_version_by_alias("forecast", "champion")
    assert str(champion.version) == "1" and champion.tags["dataset"].startswith("3 grids")
