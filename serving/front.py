"""The front door of ``POST /classify``: BentoML's outer layers done once, in one layer.

BentoML wraps every request in four generic ASGI layers before our own middleware sees
it: Starlette's error middleware, the request metrics (four Prometheus label lookups per
request), an OpenTelemetry middleware (which only checks the URL against the exclusion
list when tracing is off) and a timeout middleware (a second task and a timer per
request). Driven in-process they cost ~0.15 ms of a ~0.7 ms single-text request. For
``POST /classify`` this layer, put in front of them, does what they do with the label
children looked up once:

* the same ``bentoml_service_request_total``, ``_request_duration_seconds``,
  ``_request_in_progress`` and ``_last_request_timestamp_seconds`` series (BentoML's own
  metric objects, so ``/metrics`` is unchanged);
* BentoML's timeout: no answer started within ``traffic.timeout`` seconds is a 504 with
  BentoML's body;
* Starlette's error handling: an unexpected exception is a plain 500, then raised for
  the server to log;

then hands the request to the shedder, the guard and the short path behind it
(``serving.fast_classify``). Every other request takes BentoML's full stack. The layer is
only put in front when the stack is exactly the one it stands in for (tracing off, no
access log, batching on); otherwise nothing changes.
"""

from __future__ import annotations

import asyncio
from timeit import default_timer
from typing import Any

ROUTE = "/classify"
# BentoML's layers in front of our first middleware, outermost first, when the front door
# stands in for them (the access log and tracing add layers: then it stays out).
STANDS_IN_FOR = (
    "ServerErrorMiddleware",
    "RunnerTrafficMetricsMiddleware",
    "OpenTelemetryMiddleware",
    "TimeoutMiddleware",
)


def install(app: Any, first: Any) -> bool:
    """Put the front door before ``app``'s middleware stack when that stack is BentoML's
    four outer layers followed by ``first`` (our outermost middleware); True when it did."""
    stack = getattr(app, "middleware_stack", None)
    layers, layer = [], stack
    while layer is not None and layer is not first and len(layers) <= len(STANDS_IN_FOR):
        layers.append(layer)
        layer = getattr(layer, "app", None)
    if layer is not first or tuple(type(x).__name__ for x in layers) != STANDS_IN_FOR:
        return False
    from serving.fast_classify import find_factory

    if find_factory(app) is None:  # batching off: the full route answers /classify
        return False
    app.middleware_stack = FrontDoor(stack, layer, metrics=layers[1], timeout=layers[3].timeout)
    return True


class FrontDoor:
    """``POST /classify`` straight to ``inner`` (our first middleware); see the module."""

    def __init__(self, app: Any, inner: Any, metrics: Any, timeout: float) -> None:
        self.app = app  # BentoML's full stack, for every other request
        self.inner = inner
        self.metrics = metrics
        self.timeout = timeout
        self._children: dict[Any, Any] = {}

    def _child(self, series: str, status: int | None = None) -> Any:
        key = (series, status)
        child = self._children.get(key)
        if child is None:
            from bentoml._internal.context import server_context

            if not self.metrics._is_setup:
                self.metrics._setup()
            labels = {
                "service_name": server_context.bento_name,
                "service_version": server_context.bento_version,
                "runner_name": server_context.service_name,
            }
            if series != "metrics_last_request_timestamp":
                labels["endpoint"] = ROUTE
            if status is not None:
                labels["http_response_code"] = status
            child = self._children[key] = getattr(self.metrics, series).labels(**labels)
        return child

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != ROUTE or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        self._child("metrics_last_request_timestamp").set_to_current_time()
        started = default_timer()
        status = 0
        deadline = asyncio.timeout(self.timeout)
        armed = True

        async def answer(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if armed:  # BentoML's timeout ends with the first message
                    deadline.reschedule(None)
            elif not message.get("more_body", False):
                self._child("metrics_request_total", status).inc()
                elapsed = max(default_timer() - started, 0)
                self._child("metrics_request_duration", status).observe(elapsed)
            await send(message)

        in_progress = self._child("metrics_request_in_progress")
        in_progress.inc()
        try:
            try:
                async with deadline:
                    await self.inner(scope, receive, answer)
            finally:
                armed = False
        except TimeoutError:
            if status:
                raise
            from starlette.responses import JSONResponse

            body = {"error": f"Not able to process the request in {self.timeout} seconds"}
            await JSONResponse(body, status_code=504)(scope, receive, answer)
        except Exception:
            if not status:
                from starlette.responses import PlainTextResponse

                await PlainTextResponse("Internal Server Error", 500)(scope, receive, answer)
            raise
        finally:
            in_progress.dec()
