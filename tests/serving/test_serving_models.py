"""Champion loading, the last-known-good cache, the feedback store and the audit log."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from pathlib import Path

import pytest
from mlflow import MlflowClient
from serving_fakes import FakeTriage, register_fakes

from features.contract import Suggestion
from serving.audit import AuditLog
from serving.feedback import FeedbackStore
from serving.models import ModelUnavailable, cache_root, load_champion
from serving.runtime import Runtime


def _block_registry(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Point MLflow at a store that cannot be opened (its folder is a plain file)."""
    (home / "blocked").write_text("not a folder")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{home / 'blocked' / 'mlflow.db'}")


def test_serving_loads_champion_and_caches_it(served_home):
    loaded = load_champion("triage")
    assert loaded.label == "triage/1" and loaded.source == "registry"
    assert Suggestion.coerce(loaded.model.suggest(["有人拿刀"])[0]).category == "criminal"
    pointer = json.loads((cache_root() / "triage" / "current.json").read_text())
    assert pointer["version"] == "1"
    assert (cache_root() / "triage" / pointer["dir"] / "MLmodel").exists()
    # loading again reuses the same local copy
    again = load_champion("triage")
    assert again.path == loaded.path


def test_serving_unreachable_registry_serves_last_known_good(
    served_home, monkeypatch, caplog: pytest.LogCaptureFixture
):
    # Given a champion that was loaded once
    first = load_champion("forecast")
    # When the registry can no longer be reached
    _block_registry(monkeypatch, served_home)
    with caplog.at_level(logging.ERROR, logger="serving"):
        loaded = load_champion("forecast")
    # Then the cached copy is served, and the log says so loudly
    assert loaded.source == "last-known-good cache"
    assert loaded.label == "forecast/1" and loaded.path == first.path
    assert list(loaded.model.grid_ids) == ["G01", "G02", "G03", "G04", "G05"]
    message = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    assert "UNREACHABLE" in message and "LAST-KNOWN-GOOD" in message


def test_serving_unreachable_registry_without_cache_is_unready(jingqing_home, monkeypatch):
    _block_registry(monkeypatch, jingqing_home)
    runtime = Runtime().start()
    ready, body = runtime.readiness()
    runtime.close()
    assert not ready
    assert "unreachable" in body["missing"]["triage"]
    assert "unreachable" in body["missing"]["forecast"]


def test_serving_removed_champion_is_not_replaced_by_cache(served_home):
    load_champion("triage")
    MlflowClient().delete_registered_model_alias("triage", "champion")
    with pytest.raises(ModelUnavailable, match="no triage@champion"):
        load_champion("triage")


def test_serving_new_champion_replaces_cache_and_old_copies_are_pruned(served_home):
    load_champion("triage")
    for labels in (("a", "b"), ("c", "d")):
        register_fakes(triage=FakeTriage(labels=labels))
    loaded = load_champion("triage")
    assert loaded.label == "triage/3"
    assert set(Suggestion.coerce(loaded.model.suggest(["x"])[0]).probabilities) == {"c", "d"}
    copies = [p for p in (cache_root() / "triage").iterdir() if p.is_dir()]
    assert len(copies) == 2  # the current copy and one roll-back target


def test_serving_runtime_reports_fallback_in_readiness(served_home, monkeypatch):
    Runtime().start().close()  # fills the cache
    _block_registry(monkeypatch, served_home)
    runtime = Runtime().start()
    ready, body = runtime.readiness()
    runtime.close()
    assert ready
    assert body["models"]["triage"]["source"] == "last-known-good cache"


def test_serving_feedback_store_is_wal_full_sync_and_thread_safe(tmp_path):
    store = FeedbackStore(tmp_path / "fb.db")
    mode = store._conn.execute("PRAGMA journal_mode").fetchone()[0]
    sync = store._conn.execute("PRAGMA synchronous").fetchone()[0]
    assert (mode, sync) == ("wal", 2)  # 2 = FULL
    ids: list[int] = []

    def write(k: int) -> None:
        for i in range(25):
            record = {
                "call_id": f"{k}-{i}",
                "text": "t",
                "suggested_category": "dispute",
                "final_category": "dispute",
                "final_disposition": "on_scene",
                "final_urgent": True,
            }
            ids.append(store.add(record))

    threads = [threading.Thread(target=write, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.close()
    assert len(set(ids)) == 100
    with sqlite3.connect(tmp_path / "fb.db") as conn:
        rows = conn.execute("SELECT COUNT(*), SUM(final_urgent) FROM feedback").fetchone()
    assert rows == (100, 100)


def test_serving_audit_line_has_hash_not_text(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")
    suggestion = {"category": "dispute", "keywords": ["张三"], "confidence": 0.9}
    log.write(
        [
            {
                "request_id": "r1",
                "model_version": "triage/1",
                "masked_text": "张三和邻居吵架",
                "suggestion": suggestion,
                "latency_ms": 1.23456,
            }
        ]
    )
    log.close()
    text = (tmp_path / "audit.jsonl").read_text(encoding="utf-8")
    line = json.loads(text)
    assert "张三" not in text
    assert line["request_id"] == "r1" and line["latency_ms"] == 1.235
    assert len(line["text_hmac_sha256"]) == 64 and line["suggestion"]["category"] == "dispute"
