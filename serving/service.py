"""The jingqing HTTP service: routes only; the work is in ``serving.runtime``.

Run with ``jingqing serve`` (or ``bentoml serve serving.service:Jingqing``).
``/classify`` uses BentoML adaptive batching: concurrent requests' texts are merged into
one call of the model.

Settings come from the environment through ``serving.settings.Settings`` (read once when
this module loads; each service instance keeps the object it started with).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import anyio.to_thread
import bentoml
from starlette.responses import JSONResponse

from serving import schemas
from serving.feedback import RETRY_AFTER_S, FeedbackStoreBusy
from serving.guard import Guard
from serving.plan import PlanRequest, PlanRow
from serving.plan import answer as plan_answer
from serving.runtime import RequestProblem, Runtime
from serving.settings import Settings
from serving.shed import Shedder

SETTINGS = Settings.from_env()
MAX_BATCH_SIZE = 128
MAX_LATENCY_MS = 2000  # upper bound before a queued request is shed with 503
# A batch of this many texts or fewer is scored on the event loop (a few ms): cheaper than
# the hand-off to a worker thread, and the model never waits for the loop to hand back
# the GIL; a larger batch goes to a thread so the loop keeps reading requests meanwhile.
INLINE_TEXTS = 16
UI_DIR = Path(__file__).parent / "ui"

_runtime: Runtime | None = None


def current_runtime() -> Runtime | None:
    """The runtime of the service instance in this process (None while starting)."""
    return _runtime


@bentoml.service(
    name="jingqing",
    traffic={"timeout": 60},
    workers=SETTINGS.workers,
    logging={"access": {"enabled": SETTINGS.access_log}},
    # BentoML opens an OpenTelemetry span per request even with no exporter to send it to
    # (~0.4 ms of CPU per /classify); JINGQING_TRACING=on keeps them for a configured one.
    **({} if SETTINGS.tracing else {"tracing": {"excluded_urls": [".*"]}}),
)
class Jingqing:
    """Triage suggestions and call forecasts for grid-based police dispatch."""

    def __init__(self) -> None:
        global _runtime
        _runtime = self.runtime = Runtime().start()

    @bentoml.on_shutdown
    def close(self) -> None:
        global _runtime
        if _runtime is self.runtime:
            _runtime = None
        self.runtime.close()

    @bentoml.api(
        route="/classify",
        input_spec=schemas.ClassifyRequest,
        batchable=SETTINGS.batching,
        batch_dim=0,
        max_batch_size=MAX_BATCH_SIZE,
        max_latency_ms=MAX_LATENCY_MS,
    )
    async def classify(self, texts: list[str]) -> list[schemas.ServedSuggestion]:
        """Suggest category, routing and urgency for each call text, in order."""
        if len(texts) <= INLINE_TEXTS:
            return self.runtime.classify(texts)
        return await anyio.to_thread.run_sync(self.runtime.classify, texts)

    @bentoml.api(route="/forecast", input_spec=schemas.ForecastRequest)
    async def forecast(
        self, start: datetime, hours: int, grid_ids: list[str] | None = None, by: str = "hour"
    ) -> list[schemas.ForecastRow] | list[schemas.ShiftForecastRow]:
        """Expected calls per grid per hour (or per 8-hour shift, ``"by": "shift"``, with the
        interval of the shift total) with p10/p50/p90 from the champion forecast."""
        try:
            return await anyio.to_thread.run_sync(
                self.runtime.forecast, start, hours, grid_ids, by
            )
        except RequestProblem as exc:
            return JSONResponse({"error": str(exc), "field": exc.field}, status_code=422)

    @bentoml.api(route="/plan", input_spec=PlanRequest)
    async def plan(self, **fields: object) -> list[PlanRow]:
        """Patrol units per grid and shift, and the share of calls reached within target."""
        try:
            return await anyio.to_thread.run_sync(plan_answer, self.runtime, fields)
        except RequestProblem as exc:
            return JSONResponse({"error": str(exc), "field": exc.field}, status_code=422)

    @bentoml.api(route="/feedback", input_spec=schemas.FeedbackRequest)
    async def feedback(self, **fields: object) -> schemas.FeedbackAck:
        """Store the call taker's final decision; answers only once it is on disk."""
        try:
            stored = await anyio.to_thread.run_sync(self.runtime.add_feedback, fields)
        except FeedbackStoreBusy as exc:
            headers = {"Retry-After": str(RETRY_AFTER_S)}
            return JSONResponse({"error": str(exc)}, status_code=503, headers=headers)
        return schemas.FeedbackAck(id=stored.id, replaces=stored.replaces)


# BentoML derives the media type of a list answer from its JSON schema on *every* response
# (~1.5 ms of CPU per request); declaring it once keeps that off the hot path.
for _api in Jingqing.apis.values():
    _api.output_spec.media_type = "application/json"

# The first middleware added is the outermost: a shed request costs no body read or parse.
Jingqing.add_asgi_middleware(Shedder, max_inflight=SETTINGS.max_inflight)  # 503 past it
Jingqing.add_asgi_middleware(
    Guard,
    runtime_ref=current_runtime,
    settings=SETTINGS,
)
if (UI_DIR / "__init__.py").exists():  # the operators' console, under /ui
    from serving.ui import mount_ui

    mount_ui(Jingqing)

from serving.monitor import mount_monitor  # noqa: E402 - GET /monitor and its gauges

mount_monitor(Jingqing, current_runtime)
