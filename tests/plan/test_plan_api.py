"""``POST /plan`` in-process against a real forecast champion: rows, and 4xx naming the field."""

from __future__ import annotations

import pytest

from tests.serving.serving_apps import open_client


@pytest.fixture(scope="module")
def client(planned_home):
    yield from open_client(planned_home)


def test_plan_answers_rows_per_grid_and_shift(client):
    resp = client.post("/plan", json={"units": 30, "shifts": 2, "target_minutes": 6})
    assert resp.status_code == 200, resp.text
    rows = resp.json()
    assert len(rows) == 24 and {r["shift"] for r in rows} == {1, 2}
    first = rows[0]
    for key in ("grid_id", "units", "standby", "share_within_target", "p90_response_min"):
        assert key in first
    assert sum(r["units"] + r["standby_units"] for r in rows if r["shift"] == 1) == 30
    assert all(0 <= r["share_within_target"] <= 1 for r in rows)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"units": 5, "shifts": 1}, "units"),
        (
            {"roster": [{"shift": 1, "units": 30, "grid_id": "G99"}], "shifts": 1},
            "roster.0.grid_id",
        ),
        ({"units": 30, "start": "2031-01-01T00:00:00"}, "start"),
        ({"units": -1}, "units"),
        ({"roster": [{"shift": 1, "units": -4}], "shifts": 1}, "units"),
        ({}, "units or roster"),
        ({"units": 30, "target_minutes": 0}, "target_minutes"),
        # bodies schemathesis generated that once answered 500
        ({"min_units": 0, "roster": [{"shift": 1, "units": 0}]}, "roster"),
        ({"units": 30, "start": "9999-12-31T23:59:59"}, "start"),
        ({"units": 30, "start": "2000-01-01T00:00:00+14:00", "shifts": 1}, "start"),
        ({"units": None}, "units"),
        ({"units": 30, "roster": [{"shift": 1, "units": 30}], "shifts": 1}, "units or roster"),
        ({"roster": [{"shift": 1, "units": 3}], "shifts": 1}, "roster"),
        ({"roster": [{"shift": 1}], "shifts": 1}, "roster.0.units"),
        (
            {"roster": [{"shift": 1, "units": 30}, {"shift": 3, "units": 3}], "shifts": 1},
            "roster.1.shift",
        ),
        ({"roster": [{"shift": 1, "units": 30, "kind": "bike"}], "shifts": 1}, "roster.0.kind"),
    ],
)
def test_bad_plan_requests_are_4xx_naming_the_field(client, body, field):
    resp = client.post("/plan", json=body)
    assert 400 <= resp.status_code < 500, resp.text
    assert field in resp.text
    assert client.get("/livez").status_code == 200


def test_plan_without_start_begins_where_the_forecast_does(client):
    resp = client.post("/plan", json={"units": 40, "shifts": 1})
    assert resp.status_code == 200, resp.text
    first = client.post(
        "/plan", json={"units": 40, "shifts": 1, "start": resp.json()[0]["shift_start"]}
    )
    assert first.status_code == 200 and first.json() == resp.json()


def test_a_huge_fleet_is_planned_quickly_not_timed_out(client):
    resp = client.post("/plan", json={"units": 100_000, "shifts": 1})
    assert resp.status_code == 200, resp.text
    rows = resp.json()
    assert sum(r["units"] + r["standby_units"] for r in rows) == 100_000
    assert all(r["share_within_target"] > 0.9 for r in rows)
