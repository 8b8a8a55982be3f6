"""``GET /monitor`` and the ``jingqing_monitor_*`` gauges: the monitor's drift and agreement
figures from this service's own audit log and feedback store.

The figures are ``features.monitoring``'s, the same as ``jingqing monitor`` reports: the
served champion's answers of the last seven days (audit log lines of its version) against
the reference stored with it at training time, and the call takers' corrections. Forecast
error needs the realised calls, which the service never receives: ``jingqing monitor
--calls`` measures it. The gauges are refreshed when ``/metrics`` is scraped (at most every
15 s), so Prometheus sees what ``/monitor`` answers. A refresh costs tens of milliseconds
with a week of audit lines at 100k calls a day: the window's rows are kept as columns
between scrapes (``serving.audit_tail``), the drift figures are counts of them, and the
agreement figures are recomputed only when the feedback store changed.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from features.monitoring.agreement import agreement, read_corrections, store_version
from features.monitoring.config import AgreementThresholds, load_thresholds
from features.monitoring.report import drift_of_rows, gauges, health
from serving.audit_tail import audit_tail

log = logging.getLogger(__name__)

MONITOR_PATH = "/monitor"
WINDOW_DAYS = 7
REFRESH_SECONDS = 15.0  # Prometheus's usual scrape interval: each refresh parses a quarter
# of a minute's lines (~60 ms of CPU at 300 requests/s) instead of a whole minute's


def live_report(runtime: Any, now: datetime | None = None, days: int = WINDOW_DAYS) -> dict:
    """Model health of the served triage champion over the last ``days`` days."""
    th = load_thresholds()
    loaded = runtime.models.get("triage")
    model_info: dict[str, str] = {"window_days": str(days)}
    drift = None
    if loaded is not None:
        model_info["triage"] = loaded.label
        inner = getattr(loaded.model, "model", loaded.model)
        reference = (getattr(inner, "info", None) or {}).get("monitor_reference")
        since = (now or datetime.now(UTC)) - timedelta(days=days)
        rows = audit_tail(runtime.audit.path).read(since, loaded.label)
        if reference and len(rows):
            drift = drift_of_rows(reference, rows, th)
        elif not reference:
            model_info["note"] = "the champion carries no training reference: retrain it"
    agreed = AGREEMENT.figures(runtime.feedback.path, th.agreement)
    return health(drift, agreed, None, model=model_info)


class _Agreement:
    """The feedback store's agreement figures, recomputed only when its rows changed
    (``store_version``): a scrape then costs a look at the last row id, not a read and the
    scikit-learn metrics of every correction ever stored (0.2 s at 3,000 of them)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        """Forget the figures: the next call reads the store again."""
        self._key: tuple | None = None
        self._figures: dict = {}

    def figures(self, path: Path, th: AgreementThresholds) -> dict:
        key = (store_version(path), th.model_dump_json())
        with self._lock:
            if key != self._key:
                self._figures = agreement(read_corrections(path), th)
                self._key = key
            return copy.deepcopy(self._figures)


AGREEMENT = _Agreement()


class _Gauges:
    """``jingqing_monitor_*`` gauges, created on first use like ``serving.metrics``."""

    def __init__(self) -> None:
        self._series: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.updated = 0.0

    def publish(self, report: dict) -> None:
        import bentoml

        with self._lock:
            for name, labels, value in gauges(report):
                gauge = self._series.get(name)
                if gauge is None:
                    gauge = self._series[name] = bentoml.metrics.Gauge(
                        name=name,
                        documentation=f"model monitor figure {name} (see GET /monitor)",
                        labelnames=sorted(labels),
                    )
                (gauge.labels(**labels) if labels else gauge).set(value)
            self.updated = time.monotonic()


GAUGES = _Gauges()


def monitor_app(runtime_ref: Callable[[], Any]) -> Any:
    """The ASGI app behind ``GET /monitor`` (JSON; 503 while the service is starting)."""
    import anyio.to_thread
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def answer(request: Request) -> JSONResponse:
        runtime = runtime_ref()
        if runtime is None:
            return JSONResponse({"error": "service is starting"}, status_code=503)
        report = await anyio.to_thread.run_sync(live_report, runtime)
        GAUGES.publish(report)
        return JSONResponse(json.loads(json.dumps(report, default=str)))

    return Starlette(routes=[Route("/", answer, methods=["GET"])])


class RefreshOnScrape:
    """Refresh the monitor gauges (at most every ``REFRESH_SECONDS``) before ``/metrics``
    answers."""

    def __init__(self, app: Any, runtime_ref: Callable[[], Any]) -> None:
        self.app = app
        self.runtime_ref = runtime_ref

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("path") == "/metrics":
            runtime = self.runtime_ref()
            if runtime is not None and time.monotonic() - GAUGES.updated > REFRESH_SECONDS:
                import anyio.to_thread

                try:
                    GAUGES.publish(await anyio.to_thread.run_sync(live_report, runtime))
                except Exception:  # a broken store must not take /metrics down
                    log.exception("model monitor gauges not refreshed")
        await self.app(scope, receive, send)


def mount_monitor(service: Any, runtime_ref: Callable[[], Any]) -> Any:
    """Mount ``GET /monitor`` and the gauge refresh on a BentoML service."""
    from serving.ui import ExactMountPath

    service.mount_asgi_app(monitor_app(runtime_ref), path=MONITOR_PATH)
    service.add_asgi_middleware(ExactMountPath, paths=(MONITOR_PATH,))
    service.add_asgi_middleware(RefreshOnScrape, runtime_ref=runtime_ref)
    return service
