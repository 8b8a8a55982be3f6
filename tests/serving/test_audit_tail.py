"""The monitor's incremental audit reader answers what a fresh full read of the log answers,
scrape after scrape: appended lines, a line written half-way, a malformed line, a rotated
or truncated file, a model-version change, a window that moves, and the bounded tail."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from serving import audit_tail as tail_module
from serving.audit_tail import AuditTail, read_audit

T0 = datetime(2026, 11, 1, tzinfo=UTC)
CATEGORIES = ("criminal", "dispute", "assistance", "non_police")


def line(i: int, version: str = "triage@1", day: float = 0.0) -> bytes:
    when = (T0 + timedelta(days=day, minutes=i)).isoformat(timespec="milliseconds")
    suggestion = {
        "category": CATEGORIES[i % 4],
        "disposition": None,
        "urgent": i % 7 == 0,
        "confidence": 0.5 + (i % 10) / 20,
        "shift": None,
        "divert_to": None,
    }
    row = {"request_id": f"r{i}", "time": when, "model_version": version, "suggestion": suggestion}
    return orjson.dumps(row) + b"\n"


def append(path: Path, data: bytes) -> None:
    with path.open("ab") as fh:
        fh.write(data)


def same(tail: AuditTail, path: Path, since: datetime, version: str = "triage@1") -> int:
    got = tail.read(since, version)
    want = read_audit(path, since, version)
    assert got.decoded() == want.decoded()  # the same lines, in order, and the watched fields
    return len(want)


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return tmp_path / "logs" / "audit.jsonl"


def test_appended_lines_are_parsed_once_and_match_a_full_read(log):
    tail = AuditTail(log)
    assert len(tail.read(T0, "triage@1")) == 0  # no log yet
    log.parent.mkdir()
    append(log, b"".join(line(i) for i in range(40)))
    assert same(tail, log, T0) == 40
    size = log.stat().st_size
    chunk = b"".join(line(i) for i in range(40, 50))
    append(log, chunk)
    assert same(tail, log, T0) == 50
    assert tail.parsed_bytes == len(chunk)  # only what was appended
    assert log.stat().st_size == size + len(chunk)
    assert same(tail, log, T0) == 50
    assert tail.parsed_bytes == 0


def test_half_written_and_malformed_lines(log):
    log.parent.mkdir()
    tail = AuditTail(log)
    whole = line(1)
    append(log, line(0) + b"{not json\n" + b"[1, 2]\n" + b"\n" + whole[:30])
    assert same(tail, log, T0) == 1  # the torn line is not counted yet
    append(log, whole[30:])
    assert same(tail, log, T0) == 2  # ... and is once its end is written
    append(log, line(2)[:-1])  # a complete line still waiting for its newline
    assert same(tail, log, T0) == 3
    append(log, b"\n" + line(3))
    assert same(tail, log, T0) == 4


def test_rotation_truncation_and_rewrite_read_the_new_file(log):
    log.parent.mkdir()
    tail = AuditTail(log)
    append(log, b"".join(line(i) for i in range(30)))
    assert same(tail, log, T0) == 30
    os.replace(log, log.with_suffix(".1"))  # rotated: a new, shorter file
    append(log, b"".join(line(i) for i in range(100, 105)))
    assert same(tail, log, T0) == 5
    log.write_bytes(line(200))  # truncated in place
    assert same(tail, log, T0) == 1
    # rewritten in place to a longer file of other lines: same inode, size above the offset
    log.write_bytes(b"".join(line(i, version="triage@0") for i in range(300, 320)))
    assert same(tail, log, T0) == 0
    assert same(tail, log, T0, version="triage@0") == 20


def test_version_change_and_moving_window(log):
    log.parent.mkdir()
    tail = AuditTail(log)
    append(log, b"".join(line(i, day=d) for d in range(10) for i in range(0, 60, 7)))
    append(log, b"".join(line(i, version="triage@2", day=9) for i in range(5)))
    n = same(tail, log, T0 + timedelta(days=2))
    for days in (3, 5, 8):  # the window moves forward: old days expire
        append(log, line(days, day=9.5))
        assert same(tail, log, T0 + timedelta(days=days)) < n
    assert same(tail, log, T0 + timedelta(days=1)) > n  # a wider window: read again
    assert same(tail, log, T0, version="triage@2") == 5  # the new champion's lines
    assert same(tail, log, T0) > n  # and back


def test_bounded_tail_drops_lines_that_fall_out_of_it(log, monkeypatch):
    log.parent.mkdir()
    size = len(line(0))
    monkeypatch.setattr(tail_module, "MAX_AUDIT_BYTES", size * 10 + size // 2)
    tail = AuditTail(log)
    append(log, b"".join(line(i) for i in range(25)))
    assert same(tail, log, T0) == 10  # the cut first line of the tail is not read
    for i in range(25, 40, 3):
        append(log, line(i) + line(i + 1)[:20])
        assert same(tail, log, T0) == 10
        append(log, line(i + 1)[20:] + line(i + 2))
        assert same(tail, log, T0) == 10
