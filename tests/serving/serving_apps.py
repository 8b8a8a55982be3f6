"""In-process service instances for tests (``Jingqing.to_asgi()`` + Starlette TestClient)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


def _forget_bentoml_metrics() -> None:
    """Let another app instance register BentoML's metrics in this test process.

    Each ``to_asgi()`` app registers the same Prometheus series in the global registry; a
    real server has one app per process, tests have several.
    """
    from prometheus_client import REGISTRY

    for collector, names in list(REGISTRY._collector_to_names.items()):
        if any(name.startswith("bentoml_") for name in names):
            REGISTRY.unregister(collector)


def open_client(home: Path, **env: str) -> Iterator:
    """An in-process client of a fresh service instance living in ``home``."""
    from starlette.testclient import TestClient

    _forget_bentoml_metrics()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JINGQING_HOME", str(home))
        mp.setenv("BENTOML_HOME", str(home / "bentoml"))
        mp.delenv("MLFLOW_TRACKING_URI", raising=False)
        mp.delenv("JINGQING_API_TOKEN", raising=False)
        for key, value in env.items():
            mp.setenv(key, value)
        from serving.service import Jingqing, current_runtime

        with TestClient(Jingqing.to_asgi(), raise_server_exceptions=False) as client:
            client.home = home
            client.get("/readyz")  # binds this app's guard to this service instance
            client.runtime = current_runtime()
            yield client
