"""Audit trail of suggestions: one JSON line per suggestion, never the text itself.

Each line carries the request id, time, model version, an HMAC-SHA256 of the *masked*
text (so a disputed suggestion can be matched to a stored record without keeping what was
said), the suggestion without its keywords (keywords are words of the call and may name
people) and the latency the request saw.

The hash is keyed with a per-installation secret (``$JINGQING_HOME/secrets/audit-salt``,
created on first use, readable only by its owner): a plain SHA-256 of a short masked text
("<MOBILE>打架") can be reversed by hashing guesses, and would be the same in every city.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from features.contract import Suggestion

AUDITED_FIELDS = Suggestion.audited_fields()


def default_path() -> Path:
    from training.tracking import home

    return home() / "logs" / "audit.jsonl"


def installation_secret(path: Path) -> bytes:
    """The installation's audit key: read, or created once (32 random bytes, mode 0600)."""
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    secret = os.urandom(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker created it first: use theirs
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secret.hex())
    return secret


def text_hash(masked_text: str, secret: bytes) -> str:
    return hmac.new(secret, masked_text.encode("utf-8"), hashlib.sha256).hexdigest()


class _TextHasher:
    """``text_hash`` with the key set up once (a copy of the keyed HMAC per text costs
    about half of a new one)."""

    def __init__(self, secret: bytes) -> None:
        self._keyed = hmac.new(secret, digestmod=hashlib.sha256)

    def __call__(self, masked_text: str) -> str:
        mac = self._keyed.copy()
        mac.update(masked_text.encode("utf-8"))
        return mac.hexdigest()


class AuditLog:
    """Append-only JSON-lines file; each batch is one ``O_APPEND`` write.

    Several service workers may share the file: a single append of whole lines keeps one
    worker's lines from landing in the middle of another's.
    """

    def __init__(self, path: Path | None = None, secret_path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        # $JINGQING_HOME/logs/audit.jsonl -> $JINGQING_HOME/secrets/audit-salt
        default_secret = self.path.parent.parent / "secrets" / "audit-salt"
        self._hash = _TextHasher(installation_secret(Path(secret_path or default_secret)))
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
                "text_hmac_sha256": self._hash(entry["masked_text"]),
                "suggestion": {k: suggestion.get(k) for k in AUDITED_FIELDS},
                "latency_ms": round(float(entry["latency_ms"]), 3),
            }
            lines.append(orjson.dumps(line))
        data = b"\n".join(lines) + b"\n"
        with self._lock:  # one O_APPEND write per batch: workers never interleave lines
            written = 0
            while written < len(data):
                written += os.write(self._fd, data[written:])

    def close(self) -> None:
        with self._lock:
            os.close(self._fd)
