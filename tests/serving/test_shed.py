"""Load shedding: past the in-flight bound a /classify request gets 503 + Retry-After at
once, admitted requests still complete, and other 503s gain Retry-After."""

from __future__ import annotations

import asyncio

from serving.shed import Shedder


def _request(path: str = "/classify", method: str = "POST") -> dict:
    return {"type": "http", "path": path, "method": method, "headers": []}


async def _call(app, scope) -> tuple[int, dict[bytes, bytes]]:
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    return start["status"], dict(start["headers"])


def test_requests_past_the_bound_are_shed_and_admitted_ones_finish() -> None:
    release = asyncio.Event()

    async def slow_app(scope, receive, send):
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"[]"})

    async def scenario():
        shed = Shedder(slow_app, max_inflight=3)
        admitted = [asyncio.create_task(_call(shed, _request())) for _ in range(3)]
        await asyncio.sleep(0.01)
        assert shed.inflight == 3
        status, headers = await asyncio.wait_for(_call(shed, _request()), timeout=1)
        assert status == 503 and headers[b"retry-after"] == b"1"
        release.set()
        done = await asyncio.gather(*admitted)
        assert [s for s, _ in done] == [200, 200, 200]
        assert shed.inflight == 0 and shed.shed == 1
        status, _ = await _call(shed, _request())  # room again
        assert status == 200

    asyncio.run(scenario())


def test_other_routes_are_never_shed_and_any_503_gets_retry_after() -> None:
    async def unavailable(scope, receive, send):
        await send({"type": "http.response.start", "status": 503, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def scenario():
        shed = Shedder(unavailable, max_inflight=1)
        shed.inflight = 1  # full
        status, headers = await _call(shed, _request("/forecast"))
        assert status == 503 and headers[b"retry-after"] == b"1"  # the app's own 503
        status, _ = await _call(shed, _request("/classify", "GET"))
        assert status == 503 and shed.shed == 0

    asyncio.run(scenario())
