"""The recent calls the service links new calls to (SQLite, WAL, bounded, persistent).

Each call that ``/classify`` receives with a ``call_id`` is scored against the calls of
the last ``window_s`` seconds (``features.linking``), then stored: masked text, time,
grid, coordinates and the suggested category. The store survives a restart (one SQLite
file under ``$JINGQING_HOME/linking/``), forgets calls older than the window (measured
from the newest call it holds, so replayed or delayed calls age the same way) and never
holds more than ``max_rows`` calls.

Durability: WAL with ``synchronous=NORMAL``. A committed call survives the process being
killed (the WAL is in the OS's hands); only a crash of the machine can lose the last few
commits, and all they carry is link suggestions for the next half hour, so the fsync that
``FULL`` adds to every ``/classify`` is not worth it (it would cost more than the 2 ms
linking may add). Personal data is masked before the text reaches the file.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

import numpy as np

from features.linking import Calls, Linker
from features.pii import mask_pii

__all__ = ["RecentCalls", "default_path"]

SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS recent_calls (
    call_id TEXT PRIMARY KEY,
    received_at REAL NOT NULL,
    grid_id TEXT NOT NULL DEFAULT '',
    lat REAL,
    lon REAL,
    category TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL
)
""",
    "CREATE INDEX IF NOT EXISTS recent_calls_time ON recent_calls (received_at)",
)
MAX_MATCHES = 5
log = logging.getLogger(__name__)


def default_path() -> Path:
    from training.tracking import home

    return home() / "linking" / "recent_calls.db"


class RecentCalls:
    """One connection shared by the service's threads, serialised by a lock."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        window_s: float | None = None,
        max_rows: int = 50_000,
        linker: Linker | None = None,
    ) -> None:
        self.linker = linker or Linker()
        if window_s is None:
            window_s = self.linker.params.window_s
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.window_s = float(window_s)
        self.max_rows = int(max_rows)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=30
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        for statement in SCHEMA:
            self._conn.execute(statement)

    def warm(self) -> None:
        """Run the scorer once before the first request (imports, first allocations)."""
        now = [dt.datetime.now(dt.UTC)]
        one = Calls.build(now, ["预热"], ["G"], [0.0], [0.0], [""])
        self.linker.score_against(one, Calls.build(now, ["预热"], ["G"], [0.0], [0.0], [""]))

    def same_incident(self, text: str, category: str) -> list[dict] | None:
        """``same_incident`` of a suggestion: None unless the text came as a call.

        A failing store never fails the classification: the error is logged and the
        suggestion goes out without links.
        """
        call = getattr(text, "call", None)
        if call is None:
            return None
        try:
            return self.link(call, category)
        except (sqlite3.Error, OSError, ValueError):
            log.exception(
                "linking call %s failed; answered without same_incident", call["call_id"]
            )
            return []

    def link(
        self, call: dict[str, Any], category: str | None, linker: Linker | None = None
    ) -> list[dict]:
        """Earlier calls of the same incident (best first), then remember ``call``.

        Args:
            call: ``call_id``, ``received_at`` (tz-aware ``Timestamp``), ``text`` and
                optional ``grid_id``, ``lat``, ``lon`` — already validated.
            category: the suggested category (agreement is one of the signals).
            linker: the scorer.

        Returns:
            ``[{"call_id", "score", "received_at", "minutes_ago", "same_grid"}]`` for the
            stored calls in the window scoring at or above the threshold.
        """
        linker = linker or self.linker
        text = mask_pii(str(call["text"]))
        t = float(call["received_at"].timestamp())
        grid = str(call.get("grid_id") or "")
        lat, lon = _coord(call.get("lat")), _coord(call.get("lon"))
        new = Calls.build(
            [call["received_at"]],
            [text],
            [grid],
            [lat],
            [lon],
            [category or ""],
            ngram=linker.params.ngram,
        )
        with self._lock:
            rows = self._conn.execute(
                "SELECT call_id, received_at, grid_id, lat, lon, category, text "
                "FROM recent_calls WHERE received_at BETWEEN ? AND ? AND call_id != ?",
                (t - self.window_s, t, str(call["call_id"])),
            ).fetchall()
            self._remember(call, t, grid, lat, lon, category or "", text)
        if not rows:
            return []
        near = linker.nearby(new, _calls(rows, None, linker))
        rows = [r for r, ok in zip(rows, near, strict=True) if ok]
        if not rows:
            return []
        scores = linker.score_against(new, _calls(rows, [r[6] for r in rows], linker))
        found = np.flatnonzero(scores >= linker.params.threshold)
        found = found[np.argsort(-scores[found], kind="stable")][:MAX_MATCHES]
        return [
            {
                "call_id": rows[k][0],
                "score": round(float(scores[k]), 4),
                "minutes_ago": round((t - rows[k][1]) / 60.0, 1),
                "same_grid": bool(grid) and rows[k][2] == grid,
            }
            for k in found
        ]

    def _remember(self, call, t, grid, lat, lon, category, text) -> None:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            cursor = self._conn.execute(
                "INSERT OR REPLACE INTO recent_calls VALUES (?, ?, ?, ?, ?, ?, ?)",
                (str(call["call_id"]), t, grid, _db(lat), _db(lon), category, text),
            )
            newest = self._conn.execute("SELECT MAX(received_at) FROM recent_calls").fetchone()[0]
            self._conn.execute(
                "DELETE FROM recent_calls WHERE received_at < ?", (newest - self.window_s,)
            )
            self._conn.execute(  # insertion order bounds the table: rowids only grow
                "DELETE FROM recent_calls WHERE rowid <= ?", (cursor.lastrowid - self.max_rows,)
            )
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise

    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM recent_calls").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _coord(value) -> float:
    try:
        return float(value) if value is not None else float("nan")
    except (TypeError, ValueError):
        return float("nan")


def _db(value: float) -> float | None:
    return None if not np.isfinite(value) else value


def _calls(rows: list[tuple], texts: list[str] | None, linker: Linker) -> Calls:
    """Stored rows as ``Calls`` (no pandas: this runs on every ``/classify`` with calls)."""
    return Calls(
        t=np.array([r[1] for r in rows], dtype=float),
        texts=texts,
        lat=np.array([np.nan if r[3] is None else r[3] for r in rows], dtype=float),
        lon=np.array([np.nan if r[4] is None else r[4] for r in rows], dtype=float),
        grid=np.array([r[2] for r in rows], dtype=object),
        category=np.array([r[5] for r in rows], dtype=object),
        ngram=tuple(linker.params.ngram),
    )
