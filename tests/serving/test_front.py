"""The front door of ``POST /classify`` does what BentoML's outer layers do: the same
request series on ``/metrics``, BentoML's 504 after the timeout, a plain 500 for an
unexpected error; it stays out of any stack it does not stand in for."""

from __future__ import annotations

import asyncio

import pytest

from serving.front import STANDS_IN_FOR, FrontDoor, install


def _series(metrics: str, name: str, **labels: str) -> float:
    """The sum of ``name``'s samples whose labels include ``labels``."""
    total = 0.0
    for line in metrics.splitlines():
        if not line.startswith(name + "{"):
            continue
        head, _, value = line.rpartition(" ")
        if all(f'{k}="{v}"' in head for k, v in labels.items()):
            total += float(value)
    return total


def test_the_served_app_answers_classify_through_the_front_door(client) -> None:
    assert isinstance(client.app.middleware_stack, FrontDoor)
    before = client.get("/metrics").text
    for text in ("有人打架", "小区停电了", "街上有人拿刀砍人"):
        assert client.post("/classify", json={"texts": [text]}).status_code == 200
    assert client.post("/classify", json={"texts": []}).status_code == 400
    after = client.get("/metrics").text

    def grown(name: str, **labels: str) -> float:
        labels = {"endpoint": "/classify", **labels}
        return _series(after, name, **labels) - _series(before, name, **labels)

    total, seconds = "bentoml_service_request_total", "bentoml_service_request_duration_seconds"
    assert grown(total, http_response_code="200") == 3
    assert grown(total, http_response_code="400") == 1
    assert grown(seconds + "_count", http_response_code="200") == 3
    assert grown(seconds + "_sum", http_response_code="200") > 0
    assert _series(after, "bentoml_service_request_in_progress", endpoint="/classify") == 0
    # BentoML's own layers still count every other route
    assert client.get("/readyz").status_code == 200
    assert _series(client.get("/metrics").text, total, endpoint="/readyz") >= 1


class _Metrics:
    """Stands in for BentoML's request-metrics middleware: records what was counted."""

    _is_setup = True

    def __init__(self) -> None:
        self.seen: list[tuple] = []
        for series in (
            "metrics_request_total",
            "metrics_request_duration",
            "metrics_request_in_progress",
            "metrics_last_request_timestamp",
        ):
            setattr(self, series, _Series(series, self.seen))


class _Series:
    def __init__(self, name: str, seen: list) -> None:
        self.name, self.seen = name, seen

    def labels(self, **labels):
        return _Child(self.name, labels.get("http_response_code"), self.seen)


class _Child:
    def __init__(self, name, status, seen) -> None:
        self.name, self.status, self.seen = name, status, seen

    def inc(self):
        self.seen.append((self.name, self.status, "inc"))

    def dec(self):
        self.seen.append((self.name, self.status, "dec"))

    def observe(self, value):
        self.seen.append((self.name, self.status, "observe"))

    def set_to_current_time(self):
        self.seen.append((self.name, self.status, "set"))


def _classify(door: FrontDoor) -> list[dict]:
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": "/classify", "method": "POST", "headers": []}
    asyncio.run(door(scope, receive, send))
    return sent


def test_no_answer_within_the_timeout_is_bentomls_504() -> None:
    async def stuck(scope, receive, send):
        await asyncio.sleep(5)

    metrics = _Metrics()
    sent = _classify(FrontDoor(None, stuck, metrics, timeout=0.05))
    assert sent[0]["status"] == 504
    assert b"Not able to process the request in 0.05 seconds" in sent[1]["body"]
    assert ("metrics_request_total", 504, "inc") in metrics.seen
    assert metrics.seen.count(("metrics_request_in_progress", None, "inc")) == 1
    assert metrics.seen.count(("metrics_request_in_progress", None, "dec")) == 1


def test_a_slow_answer_that_has_started_is_not_cut() -> None:
    async def slow_body(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await asyncio.sleep(0.1)
        await send({"type": "http.response.body", "body": b"[]"})

    sent = _classify(FrontDoor(None, slow_body, _Metrics(), timeout=0.02))
    assert [m.get("status") for m in sent] == [200, None] and sent[1]["body"] == b"[]"


def test_an_unexpected_error_is_a_plain_500_then_raised() -> None:
    async def broken(scope, receive, send):
        raise RuntimeError("boom")

    metrics = _Metrics()
    with pytest.raises(RuntimeError, match="boom"):
        _classify(FrontDoor(None, broken, metrics, timeout=1))
    assert ("metrics_request_total", 500, "inc") in metrics.seen
    assert metrics.seen[-1] == ("metrics_request_in_progress", None, "dec")


def test_other_requests_take_the_full_stack() -> None:
    seen = []

    async def full(scope, receive, send):
        seen.append(scope["path"])

    door = FrontDoor(full, None, _Metrics(), timeout=1)
    for path, method in (("/readyz", "GET"), ("/classify", "GET"), ("/feedback", "POST")):
        asyncio.run(door({"type": "http", "path": path, "method": method}, None, None))
    assert seen == ["/readyz", "/classify", "/feedback"]


class _Layer:
    def __init__(self, app) -> None:
        self.app = app


def _stack(names: tuple[str, ...], first: object) -> object:
    layer = first
    for name in reversed(names):
        layer = type(name, (_Layer,), {})(layer)
    return layer


@pytest.mark.parametrize(
    "names",
    [
        STANDS_IN_FOR[:2] + ("AccessLogMiddleware",) + STANDS_IN_FOR[2:],  # access log on
        STANDS_IN_FOR[:3],  # no timeout layer
        ("CORSMiddleware", *STANDS_IN_FOR),
    ],
    ids=["access-log", "no-timeout", "extra-outer-layer"],
)
def test_it_stays_out_of_a_stack_it_does_not_stand_in_for(names) -> None:
    first = _Layer(None)

    class App:
        middleware_stack = _stack(names, first)

    stack = App.middleware_stack
    assert install(App, first) is False
    assert App.middleware_stack is stack
