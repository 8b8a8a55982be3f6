"""``POST /forecast`` by shift, and a model served in its own time zone."""

from __future__ import annotations

from serving_apps import open_client
from serving_fakes import FakeForecast


def test_serving_forecast_by_shift_gives_totals_with_their_interval(client):
    # given a request that starts mid-shift and runs 24 hours
    body = {"start": "2026-01-02T05:00", "hours": 24, "grid_ids": ["G02"], "by": "shift"}
    # when the planner asks for shift totals
    resp = client.post("/forecast", json=body)
    hourly = client.post("/forecast", json={**body, "by": "hour"}).json()
    # then each row is one shift of the grid, cut shifts say how many hours they hold
    assert resp.status_code == 200, resp.text
    rows = resp.json()
    assert [r["shift_start"] for r in rows] == [
        "2026-01-02T00:00:00+08:00",
        "2026-01-02T08:00:00+08:00",
        "2026-01-02T16:00:00+08:00",
        "2026-01-03T00:00:00+08:00",
    ]
    assert [r["hours"] for r in rows] == [3, 8, 8, 5]
    # and the totals add up to the hourly means, with an interval of the total
    assert abs(sum(r["mean"] for r in rows) - sum(r["mean"] for r in hourly)) < 1e-6
    assert all(r["p10"] <= r["p50"] <= r["p90"] for r in rows)
    full = rows[1]
    summed_p90 = sum(r["p90"] for r in hourly if "T08" <= r["hour"][10:13] < "T16")
    assert full["p90"] < summed_p90  # not the sum of hourly p90s


def test_serving_forecast_rejects_an_unknown_grouping(client):
    resp = client.post("/forecast", json={"start": "2026-01-02T05:00", "hours": 2, "by": "day"})
    assert resp.status_code == 400
    assert "by" in resp.text


def test_serving_uses_the_models_own_time_zone(fake_home_factory):
    # given a forecast champion trained in Chicago time
    chicago = FakeForecast(["B1", "B2"], "2010-09-01", timezone="America/Chicago")
    for c in open_client(fake_home_factory("chicago-store", forecast=chicago)):
        ready = c.get("/readyz").json()
        # when a naive local start is asked for
        resp = c.post("/forecast", json={"start": "2010-09-01T06:00", "hours": 2})
    # then it is read and answered in Chicago time, not Shanghai time
    assert ready["models"]["forecast"]["timezone"] == "America/Chicago"
    assert ready["models"]["forecast"]["earliest_start"] == "2010-09-01T00:00:00-05:00"
    assert resp.status_code == 200, resp.text
    assert [r["hour"] for r in resp.json()][:2] == [
        "2010-09-01T06:00:00-05:00",
        "2010-09-01T07:00:00-05:00",
    ]
