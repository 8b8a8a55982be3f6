"""Fixtures for the service tests: stores with stand-in champions, in-process clients.

Logging a pyfunc costs a few seconds, so the stand-ins are registered once per session in
``serving_store`` and each home gets a copy of that SQLite file (its artifact locations are
absolute paths into the session store, which lives until the session ends).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from serving_apps import open_client
from serving_fakes import FakeForecast, FakeTriage, register_fakes

os.environ.setdefault("BENTOML_DO_NOT_TRACK", "true")
# BentoML's in-process metrics need a multi-process directory before anything creates a
# series; conftest is imported before any test module, so set it here.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="jingqing-prometheus-"))


def _home(root: Path, db: Path | None) -> Path:
    (root / "mlruns").mkdir(parents=True, exist_ok=True)
    if db is not None:
        shutil.copy(db, root / "mlruns" / "mlflow.db")
    return root


def _store(tmp_path_factory, mlflow_template: Path, name: str, **fakes) -> Path:
    home = _home(tmp_path_factory.mktemp(name), mlflow_template)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JINGQING_HOME", str(home))
        mp.delenv("MLFLOW_TRACKING_URI", raising=False)
        register_fakes(**fakes)
    return home / "mlruns" / "mlflow.db"


@pytest.fixture(scope="session")
def serving_store(tmp_path_factory, mlflow_template: Path) -> Path:
    """A migrated MLflow DB with stand-in triage and forecast champions (version 1)."""
    return _store(tmp_path_factory, mlflow_template, "serving-store")


@pytest.fixture(scope="session")
def custom_label_store(tmp_path_factory, mlflow_template: Path) -> Path:
    """Champions whose triage model knows only labels the taxonomy never heard of."""
    return _store(
        tmp_path_factory,
        mlflow_template,
        "custom-label-store",
        triage=FakeTriage(labels=("alpha", "beta", "gamma")),
        forecast=FakeForecast(["Z1"], "2026-01-01", earliest_start="2025-12-01"),
    )


@pytest.fixture(scope="session")
def fake_home_factory(tmp_path_factory, mlflow_template: Path):
    """``make(name, **fakes)``: a fresh home whose registry has those stand-in champions."""

    def make(name: str, **fakes) -> Path:
        store = _store(tmp_path_factory, mlflow_template, name, **fakes)
        return _home(tmp_path_factory.mktemp("home"), store)

    return make


@pytest.fixture(scope="session")
def no_routing_store(tmp_path_factory, mlflow_template: Path) -> Path:
    """A triage champion trained without routing columns: it suggests no disposition."""
    return _store(
        tmp_path_factory, mlflow_template, "no-routing-store", triage=FakeTriage(routing=False)
    )


@pytest.fixture
def served_home(jingqing_home: Path, serving_store: Path) -> Path:
    """``jingqing_home`` whose registry has the stand-in champions."""
    shutil.copy(serving_store, jingqing_home / "mlruns" / "mlflow.db")
    return jingqing_home


@pytest.fixture(scope="module")
def client(tmp_path_factory, serving_store: Path) -> Iterator:
    """A module-wide in-process client with the stand-in champions, auth off."""
    yield from open_client(_home(tmp_path_factory.mktemp("served"), serving_store))


@pytest.fixture(scope="module")
def fresh_home_factory(tmp_path_factory, mlflow_template: Path):
    def make(db: Path | None = None) -> Path:
        return _home(tmp_path_factory.mktemp("home"), db or mlflow_template)

    return make
