"""Audit trail of suggestions: one JSON line per suggestion, never the text itself.

Each line carries the request id, time, model version, SHA-256 of the *masked* text (so a
disputed suggestion can be matched to a stored record without keeping what was said), the
suggestion without its keywords (keywords are words of the call and may name people) and
the latency the request saw.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from features.contract import Suggestion

AUDITED_FIELDS = Suggestion.audited_fields()


def default_path() -> Path:
    from training.tracking import home

    return home() / "logs" / "audit.jsonl"


def text_hash(masked_text: str) -> str:
    return hashlib.sha256(masked_text.encode("utf-8")).hexdigest()


class AuditLog:
    """Append-only JSON-lines file; each batch is one ``O_APPEND`` write.

    Several service workers may share the file: a single append of whole lines keeps one
    worker's lines from landing in the middle of another's.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)

    def write(self, entries: list[dict[str, Any]]) -> None:
        """Append one line per entry (keys: request_id, model_version, masked_text,
        suggestion, latency_ms)."""
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        lines = []
        for entry in entries:
            suggestion = entry["suggestion"]
            line = {
                "request_id": entry["request_id"],
                "time": now,
                "model_version": entry["model_version"],
                "text_sha256": text_hash(entry["masked_text"]),
                "suggestion": {k: suggestion.get(k) for k in AUDITED_FIELDS},
                "latency_ms": round(float(entry["latency_ms"]), 3),
            }
            lines.append(json.dumps(line, ensure_ascii=False))
        data = ("\n".join(lines) + "\n").encode("utf-8")
        with self._lock:  # one O_APPEND write per batch: workers never interleave lines
            written = 0
            while written < len(data):
                written += os.write(self._fd, data[written:])

    def close(self) -> None:
        with self._lock:
            os.close(self._fd)
