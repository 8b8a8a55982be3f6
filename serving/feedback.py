"""Durable store for call takers' feedback (SQLite, WAL, ``synchronous=FULL``).

``add`` returns the row id only after the transaction is committed and the WAL is
fsync'ed, so an acknowledged record survives a crash of the process or the machine. The
columns are the contract's ``Feedback`` fields (``features.contract``); retraining reads
``FEEDBACK_TRAINING_FIELDS`` back from view ``feedback_latest``.

A call taker may correct the same call twice. Every correction is kept (the history), the
new row names the one it ``replaces``, and ``feedback_latest`` holds only the latest row
per ``call_id``: retraining learns each call's final answer once. Free-text fields are
stored without control characters. When another process holds the write lock longer
than ``LOCK_TIMEOUT_S``, ``add`` raises :class:`FeedbackStoreBusy` (a 503 with
``Retry-After``) instead of an unexpected error.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from features.contract import FEEDBACK_FIELDS
from features.control import strip_control

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
    incident_no TEXT,
    operator_id TEXT,
    received_at TEXT NOT NULL,
    replaces INTEGER
)
"""
# The latest correction of each call: what retraining reads.
LATEST_VIEW = "feedback_latest"
_VIEW = f"""
CREATE VIEW IF NOT EXISTS {LATEST_VIEW} AS
SELECT * FROM feedback WHERE id IN (SELECT MAX(id) FROM feedback GROUP BY call_id)
"""
FREE_TEXT = ("call_id", "text", "model_version", "incident_no", "operator_id")
# Columns added after the first stores were created: (name, SQL type).
_ADDED_COLUMNS = (("replaces", "INTEGER"), ("incident_no", "TEXT"), ("operator_id", "TEXT"))
LOCK_TIMEOUT_S = 10.0
RETRY_AFTER_S = 5


class FeedbackStoreBusy(Exception):
    """Another writer holds the store's lock: the client should retry (503 + Retry-After)."""


class Stored(NamedTuple):
    """A committed feedback row: its id and the id of the earlier row for the same call."""

    id: int
    replaces: int | None


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
            self.path, check_same_thread=False, isolation_level=None, timeout=LOCK_TIMEOUT_S
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute(SCHEMA)
        self._upgrade()
        self._conn.execute(_VIEW)
        self._conn.execute("CREATE INDEX IF NOT EXISTS feedback_call_id ON feedback(call_id)")

    def _upgrade(self) -> None:
        """Bring a store created by an older version up to the current columns."""
        columns = {r[1] for r in self._conn.execute("PRAGMA table_info(feedback)")}
        for name, kind in _ADDED_COLUMNS:
            if name not in columns:
                self._conn.execute(f"ALTER TABLE feedback ADD COLUMN {name} {kind}")
        if "operator" in columns and "operator_id" not in columns:
            # the operator's id used to be stored as ``operator``
            self._conn.execute("UPDATE feedback SET operator_id = operator")

    def add(self, record: dict[str, Any]) -> int:
        """Insert one already-masked record; returns its id once it is on disk."""
        return self.store(record).id

    def store(self, record: dict[str, Any]) -> Stored:
        """Insert one already-masked record; returns its id (and the row it replaces, if
        the call was corrected before) once it is on disk.

        Raises:
            FeedbackStoreBusy: another writer held the lock for ``LOCK_TIMEOUT_S``.
        """
        row = {k: strip_control(v) if k in FREE_TEXT else v for k, v in record.items()}
        row.setdefault("received_at", datetime.now(UTC).isoformat(timespec="milliseconds"))
        row["final_divert_to"] = row.get("final_divert_to") or ""
        urgent = row.get("final_urgent")
        row["final_urgent"] = None if urgent is None else int(bool(urgent))
        columns = (*COLUMNS, "replaces")
        placeholders = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO feedback ({', '.join(columns)}) VALUES ({placeholders})"
        previous_sql = "SELECT MAX(id) FROM feedback WHERE call_id = ?"
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                raise FeedbackStoreBusy(
                    f"feedback store {self.path.name} is locked by another writer; "
                    f"retry in {RETRY_AFTER_S} s"
                ) from None
            try:
                previous = self._conn.execute(previous_sql, (row.get("call_id"),)).fetchone()[0]
                values = [row.get(col) for col in COLUMNS] + [previous]
                cursor = self._conn.execute(sql, values)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return Stored(int(cursor.lastrowid), None if previous is None else int(previous))

    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()
