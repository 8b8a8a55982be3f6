"""``POST /classify`` with calls: suggestions carry the earlier calls of the same incident."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from serving_apps import open_client

FIGHT = "XX路万达广场门口，两伙人打起来了，有人拿酒瓶砸人，现在还在打。"
FIGHT_AGAIN = "我在万达广场这里，门口有一群人在打架，还有人拿瓶子砸，你们快来"
PHONE = "13912345678"
START = dt.datetime(2026, 3, 1, 20, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _call(call_id: str, minute: int, text: str = FIGHT, **extra) -> dict:
    return {
        "call_id": call_id,
        "text": text,
        "received_at": (START + dt.timedelta(minutes=minute)).isoformat(),
        "grid_id": "G7",
        "lat": 24.781,
        "lon": 100.971,
    } | extra


def test_a_second_caller_is_linked_to_the_first(client) -> None:
    # Given a first call about a fight
    first = client.post("/classify", json={"calls": [_call("L-1", 10)]})
    assert first.status_code == 200
    assert first.json()[0]["same_incident"] == []
    # When a second caller reports it three minutes later from nearby
    second = client.post("/classify", json={"calls": [_call("L-2", 13, FIGHT_AGAIN, lat=24.7815)]})
    # Then the suggestion names the first call, how long ago and that it is the same grid
    assert second.status_code == 200
    (match,) = second.json()[0]["same_incident"]
    assert match["call_id"] == "L-1"
    assert match["minutes_ago"] == 3.0 and match["same_grid"] is True
    assert 0.0 < match["score"] <= 1.0
    assert "category" in second.json()[0]


def test_texts_answer_without_links(client) -> None:
    got = client.post("/classify", json={"texts": [FIGHT]})
    assert got.status_code == 200
    assert got.json()[0]["same_incident"] is None


def test_calls_in_one_request_link_to_each_other_and_keep_order(client) -> None:
    body = {
        "calls": [_call("M-1", 190, grid_id="G9"), _call("M-2", 191, FIGHT_AGAIN, grid_id="G9")]
    }
    got = client.post("/classify", json=body)
    assert got.status_code == 200
    first, second = got.json()
    assert first["same_incident"] == []
    assert [m["call_id"] for m in second["same_incident"]] == ["M-1"]


def test_the_store_keeps_calls_masked_and_survives_a_restart(fresh_home_factory, serving_store):
    home = fresh_home_factory(serving_store)
    for client in open_client(home):
        assert (
            client.post(
                "/classify", json={"calls": [_call("R-1", 300, FIGHT + PHONE)]}
            ).status_code
            == 200
        )
    for client in open_client(home):  # a new service process on the same home
        got = client.post("/classify", json={"calls": [_call("R-2", 302, FIGHT_AGAIN)]})
        assert [m["call_id"] for m in got.json()[0]["same_incident"]] == ["R-1"]
    with sqlite3.connect(home / "linking" / "recent_calls.db") as conn:
        texts = [row[0] for row in conn.execute("SELECT text FROM recent_calls")]
    assert texts and not any(PHONE in t for t in texts)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"calls": []}, "calls"),
        ({"calls": [{"call_id": "X", "text": FIGHT}]}, "calls.0.received_at"),
        ({"calls": [_call("X", 1) | {"received_at": "yesterday"}]}, "calls.0.received_at"),
        ({"calls": [_call("X", 1) | {"received_at": "1890-01-01T00:00"}]}, "calls.0.received_at"),
        ({"calls": [_call("X", 1) | {"text": "   "}]}, "calls.0.text"),
        ({"calls": [_call("X", 1) | {"call_id": ""}]}, "calls.0.call_id"),
        ({"calls": [_call("X", 1), _call("Y", 1) | {"lat": 123.0}]}, "calls.1.lat"),
        ({"calls": [_call("X", 1) | {"lon": "east"}]}, "calls.0.lon"),
        ({"calls": [_call("X", 1) | {"colour": "red"}]}, "calls.0.colour"),
        ({"calls": [_call("X", 1) | {PHONE: 1}]}, "calls.0.<MOBILE>"),  # keys are masked too
        ({"calls": [_call("X", 1), _call("X", 2)]}, "calls.1.call_id"),
        ({"calls": [_call("X", 1)], "texts": [FIGHT]}, "not both"),
        ({"calls": "X"}, "calls"),
    ],
)
def test_bad_calls_get_a_4xx_naming_the_field(client, body, field) -> None:
    got = client.post("/classify", json=body)
    assert 400 <= got.status_code < 500
    assert field in got.text
    assert "Traceback" not in got.text and PHONE not in got.text
    assert client.get("/livez").status_code == 200
