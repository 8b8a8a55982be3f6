"""The monitor's view of the audit log, read incrementally between ``/metrics`` scrapes.

:func:`read_audit` reads the log's tail (at most ``MAX_AUDIT_BYTES``) and keeps one model
version's lines of the window. :class:`AuditTail` answers the same, but remembers where it
stopped (offset, inode, the file's first bytes and those just before the offset) and parses only the lines appended
since, keeping the window's rows in memory; rows that leave the window, or fall out of the
bounded tail, are dropped. A rotated, truncated or rewritten file, a new model version or a
window that starts earlier than the last one makes it read the tail again.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from features.monitoring.scoring import WATCHED

MAX_AUDIT_BYTES = 64 * 2**20  # the audit log's tail that is read (a week at ~100k calls/day)
_SIGNATURE = 64  # bytes before the offset that must be unchanged for a file to be "the same"
_HEAD = 256  # ... and the file's first bytes (a file rewritten in place starts otherwise)


def _parse(raw: bytes, model_version: str) -> tuple[Any, Any] | None:
    """(time, suggestion) of an audit line of ``model_version``; None for any other line."""
    try:
        line = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None  # the first, cut line of the tail (or a line torn by a crash)
    if not isinstance(line, dict) or line.get("model_version") != model_version:
        return None
    return line.get("time", ""), line.get("suggestion") or {}


def _kept(row: tuple[int, Any, Any], first: str, start: int) -> bool:
    return row[0] >= start and str(row[1]) >= first


def read_audit(path: Path, since: datetime, model_version: str) -> tuple[list[dict], list[str]]:
    """Suggestions and times of ``model_version``'s audit lines at or after ``since``."""
    if not path.is_file():
        return [], []
    with path.open("rb") as fh:
        fh.seek(max(0, os.path.getsize(path) - MAX_AUDIT_BYTES))
        data = fh.read()
    suggestions, times = [], []
    first = since.isoformat()
    for raw in data.splitlines():
        parsed = _parse(raw, model_version)
        if parsed is not None and str(parsed[0]) >= first:
            times.append(parsed[0])
            suggestions.append(parsed[1])
    return suggestions, times


def _watched(suggestion: Any) -> Any:
    """The fields the monitor reads (``audited_scores``) of a suggestion, to keep in memory."""
    if isinstance(suggestion, dict):
        return {k: suggestion.get(k) for k in WATCHED}
    return suggestion


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
        self._first = ""  # the earliest window start the kept rows still cover
        self._rows: list[tuple[int, Any, Any]] = []  # (line offset, time, watched suggestion)

    def _same_file(self, fh: Any, inode: int, size: int) -> bool:
        if inode != self._inode or size < self._offset:
            return False
        fh.seek(0)
        if fh.read(len(self._head)) != self._head:
            return False
        fh.seek(self._offset - len(self._signature))
        return fh.read(len(self._signature)) == self._signature

    def read(self, since: datetime, model_version: str) -> tuple[list[dict], list[str]]:
        """The same answer as ``read_audit(self.path, since, model_version)``."""
        first = since.isoformat()
        with self._lock:
            try:
                fh = self.path.open("rb")
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                self._reset(None, None)
                self.parsed_bytes = 0
                return [], []
            with fh:
                stat = os.fstat(fh.fileno())
                if not (
                    model_version == self._version
                    and first >= self._first
                    and self._same_file(fh, stat.st_ino, stat.st_size)
                ):
                    self._reset(model_version, stat.st_ino)
                    self._offset = max(0, stat.st_size - MAX_AUDIT_BYTES)
                    self._first = first
                    fh.seek(0)
                    self._head = fh.read(_HEAD)
                fh.seek(self._offset)
                data = fh.read(stat.st_size - self._offset)
            return self._update(data, first, stat.st_size, model_version)

    def _update(self, data: bytes, first: str, size: int, version: str) -> tuple[list, list]:
        self.parsed_bytes = len(data)
        whole = data.rfind(b"\n") + 1  # a partial last line is parsed again next time
        start = self._offset
        for raw in data[:whole].splitlines(keepends=True):
            parsed = _parse(raw, version)
            if parsed is not None:
                self._rows.append((start, parsed[0], _watched(parsed[1])))
            start += len(raw)
        self._offset += whole
        if self._offset:
            low = max(0, self._offset - _SIGNATURE)
            self._signature = (self._signature + data[:whole])[-(self._offset - low) :]
        bound = max(0, size - MAX_AUDIT_BYTES)
        self._rows = [row for row in self._rows if _kept(row, first, bound)]
        self._first = first
        rows = list(self._rows)
        for raw in data[whole:].splitlines():  # a last line not ended yet: read, not kept
            partial = _parse(raw, version)
            if partial is not None and str(partial[0]) >= first:
                rows.append((self._offset, partial[0], _watched(partial[1])))
        return [row[2] for row in rows], [row[1] for row in rows]


_TAILS: dict[str, AuditTail] = {}
_TAILS_LOCK = threading.Lock()


def audit_tail(path: Path) -> AuditTail:
    """The process's incremental reader of the audit log at ``path``."""
    with _TAILS_LOCK:
        return _TAILS.setdefault(str(path), AuditTail(path))
