"""Shared fixtures of the plan tests (the small city of the deployment tests)."""

import shutil

import pytest

from tests.deploy.conftest import geometry, small_city, travel  # noqa: F401
from training.cli import main


@pytest.fixture(scope="session")
def planned_home(tmp_path_factory, mlflow_template):
    """A home with a 12-grid, 35-day city and its LightGBM forecast champion."""
    home = tmp_path_factory.mktemp("plan-home")
    (home / "mlruns").mkdir()
    shutil.copy(mlflow_template, home / "mlruns" / "mlflow.db")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JINGQING_HOME", str(home))
        mp.delenv("MLFLOW_TRACKING_URI", raising=False)
        city = home / "city"
        assert main(["simulate", "--out", str(city), "--grids", "12", "--days", "35"]) == 0
        assert (
            main(
                [
                    "train",
                    "forecast",
                    "--calls",
                    str(city / "calls.csv"),
                    "--folds",
                    "1",
                    "--grids-geojson",
                    str(city / "grids.geojson"),
                ]
            )
            == 0
        )
    return home
