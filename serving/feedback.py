"""Durable store for call takers' feedback (SQLite, WAL, ``synchronous=FULL``).

``add`` returns the row id only after the transaction is committed and the WAL is
fsync'ed, so an acknowledged record survives a crash of the process or the machine. The
columns are the contract's ``Feedback`` fields (``features.contract``); retraining reads
``FEEDBACK_TRAINING_FIELDS`` back from table ``feedback``.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from features.contract import FEEDBACK_FIELDS

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id TEXT NOT NULL,
    text TEXT NOT NULL,
    suggested_category TEXT NOT NULL,
    final_category TEXT NOT NULL,
    final_disposition TEXT NOT NULL,
    final_divert_to TEXT NOT NULL DEFAULT '',
    final_urgent INTEGER,
    model_version TEXT,
    operator TEXT,
    received_at TEXT NOT NULL
)
"""
COLUMNS = (*FEEDBACK_FIELDS, "received_at")


def default_path() -> Path:
    from training.tracking import home

    return home() / "feedback" / "feedback.db"


class FeedbackStore:
    """One connection shared by the service's threads, serialised by a lock.

    SQLite allows one writer at a time anyway; a lock around a short transaction is simpler
    and faster than a connection per thread, and keeps ``busy`` errors out of the service.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=30
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute(SCHEMA)

    def add(self, record: dict[str, Any]) -> int:
        """Insert one already-masked record; returns its id once it is on disk."""
        row = dict(record)
        row.setdefault("received_at", datetime.now(UTC).isoformat(timespec="milliseconds"))
        row["final_divert_to"] = row.get("final_divert_to") or ""
        urgent = row.get("final_urgent")
        row["final_urgent"] = None if urgent is None else int(bool(urgent))
        values = [row.get(col) for col in COLUMNS]
        placeholders = ", ".join("?" for _ in COLUMNS)
        sql = f"INSERT INTO feedback ({', '.join(COLUMNS)}) VALUES ({placeholders})"
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                cursor = self._conn.execute(sql, values)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return int(cursor.lastrowid)

    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()
