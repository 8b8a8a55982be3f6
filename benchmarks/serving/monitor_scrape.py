"""Benchmark: CPU of one ``/metrics`` scrape's monitor refresh, full re-read against incremental.

Writes a synthetic audit log (``--mb`` MB, default 49, the benchmark home's size: lines in
``serving.audit``'s format with a random HMAC instead of a text hash, so nothing personal
is in it) spread over the last seven days, then measures the worker's CPU time
(``time.process_time``) of ``serving.monitor.live_report``:

- before: every scrape reads the bounded tail again (a fresh reader each time, as the
  service did before it read incrementally);
- after: the first scrape (the same tail read, once per process) and then scrapes that
  each follow ``--lines`` appended lines (none; a minute of calls: 70 at 100k calls a day,
  1,000; 4,500 and 18,000 are 15 s and a minute at 300 requests/s).

The read of the log alone (``AuditTail.read``) is timed too: the rest of a scrape is the
drift figures over the window's rows and the agreement figures of the feedback store
(``--corrections`` rows in it, over the last 30 days). It checks that the incremental
scrape's report equals a fresh full read's, and measures the kept rows' memory
(tracemalloc after a first read, and its peak during it). Writes
``benchmarks/results/monitor_scrape.json``.

Run: ``.venv/bin/python benchmarks/serving/monitor_scrape.py [--mb 49] [--scrapes 5]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import orjson

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from serving import audit_tail, monitor  # noqa: E402
from serving.feedback import FeedbackStore  # noqa: E402
from serving.monitor import WINDOW_DAYS, live_report  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "monitor_scrape.json"
VERSION = "triage@7"
CATEGORIES = {"criminal": 0.1, "dispute": 0.3, "assistance": 0.42, "non_police": 0.18}
REFERENCE = {
    "source": "holdout",
    "n": 5000,
    "mix": {
        "category": CATEGORIES,
        "disposition": {"transfer": 0.5, "on_scene": 0.3, "divert": 0.2},
        "urgent": {"false": 0.95, "true": 0.05},
    },
    "hist": {},
}


def audit_lines(n: int, start: datetime, span: timedelta, rng: random.Random) -> bytes:
    """``n`` synthetic audit lines with times from ``start`` over ``span``."""
    out = []
    labels = list(CATEGORIES)
    for i in range(n):
        probs = [rng.random() for _ in labels]
        total = sum(probs)
        probs = {k: round(p / total, 4) for k, p in zip(labels, probs, strict=True)}
        category = max(probs, key=probs.get)
        disposition = rng.choice(("transfer", "on_scene", "divert"))
        suggestion = {
            "category": category,
            "confidence": probs[category],
            "probabilities": probs,
            "disposition": disposition,
            "divert_to": "utility" if disposition == "divert" else "",
            "urgent": rng.random() < 0.05,
            "urgent_score": round(rng.random(), 4),
            "urgency": "一般",
            "review": False,
            "candidates": [],
            "shift": round(rng.random() / 5, 4),
            "same_incident": None,
        }
        when = start + span * (i / max(n, 1))
        out.append(
            orjson.dumps(
                {
                    "request_id": f"{rng.getrandbits(64):016x}",
                    "time": when.isoformat(timespec="milliseconds"),
                    "model_version": VERSION,
                    "text_hmac_sha256": f"{rng.getrandbits(256):064x}",
                    "suggestion": suggestion,
                    "latency_ms": round(rng.random() * 20, 3),
                }
            )
        )
    return b"".join(line + b"\n" for line in out)


def add_corrections(store: FeedbackStore, n: int, now: datetime, rng: random.Random) -> None:
    """``n`` call-taker corrections over the last 30 days (a fifth of them changed)."""
    labels = list(CATEGORIES)
    for i in range(n):
        suggested = rng.choice(labels)
        store.add(
            {
                "call_id": f"c{i}",
                "text": "<MOBILE> 小区停水了",
                "suggested_category": suggested,
                "final_category": rng.choice(labels) if rng.random() < 0.2 else suggested,
                "final_disposition": "on_scene",
                "model_version": VERSION,
                "received_at": (now - timedelta(days=30 * rng.random())).isoformat(),
            }
        )


def first_read_memory(log: Path) -> dict:
    """Python memory of a first read of the log: kept after it, and the peak during it."""
    import tracemalloc

    since = datetime.now(UTC) - timedelta(days=WINDOW_DAYS)
    tracemalloc.start()
    rows = audit_tail.AuditTail(log).read(since, VERSION)
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"rows": len(rows), "kept_mb": kept / 1e6, "peak_mb": peak / 1e6}


def cpu(fn) -> float:
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=49.0)
    ap.add_argument("--scrapes", type=int, default=5)
    ap.add_argument("--lines", type=int, nargs="+", default=[0, 70, 1000, 4500, 18000])
    ap.add_argument("--corrections", type=int, default=0)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    rng = random.Random(0)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "logs" / "audit.jsonl"
        log.parent.mkdir()
        one = len(audit_lines(1, now, timedelta(0), rng))
        n = int(args.mb * 1e6 / one)
        log.write_bytes(audit_lines(n, now - timedelta(days=WINDOW_DAYS), timedelta(days=7), rng))
        size = log.stat().st_size
        runtime = SimpleNamespace(
            models={"triage": SimpleNamespace(label=VERSION, model=SimpleNamespace(info={}))},
            audit=SimpleNamespace(path=log),
            feedback=FeedbackStore(Path(tmp) / "feedback.sqlite"),
        )
        runtime.models["triage"].model.info["monitor_reference"] = REFERENCE
        add_corrections(runtime.feedback, args.corrections, now, rng)
        memory = first_read_memory(log)

        def fresh_scrape() -> None:
            audit_tail._TAILS.clear()  # a new reader: the whole bounded tail again
            monitor.AGREEMENT.clear()  # ... and the feedback store read again
            live_report(runtime)

        before = [cpu(fresh_scrape) for _ in range(args.scrapes)]
        read_before = []
        for _ in range(args.scrapes):
            reader = audit_tail.AuditTail(log)
            since = datetime.now(UTC) - timedelta(days=WINDOW_DAYS)
            read_before.append(cpu(lambda r=reader, s=since: r.read(s, VERSION)))
        audit_tail._TAILS.clear()
        monitor.AGREEMENT.clear()
        first = cpu(lambda: live_report(runtime))
        after = {}
        for lines in args.lines:
            scrape, read, parsed = [], [], []
            reader = audit_tail.audit_tail(log)
            for _ in range(args.scrapes):
                t = datetime.now(UTC)
                with log.open("ab") as fh:
                    fh.write(audit_lines(lines, t, timedelta(seconds=1), rng))
                scrape.append(cpu(lambda: live_report(runtime)))
                parsed.append(reader.parsed_bytes)
                with log.open("ab") as fh:
                    fh.write(audit_lines(lines, t, timedelta(seconds=1), rng))
                since = datetime.now(UTC) - timedelta(days=WINDOW_DAYS)
                read.append(cpu(lambda r=reader, s=since: r.read(s, VERSION)))
            after[str(lines)] = {
                "scrape_cpu_s": sorted(scrape)[len(scrape) // 2],
                "read_cpu_s": sorted(read)[len(read) // 2],
                "parsed_bytes": sorted(parsed)[len(parsed) // 2],
                "scrapes": scrape,
            }
        when = datetime.now(UTC)
        incremental = live_report(runtime, now=when)
        audit_tail._TAILS.clear()
        monitor.AGREEMENT.clear()
        same = json.dumps(incremental, default=str) == json.dumps(
            live_report(runtime, now=when), default=str
        )
    result = {
        "audit_log_bytes": size,
        "audit_lines": n,
        "scrapes": args.scrapes,
        "before": {
            "scrape_cpu_s": sorted(before)[len(before) // 2],
            "read_cpu_s": sorted(read_before)[len(read_before) // 2],
            "scrapes": before,
        },
        "after": {"first_scrape_cpu_s": first, "appended_lines": after},
        "incremental_equals_full_read": same,
        "memory": memory,
        "corrections": args.corrections,
        "loadavg": os.getloadavg(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    b = result["before"]
    print(f"audit log {size / 1e6:.1f} MB, {n:,} lines; load {os.getloadavg()[0]:.1f}")
    print(f"before: {b['scrape_cpu_s']:.2f} s CPU per scrape (read {b['read_cpu_s']:.2f} s)")
    print(f"after: first scrape {first:.2f} s CPU, then:")
    for lines, fig in after.items():
        print(
            f"  {lines} lines appended: {fig['scrape_cpu_s']:.3f} s CPU per scrape "
            f"(read {fig['read_cpu_s']:.4f} s, {fig['parsed_bytes']:,} bytes parsed)"
        )
    print(
        f"kept rows {memory['kept_mb']:.1f} MB after the first read "
        f"(peak {memory['peak_mb']:.1f} MB during it); incremental report equals a full "
        f"read: {same}"
    )
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
