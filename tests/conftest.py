"""Fixtures shared by the whole suite.

MLflow migrates a fresh SQLite store in ~6 s, so the suite migrates one template per
session and every test that needs a store gets its own copy in ``tmp_path``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOUSTON = Path(os.environ.get("JINGQING_HOUSTON", ROOT / "data/houston-2010"))

os.environ.setdefault("BENTOML_DO_NOT_TRACK", "true")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def mlflow_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty MLflow SQLite database, created once per session."""
    import mlflow

    db = tmp_path_factory.mktemp("mlflow-template") / "mlflow.db"
    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{db}", registry_uri=f"sqlite:///{db}")
    client.search_experiments()
    client.search_registered_models()
    return db


@pytest.fixture
def jingqing_home(tmp_path: Path, mlflow_template: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project home in ``tmp_path`` with its own copy of the migrated MLflow store."""
    (tmp_path / "mlruns").mkdir()
    shutil.copy(mlflow_template, tmp_path / "mlruns" / "mlflow.db")
    monkeypatch.setenv("JINGQING_HOME", str(tmp_path))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setenv("BENTOML_HOME", str(tmp_path / "bentoml"))
    return tmp_path


@pytest.fixture(scope="session")
def houston_csv() -> Path:
    path = HOUSTON / "offenses.csv.gz"
    if not path.exists():
        pytest.fail(f"Houston data not found at {path}; set JINGQING_HOUSTON")
    return path


@pytest.fixture(scope="session")
def cluster_address():
    """A Dask LocalCluster (two single-threaded worker processes) for the scale-out tests."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address
