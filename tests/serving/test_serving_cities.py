"""``jingqing serve --city``: the demo city by default, another city's champions when asked,
an unknown city one line naming the known ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from serving.runtime import Runtime
from serving.settings import Settings
from training.cli import main


@pytest.fixture
def two_cities(jingqing_home: Path, serving_store: Path) -> Path:
    """The stand-in demo champions, plus the forecast one copied as ``forecast-houston``."""
    from mlflow import MlflowClient

    from training import tracking

    shutil.copy(serving_store, jingqing_home / "mlruns" / "mlflow.db")
    tracking.configure()
    client = MlflowClient()
    copy = client.copy_model_version("models:/forecast/1", "forecast-houston")
    client.set_registered_model_alias("forecast-houston", "champion", copy.version)
    return jingqing_home


def _runtime(home: Path, **env: str) -> Runtime:
    return Runtime(Settings.from_env({"JINGQING_HOME": str(home), **env})).start()


def test_the_demo_city_is_served_by_default(two_cities: Path) -> None:
    runtime = _runtime(two_cities)
    ready, body = runtime.readiness()
    runtime.close()
    assert ready and body["city"] == "demo"
    assert body["models"]["forecast"]["version"] == "forecast/1"
    assert body["models"]["triage"]["version"] == "triage/1"


def test_another_city_serves_its_own_models_and_says_what_it_lacks(two_cities: Path) -> None:
    runtime = _runtime(two_cities, JINGQING_CITY="houston")
    ready, body = runtime.readiness()
    reason = runtime.missing_reason("triage")
    runtime.close()
    # Houston has a forecast model only: it is served, and /classify says why it cannot be
    assert ready and body["city"] == "houston"
    assert body["models"]["forecast"]["version"] == "forecast-houston/1"
    assert "triage" not in body["models"]
    assert "city houston has no triage model" in reason and "--city houston" in reason
    assert body["not_trained"]["triage"] == reason


def test_serve_an_unknown_city_is_one_line_listing_the_known_ones(
    two_cities: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["serve", "--city", "atlantis", "--port", "3999"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "unknown city 'atlantis'" in err
    assert "demo (triage+forecast), houston (forecast)" in err
    assert main(["serve", "--city", "New York"]) != 0  # not a city name: argparse's line
    with pytest.raises(Exception, match="JINGQING_CITY"):
        Settings.from_env({"JINGQING_CITY": "new york"})
