"""``POST /classify`` answered from the guard gives what the full BentoML route gives."""

from __future__ import annotations

import json
import logging

import pytest

from serving.fast_classify import FastClassify
from serving.guard import Guard


def _guard(client) -> Guard:
    """The guard middleware instance of the client's app."""
    layer = client.app.middleware_stack
    while not isinstance(layer, Guard):
        layer = layer.app
    return layer


class _Recorder:
    """Records whether each request was answered by the fast path."""

    def __init__(self, fast: FastClassify) -> None:
        self.fast, self.taken = fast, []

    async def answer(self, scope, body, send) -> bool:
        taken = await self.fast.answer(scope, body, send)
        self.taken.append(taken)
        return taken


class _FullRoute(FastClassify):
    """Never answers: every request takes BentoML's full route."""

    async def answer(self, scope, body, send) -> bool:
        return False


@pytest.fixture
def paths(client, monkeypatch):
    """``post(body, full=False)``: the answer of the fast path or of the full route."""
    guard = _guard(client)
    fast = _Recorder(guard.fast)

    def post(body: bytes, full: bool = False):
        monkeypatch.setattr(guard, "fast", _FullRoute() if full else fast)
        headers = {"Content-Type": "application/json"}
        resp = client.post("/classify", content=body, headers=headers)
        assert fast.taken[-1:] == ([] if full else [True])
        fast.taken.clear()
        return resp

    return post


def _without_ids(answers: list[dict]) -> list[dict]:
    return [{k: v for k, v in a.items() if k != "request_id"} for a in answers]


@pytest.mark.parametrize(
    "body",
    [
        {"texts": ["街上有人拿刀砍人"]},
        {"texts": ["邻居家漏水吵起来了，电话13812345678", "小区停电了", "有人打架"]},
        {"calls": [{"call_id": "c1", "text": "有人打架", "received_at": "2026-01-01T08:00"}]},
    ],
    ids=["one-text", "three-texts", "calls"],
)
def test_fast_path_answers_what_the_full_route_answers(paths, body) -> None:
    raw = json.dumps(body, ensure_ascii=False).encode()
    fast, full = paths(raw), paths(raw, full=True)
    assert fast.status_code == full.status_code == 200, fast.text
    assert fast.headers["content-type"] == full.headers["content-type"] == "application/json"
    assert _without_ids(fast.json()) == _without_ids(full.json())
    assert len(fast.json()) == len(body.get("texts") or body["calls"])
    assert {a["request_id"] for a in fast.json()}.isdisjoint(a["request_id"] for a in full.json())


@pytest.mark.parametrize(
    "body",
    [
        b'{"texts": []}',
        b'{"texts": ["ok", "   "]}',
        b'{"texts": ["ok"], "13812345678": 1}',
        b'{"calls": [{"text": "x"}]}',
        b"{}",
    ],
    ids=["empty-list", "blank-text", "unknown-field-with-phone", "call-without-id", "empty"],
)
def test_fast_path_refuses_what_the_full_route_refuses(paths, body, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        fast = paths(body)
    fast_log = [r.getMessage() for r in caplog.records if "rejected" in r.getMessage()]
    full = paths(body, full=True)
    assert fast.status_code == full.status_code == 400
    assert fast.json() == full.json()
    assert "13812345678" not in fast.text
    # one warning line naming the field, no traceback (as for the full route)
    assert len(fast_log) == 1 and fast_log[0].startswith("rejected POST /classify: ")
    assert not any(r.exc_info for r in caplog.records)


def test_a_model_failure_is_the_full_routes_500_with_the_error_logged(
    client, paths, monkeypatch, caplog
) -> None:
    def broken(texts):
        raise RuntimeError("model exploded")

    monkeypatch.setattr(client.runtime, "classify", broken)
    body = '{"texts": ["有人打架"]}'.encode()
    with caplog.at_level(logging.ERROR):
        fast = paths(body)
    full = paths(body, full=True)
    assert fast.status_code == full.status_code == 500
    assert fast.json() == full.json()
    assert "model exploded" not in fast.text
    assert any(r.exc_info and "model exploded" in str(r.exc_info[1]) for r in caplog.records)
