"""``GET /monitor`` and the ``jingqing_monitor_*`` gauges from the service's own audit log
and feedback store (stand-in champion with a reference set on the live instance)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from serving_apps import open_client

REFERENCE = {
    "source": "holdout",
    "n": 1000,
    "mix": {
        "category": {"criminal": 0.1, "dispute": 0.3, "assistance": 0.42, "non_police": 0.18},
        "urgent": {"false": 0.95, "true": 0.05},
    },
    "hist": {},
}


@pytest.fixture
def monitored(served_home: Path) -> Iterator:
    for client in open_client(served_home):
        client.runtime.models["triage"].model.info = {"monitor_reference": REFERENCE}
        yield client


def test_monitor_answers_drift_and_agreement_in_words(monitored):
    # Given 250 calls the stand-in model files as non-police (停水: water outage)
    for _ in range(5):
        assert monitored.post("/classify", json={"texts": ["小区停水了"] * 50}).status_code == 200
    fb = {
        "call_id": "c1",
        "text": "小区停水了",
        "suggested_category": "non_police",
        "final_category": "non_police",
        "final_disposition": "divert",
        "final_divert_to": "utility",
    }
    assert monitored.post("/feedback", json=fb).status_code == 200
    # When the monitor is asked
    resp = monitored.get("/monitor")
    # Then it names what moved, counts the correction and says forecast error needs calls
    assert resp.status_code == 200
    body = resp.json()
    assert body["alert"] is True
    messages = [a["message"] for a in body["alerts"]]
    assert any("非警务 share 100 % vs 18 % in training" in m for m in messages), messages
    assert body["drift"]["n"] == 250
    assert body["agreement"]["n"] == 1 and body["agreement"]["accuracy"] == 1.0
    assert body["forecast"] is None
    metrics = monitored.get("/metrics").text
    share = [
        line
        for line in metrics.splitlines()
        if line.startswith("jingqing_monitor_share{")
        and 'field="category"' in line
        and 'label="non_police"' in line
    ]
    assert share and float(share[0].rsplit(" ", 1)[1]) == 1.0
    assert "jingqing_monitor_alerts" in metrics


def test_monitor_without_reference_says_so(served_home: Path):
    for client in open_client(served_home):
        body = client.get("/monitor").json()
        assert body["alert"] is False and body["drift"] is None
        assert "no training reference" in body["model"]["note"]


def test_monitor_read_incrementally_answers_what_a_fresh_read_answers(monitored, monkeypatch):
    import json

    from serving import audit_tail
    from serving.monitor import live_report

    texts = ["小区停水了", "有人打架", "我的钱包丢了"]
    for i in range(3):  # three scrapes, each after more calls
        assert monitored.post("/classify", json={"texts": texts[: i + 1] * 20}).status_code == 200
        assert monitored.get("/monitor").json()["drift"]["n"] == 20 * (i + 1) * (i + 2) // 2
    now = datetime.now(UTC)
    incremental = live_report(monitored.runtime, now=now)
    monkeypatch.setattr(audit_tail, "_TAILS", {})  # a fresh reader: the full tail again
    fresh = live_report(monitored.runtime, now=now)
    assert json.dumps(incremental, default=str) == json.dumps(fresh, default=str)
    assert fresh["drift"]["n"] == 120


def test_agreement_is_read_again_only_when_the_store_changed(monitored, monkeypatch):
    from serving import monitor

    reads = []
    real = monitor.read_corrections
    monkeypatch.setattr(monitor, "read_corrections", lambda path: reads.append(1) or real(path))
    monitor.AGREEMENT.clear()
    fb = {
        "text": "有人打架",
        "suggested_category": "dispute",
        "final_category": "dispute",
        "final_disposition": "on_scene",
    }
    for i, final in enumerate(("dispute", "criminal")):
        body = {**fb, "call_id": f"c{i}", "final_category": final}
        assert monitored.post("/feedback", json=body).status_code == 200
        first = monitor.live_report(monitored.runtime)["agreement"]
        again = monitor.live_report(monitored.runtime)["agreement"]
        assert first == again and first["n"] == i + 1 and len(reads) == i + 1
    assert first["accuracy"] == 0.5  # the second correction changed the figures
    first["n"] = -1  # a caller's edit does not reach the next answer
    assert monitor.live_report(monitored.runtime)["agreement"]["n"] == 2
