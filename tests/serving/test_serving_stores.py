"""The feedback store and the audit log on their own: corrections keep their history and
the latest wins, a locked store is a clear "busy", control characters never reach the
disk, and the audit hash is keyed per installation."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from serving.feedback import LATEST_VIEW, FeedbackStore, FeedbackStoreBusy

ROW = {
    "call_id": "C-7",
    "text": "邻居吵架",
    "suggested_category": "dispute",
    "final_category": "dispute",
    "final_disposition": "on_scene",
}


def test_a_second_correction_replaces_the_first_and_keeps_the_history(tmp_path: Path) -> None:
    from training.triage.data import load_feedback

    store = FeedbackStore(tmp_path / "feedback.db")
    first = store.store(ROW)
    other = store.store({**ROW, "call_id": "C-8"})
    second = store.store({**ROW, "final_category": "public_order"})
    store.close()
    assert (first.replaces, other.replaces, second.replaces) == (None, None, first.id)
    with sqlite3.connect(tmp_path / "feedback.db") as con:
        assert con.execute("SELECT COUNT(*) FROM feedback").fetchone()[0] == 3
        latest = con.execute(f"SELECT call_id, final_category FROM {LATEST_VIEW} ORDER BY id")
        assert latest.fetchall() == [("C-8", "dispute"), ("C-7", "public_order")]
    # Retraining reads each call once, with its latest label.
    frame = load_feedback(tmp_path / "feedback.db")
    assert sorted(frame["category"]) == ["dispute", "public_order"]


def test_a_store_from_before_linked_corrections_is_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "feedback.db"
    with sqlite3.connect(db) as con:
        con.execute(
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, call_id TEXT NOT NULL, "
            "text TEXT NOT NULL, suggested_category TEXT NOT NULL, final_category TEXT NOT NULL, "
            "final_disposition TEXT NOT NULL, final_divert_to TEXT NOT NULL DEFAULT '', "
            "final_urgent INTEGER, model_version TEXT, operator TEXT, received_at TEXT NOT NULL)"
        )
        con.execute(
            "INSERT INTO feedback (call_id, text, suggested_category, final_category, "
            "final_disposition, operator, received_at) VALUES ('C-7', 't', 'dispute', "
            "'dispute', 'on_scene', 'op3', '2026-01-01')"
        )
    store = FeedbackStore(db)
    assert store.store({**ROW, "incident_no": "J0001", "operator_id": "op4"}).replaces == 1
    store.close()
    # the old rows keep their operator under the new name; new rows carry the new fields
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT incident_no, operator_id FROM feedback ORDER BY id").fetchall()
    assert rows == [(None, "op3"), ("J0001", "op4")]


def test_control_characters_are_stripped_from_free_text(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.db")
    row_id = store.add({**ROW, "text": "有人\x00打架\x1b[2J\u202e快来", "operator_id": "op\x07"})
    store.close()
    with sqlite3.connect(tmp_path / "feedback.db") as con:
        text, operator = con.execute(
            "SELECT text, operator_id FROM feedback WHERE id = ?", (row_id,)
        ).fetchone()
    assert (text, operator) == ("有人打架[2J快来", "op")


def test_a_lock_held_by_another_writer_is_a_clear_busy_error(tmp_path: Path) -> None:
    db = tmp_path / "feedback.db"
    store = FeedbackStore(db)
    store._conn.execute("PRAGMA busy_timeout = 200")  # the production wait is 10 s
    outside = sqlite3.connect(db, isolation_level=None)
    outside.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(FeedbackStoreBusy, match="feedback store feedback.db is locked"):
            store.add(ROW)
    finally:
        outside.execute("ROLLBACK")
        outside.close()
    assert store.add(ROW) > 0  # the store works again once the lock is released
    store.close()


def test_the_audit_key_is_per_installation(tmp_path: Path) -> None:
    from serving.audit import AuditLog, text_hash

    entry = {"request_id": "r", "model_version": "triage/1", "masked_text": "<MOBILE>打架"}
    entry |= {"suggestion": {"category": "dispute"}, "latency_ms": 1.0}
    hashes = []
    for city in ("a", "b", "a"):  # two installations; the first one reopened
        log = AuditLog(tmp_path / city / "audit.jsonl", tmp_path / city / "secrets" / "salt")
        log.write([entry])
        log.close()
        last = (tmp_path / city / "audit.jsonl").read_text(encoding="utf-8").splitlines()[-1]
        hashes.append(json.loads(last)["text_hmac_sha256"])
    assert hashes[0] == hashes[2] != hashes[1]
    secret = bytes.fromhex((tmp_path / "a" / "secrets" / "salt").read_text())
    assert hashes[0] == text_hash("<MOBILE>打架", secret)


def test_the_openapi_document_uses_openapi_30_bounds() -> None:
    from serving.openapi import complete

    doc = {"openapi": "3.0.2", "paths": {}, "components": {"schemas": {"Plan": {"properties": {
        "share": {"type": "number", "minimum": 0, "exclusiveMaximum": 1}}}}}}  # fmt: skip
    share = complete(doc)["components"]["schemas"]["Plan"]["properties"]["share"]
    assert share == {"type": "number", "minimum": 0, "maximum": 1, "exclusiveMaximum": True}
