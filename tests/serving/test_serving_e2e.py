"""End to end with the real models: simulate a tiny city, train both, serve, call."""

from __future__ import annotations

import sqlite3

import pytest
from serving_apps import open_client

from features.labels import CATEGORIES, DISPOSITIONS
from training.cli import main

pytestmark = pytest.mark.slow


def test_serving_real_champions_end_to_end(jingqing_home):
    # Given a tiny simulated city and both models trained and promoted by the CLI
    city = jingqing_home / "city"
    config = jingqing_home / "tiny-triage.yaml"
    config.write_text("candidates: [logreg]\ncv_folds: 2\ncv_sample: 500\n", encoding="utf-8")
    calls = str(city / "calls.csv")
    assert main(["simulate", "--out", str(city), "--grids", "3", "--days", "30"]) == 0
    assert main(["train", "triage", "--calls", calls, "--config", str(config)]) == 0
    assert (
        main(["train", "forecast", "--calls", calls, "--model", "seasonal-naive", "--folds", "1"])
        == 0
    )

    # When the service starts on that registry
    for client in open_client(jingqing_home):
        ready = client.get("/readyz")
        window = ready.json()["models"]["forecast"]
        classify = client.post(
            "/classify",
            json={"texts": ["XX路XX小区5号楼，与邻居因停车位发生口角。", "有人持刀抢劫，快来！"]},
        )
        forecast = client.post("/forecast", json={"start": window["earliest_start"], "hours": 24})
        suggestion = classify.json()[0] if classify.status_code == 200 else {}
        feedback = client.post(
            "/feedback",
            json={
                "call_id": "E2E-1",
                "text": "邻居停车吵架，电话13912345678",
                "suggested_category": suggestion.get("category", "dispute"),
                "final_category": "dispute",
                "final_disposition": "on_scene",
                "model_version": suggestion.get("model_version"),
            },
        )

    # Then it is ready with the registered versions and answers with the real models
    assert ready.status_code == 200, ready.text
    assert ready.json()["models"]["triage"]["version"] == "triage/1"
    assert set(ready.json()["models"]["triage"]["labels"]) == set(CATEGORIES)
    assert classify.status_code == 200, classify.text
    for answer in classify.json():
        assert answer["model_version"] == "triage/1"
        assert set(answer["probabilities"]) == set(CATEGORIES)
        assert answer["category"] in CATEGORIES and answer["disposition"] in DISPOSITIONS
    assert forecast.status_code == 200, forecast.text
    rows = forecast.json()
    assert len(rows) == window["grids"] * 24
    assert all(r["p10"] <= r["p50"] <= r["p90"] and r["mean"] >= 0 for r in rows)
    assert feedback.status_code == 200
    with sqlite3.connect(jingqing_home / "feedback" / "feedback.db") as conn:
        text, final = conn.execute(
            "SELECT text, final_category FROM feedback WHERE call_id = 'E2E-1'"
        ).fetchone()
    assert "13912345678" not in text and final == "dispute"
    # and the triage trainer can learn from what the service stored
    db = str(jingqing_home / "feedback" / "feedback.db")
    assert (
        main(["train", "triage", "--calls", calls, "--config", str(config), "--feedback", db]) == 0
    )
