"""The monitor's view of the audit log, read incrementally between ``/metrics`` scrapes.

:func:`read_audit` reads the log's tail (at most ``MAX_AUDIT_BYTES``) and keeps one model
version's lines of the window as columns (``features.monitoring.rows.WatchedRows``: ~40
bytes a row, not the parsed lines). :class:`AuditTail` answers the same, but remembers where
it stopped (offset, inode, the file's first bytes and those just before the offset) and
parses only the lines appended since, keeping the window's rows in memory; rows that leave
the window, or fall out of the bounded tail, are dropped. A rotated, truncated or rewritten file, a new model version or a
window that starts earlier than the last one makes it read the tail again.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pandas as pd

from features.monitoring.rows import Vocabulary, WatchedRows, iso_times_ns
from features.monitoring.scoring import WATCHED

MAX_AUDIT_BYTES = 64 * 2**20  # the audit log's tail that is read (a week at ~100k calls/day)
CHUNK_BYTES = 2**20  # read and parsed in pieces: a first read never holds the whole tail
_SIGNATURE = 64  # bytes before the offset that must be unchanged for a file to be "the same"
_HEAD = 256  # ... and the file's first bytes (a file rewritten in place starts otherwise)


def _ns(since: datetime) -> int:
    """UTC nanoseconds of a window start (a naive one is taken as UTC, as the log's times)."""
    stamp = pd.Timestamp(since)
    return int((stamp.tz_localize("UTC") if stamp.tz is None else stamp).value)


class _Lines:
    """Parsed lines of one version, gathered as the columns ``WatchedRows`` is built from."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.columns: dict[str, list] = {k: [] for k in WATCHED}
        self.times: list[Any] = []
        self.offsets: list[int] = []

    def add(self, data: bytes, start: int) -> None:
        """Parse whole lines ``data`` that start at byte ``start`` of the log; a line that is
        not JSON (the first, cut line of the tail, one torn by a crash) or of another model
        version is skipped."""
        loads, version = orjson.loads, self.version
        appends = [(k, self.columns[k].append) for k in WATCHED]
        for raw in data.splitlines(keepends=True):
            here, start = start, start + len(raw)
            try:
                line = loads(raw)
            except orjson.JSONDecodeError:
                continue
            if not isinstance(line, dict) or line.get("model_version") != version:
                continue
            suggestion = line.get("suggestion")
            get = suggestion.get if isinstance(suggestion, dict) else {}.get
            for key, append in appends:
                append(get(key))
            self.times.append(line.get("time", ""))
            self.offsets.append(here)

    def rows(self, vocab: dict[str, Vocabulary] | None = None) -> WatchedRows:
        time_ns = iso_times_ns(self.times)
        return WatchedRows.from_columns(self.columns, time_ns, offset=self.offsets, vocab=vocab)


def read_audit(path: Path, since: datetime, model_version: str) -> WatchedRows:
    """The watched fields of ``model_version``'s audit lines at or after ``since``: the whole
    bounded tail read at once (what :class:`AuditTail` must answer)."""
    if not path.is_file():
        return WatchedRows.empty()
    with path.open("rb") as fh:
        start = max(0, os.path.getsize(path) - MAX_AUDIT_BYTES)
        fh.seek(start)
        data = fh.read()
    lines = _Lines(model_version)
    lines.add(data, start)
    rows = lines.rows()
    return rows.take(rows.time_ns >= _ns(since))


class AuditTail:
    """:func:`read_audit` of one log, parsing only what was appended since the last call."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._reset(None, None)
        self.parsed_bytes = 0  # bytes parsed by the last call (the benchmark's and tests' view)

    def _reset(self, version: str | None, inode: int | None) -> None:
        self._version, self._inode = version, inode
        self._offset = 0
        self._signature = self._head = b""
        self._first = 0  # the earliest window start (UTC ns) the kept rows still cover
        self._rows = WatchedRows.empty()  # the window's rows, with their own vocabulary

    def _same_file(self, fh: Any, inode: int, size: int) -> bool:
        if inode != self._inode or size < self._offset:
            return False
        fh.seek(0)
        if fh.read(len(self._head)) != self._head:
            return False
        fh.seek(self._offset - len(self._signature))
        return fh.read(len(self._signature)) == self._signature

    def read(self, since: datetime, model_version: str) -> WatchedRows:
        """The same rows as ``read_audit(self.path, since, model_version)``."""
        first = _ns(since)
        with self._lock:
            try:
                fh = self.path.open("rb")
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                self._reset(None, None)
                self.parsed_bytes = 0
                return WatchedRows.empty()
            with fh:
                stat = os.fstat(fh.fileno())
                if not (
                    model_version == self._version
                    and first >= self._first
                    and self._same_file(fh, stat.st_ino, stat.st_size)
                ):
                    self._reset(model_version, stat.st_ino)
                    self._offset = max(0, stat.st_size - MAX_AUDIT_BYTES)
                    fh.seek(0)
                    self._head = fh.read(_HEAD)
                fh.seek(self._offset)
                return self._update(fh, stat.st_size - self._offset, first, stat.st_size)

    def _update(self, fh: Any, length: int, first: int, size: int) -> WatchedRows:
        self.parsed_bytes = length
        parts, pending = [], b""
        while length > 0:  # whole lines in pieces; a partial last line is read again next time
            chunk = fh.read(min(CHUNK_BYTES, length))
            if not chunk:  # cut short while read: the rest is read next time
                break
            length -= len(chunk)
            data = pending + chunk
            whole = data.rfind(b"\n") + 1
            lines = _Lines(self._version or "")
            lines.add(data[:whole], self._offset)
            parts.append(lines.rows(self._rows.vocab))  # columns now: the dicts are dropped
            self._offset += whole
            keep = min(_SIGNATURE, self._offset)
            self._signature = (self._signature + data[:whole][-_SIGNATURE:])[-keep:]
            pending = data[whole:]
        rows = self._rows.extend(*parts)
        kept = (rows.time_ns >= first) & (rows.offset >= max(0, size - MAX_AUDIT_BYTES))
        self._rows = rows if kept.all() else rows.take(kept)
        self._first = first
        if not pending:
            return self._rows
        last = _Lines(self._version or "")  # a last line not ended yet: read, not kept
        last.add(pending, self._offset)
        partial = last.rows(self._rows.vocab)
        return self._rows.extend(partial.take(partial.time_ns >= first))


_TAILS: dict[str, AuditTail] = {}
_TAILS_LOCK = threading.Lock()


def audit_tail(path: Path) -> AuditTail:
    """The process's incremental reader of the audit log at ``path``."""
    with _TAILS_LOCK:
        return _TAILS.setdefault(str(path), AuditTail(path))
