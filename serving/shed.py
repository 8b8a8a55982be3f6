"""Load shedding: past a bound on requests in flight, answer 503 with ``Retry-After`` at once.

Adaptive batching queues requests while the model works; offered more than the worker can
score, that queue (and every caller's wait) would grow until BentoML's own latency bound
(``max_latency_ms``) starts refusing them seconds later. :class:`Shedder` counts the
``/classify`` requests this worker is serving and refuses the next one while the count is
at ``JINGQING_MAX_INFLIGHT`` (default 64): the caller hears "busy, retry in a second"
within a millisecond, and the requests already admitted keep their latency. Any 503 the
service answers (shed here, BentoML's batching timeout, a model not loaded) carries
``Retry-After`` so clients back off instead of hammering.
"""

from __future__ import annotations

import json
from typing import Any

DEFAULT_MAX_INFLIGHT = 64
RETRY_AFTER_SECONDS = 1
SHED_PATHS = frozenset({"/classify"})


class Shedder:
    """ASGI middleware bounding the ``/classify`` requests in flight in one worker."""

    def __init__(self, app: Any, max_inflight: int | None = None, on_shed: Any = None) -> None:
        self.app = app
        self.max_inflight = max_inflight or DEFAULT_MAX_INFLIGHT
        self.inflight = 0
        self.shed = 0
        self.on_shed = on_shed
        self.front_door = False

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan" and not self.front_door:  # the stack is built
                from serving.front import install

                self.front_door = install(scope.get("app"), self)
            await self.app(scope, receive, send)
            return
        if scope.get("path") in SHED_PATHS and scope.get("method") == "POST":
            if self.inflight >= self.max_inflight:
                self.shed += 1
                if self.on_shed is not None:
                    self.on_shed()
                await _busy(send, self.max_inflight)
                return
            self.inflight += 1
            try:
                await self.app(scope, receive, _RetryAfter(send))
            finally:
                self.inflight -= 1
            return
        await self.app(scope, receive, _RetryAfter(send))


async def _busy(send: Any, bound: int) -> None:
    body = json.dumps(
        {
            "error": f"service busy ({bound} requests in flight): retry after {RETRY_AFTER_SECONDS} s"
        }
    ).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(RETRY_AFTER_SECONDS).encode()),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _RetryAfter:
    """Adds ``Retry-After`` to a 503 answer that lacks one."""

    def __init__(self, send: Any) -> None:
        self.send = send

    async def __call__(self, message: dict) -> None:
        if message["type"] == "http.response.start" and message.get("status") == 503:
            headers = list(message.get("headers", []))
            if not any(k.lower() == b"retry-after" for k, _ in headers):
                headers.append((b"retry-after", str(RETRY_AFTER_SECONDS).encode()))
                message = {**message, "headers": headers}
        await self.send(message)
