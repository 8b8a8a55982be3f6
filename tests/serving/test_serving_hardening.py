"""What an attacker or a careless client sends: other media types, foreign origins, bodies
that are not JSON objects, personal data where no one expects it. Each gets a clear 4xx,
never a 500, and nothing the client sent comes back or reaches a log unmasked."""

from __future__ import annotations

import json
import logging

import pytest

PHONE = "13812345678"
ROUTES = {
    "/classify": {"texts": ["有人打架"]},
    "/forecast": {"start": "2026-01-01T00:00:00+08:00", "hours": 2},
    "/feedback": {
        "call_id": "H-1",
        "text": "邻居吵架",
        "suggested_category": "dispute",
        "final_category": "dispute",
        "final_disposition": "on_scene",
    },
}
MEDIA_TYPES = [
    pytest.param("multipart/form-data", b"--x\r\n", id="multipart-without-boundary"),
    pytest.param("multipart/form-data; boundary=x", b"--x--\r\n", id="multipart"),
    pytest.param("application/x-www-form-urlencoded", f"text={PHONE}".encode(), id="form"),
    pytest.param("text/plain", b'{"texts": ["x"]}', id="text-plain"),
    pytest.param("application/xml", b"<texts/>", id="xml"),
    pytest.param("", b'{"texts": ["x"]}', id="none"),
    pytest.param("application/json; charset=latin-1", b'{"texts": ["x"]}', id="latin-1"),
]
NOT_OBJECTS = [
    pytest.param(f"text={PHONE}".encode(), "not valid JSON", id="form-as-json"),
    pytest.param(b'{"texts": ["x"', "not valid JSON", id="truncated"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, "nested too deeply", id="deeply-nested"),
    pytest.param(b'["x"]', "JSON object", id="array"),
    pytest.param(b"null", "JSON object", id="null"),
    pytest.param(b"\xff\xfe{", "UTF-8", id="not-utf8"),
    pytest.param(b"", "not valid JSON", id="empty"),
]


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize(("media", "body"), MEDIA_TYPES)
def test_only_json_bodies_are_accepted(client, route: str, media: str, body: bytes) -> None:
    headers = {"Content-Type": media} if media else {}
    resp = client.post(route, content=body, headers=headers)
    assert resp.status_code == 415, resp.text
    assert "application/json" in resp.json()["error"] or "utf-8" in resp.json()["error"]
    assert PHONE not in resp.text


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize(("body", "needle"), NOT_OBJECTS)
def test_bodies_that_are_not_json_objects_get_400(client, route: str, body: bytes, needle: str):
    resp = client.post(route, content=body, headers={"Content-Type": "application/json"})
    assert resp.status_code == 400, resp.text
    assert needle in resp.json()["error"] and PHONE not in resp.text


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://testserver.evil"])
def test_cross_origin_posts_are_refused(client, origin: str) -> None:
    # A page elsewhere makes the browser post feedback while auth is off (the default).
    before = client.runtime.feedback.count()
    resp = client.post("/feedback", json=ROUTES["/feedback"], headers={"Origin": origin})
    assert resp.status_code == 403 and "Origin" in resp.json()["error"]
    assert client.runtime.feedback.count() == before


def test_same_origin_posts_are_served(client) -> None:
    resp = client.post(
        "/feedback", json=ROUTES["/feedback"], headers={"Origin": "http://testserver"}
    )
    assert resp.status_code == 200, resp.text


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"texts": ["有人打架"], PHONE: "x"}, id="unknown-field-named-by-pii"),
        pytest.param({"texts": ["有人打架"], "note": f"回拨{PHONE}"}, id="unknown-field-with-pii"),
        pytest.param({"texts": [f"电话{PHONE}" * 200]}, id="too-long-text-with-pii"),
        pytest.param({"texts": f"电话{PHONE}"}, id="texts-not-a-list"),
    ],
)
def test_rejected_bodies_are_neither_echoed_nor_logged(client, caplog, body: dict) -> None:
    with caplog.at_level(logging.DEBUG):
        resp = client.post("/classify", json=body)
    assert 400 <= resp.status_code < 500, resp.text
    assert PHONE not in resp.text
    assert PHONE not in caplog.text
    assert resp.json()["error"]


@pytest.mark.parametrize("start", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
def test_forecast_starts_at_the_ends_of_the_calendar_get_4xx(client, start: str) -> None:
    resp = client.post("/forecast", json={"start": start, "hours": 168})
    assert 400 <= resp.status_code < 500, resp.text
    assert "start" in json.dumps(resp.json())


def test_a_second_correction_of_a_call_says_what_it_replaces(client) -> None:
    body = {**ROUTES["/feedback"], "call_id": "H-twice"}
    first = client.post("/feedback", json=body).json()
    second = client.post("/feedback", json={**body, "final_category": "public_order"}).json()
    assert first["replaces"] is None and second["replaces"] == first["id"]


def test_a_locked_feedback_store_is_503_with_retry_after(client) -> None:
    import sqlite3

    store = client.runtime.feedback
    store._conn.execute("PRAGMA busy_timeout = 200")  # the production wait is 10 s
    outside = sqlite3.connect(store.path, isolation_level=None)
    outside.execute("BEGIN IMMEDIATE")
    try:
        resp = client.post("/feedback", json=ROUTES["/feedback"])
    finally:
        outside.execute("ROLLBACK")
        outside.close()
        store._conn.execute("PRAGMA busy_timeout = 10000")
    assert resp.status_code == 503, resp.text
    assert "feedback store feedback.db is locked" in resp.json()["error"]
    assert int(resp.headers["retry-after"]) > 0
    assert client.post("/feedback", json=ROUTES["/feedback"]).status_code == 200


SPELLINGS = ["一三八一二三四五六七八", "138 1234 5678", "138\u200b1234\u200b5678", "①③⑧①②③④⑤⑥⑦⑧"]


def test_feedback_in_any_spelling_is_stored_masked(client) -> None:
    import sqlite3

    for i, spelling in enumerate(SPELLINGS):
        body = {**ROUTES["/feedback"], "call_id": f"S-{i}", "text": f"邻居吵架，电话{spelling}"}
        assert client.post("/feedback", json=body).status_code == 200
    with sqlite3.connect(client.runtime.feedback.path) as con:
        stored = [r[0] for r in con.execute("SELECT text FROM feedback WHERE call_id LIKE 'S-%'")]
    assert stored == ["邻居吵架，电话<MOBILE>"] * len(SPELLINGS)
