"""The drift figures computed from columns (``WatchedRows``), and from the live monitor's
incrementally kept window, equal the figures recomputed from the rows as plain values: the
window's labels and scores as lists, ``compare_mix`` / ``compare_hist`` on them, day by day
with pandas. Checked scrape after scrape across appended, torn and malformed lines, a
rotated, truncated and rewritten log, a model-version change and a moving window."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import pytest

from features.monitoring.drift import (
    HIST_EDGES,
    MIX_FIELDS,
    as_labels,
    build_reference,
    compare_counts,
    compare_hist,
    compare_mix,
    local_days,
)
from features.monitoring.report import drift_of_rows, triage_drift
from features.monitoring.rows import WatchedRows, hist_bins
from serving import audit_tail as tail_module
from serving.audit_tail import AuditTail, read_audit

T0 = datetime(2026, 11, 1, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai: days split mid-window
CATEGORIES = ("criminal", "dispute", "assistance", "non_police")
DISPOSITIONS = ("transfer", "on_scene", "divert", None)
RNG = np.random.default_rng(3)
REFERENCE = build_reference(
    {
        "category": RNG.choice(CATEGORIES, 800, p=[0.1, 0.3, 0.4, 0.2]),
        "disposition": RNG.choice(DISPOSITIONS[:3], 800),
        "urgent": RNG.random(800) < 0.08,
        "confidence": RNG.uniform(0.4, 1.0, 800),
        "shift": RNG.uniform(0.0, 0.2, 800),
    },
    "holdout",
)
# confidences and shift scores on the bins' edges, inside and outside [0, 1]
CONFIDENCE = (0.5, 0.9, 1.0, 0.73, 0.95, 0.99, 0.61, 0.0, 0.81)
SHIFT = (0.0, 0.02, 0.05, 0.13, 1.0, 0.3, 0.5, 0.21, 1.2, -0.1, 0.07)


def line(i: int, version: str = "triage@1", hours: float = 0.0) -> bytes:
    when = (T0 + timedelta(hours=hours, minutes=7 * i)).isoformat(timespec="milliseconds")
    suggestion = {
        "category": CATEGORIES[(i * i) % 4],
        "disposition": DISPOSITIONS[i % 4],
        "urgent": i % 5 == 0,
        "confidence": CONFIDENCE[i % len(CONFIDENCE)],
        "shift": SHIFT[i % len(SHIFT)],
    }
    row = {"request_id": f"r{i}", "time": when, "model_version": version, "suggestion": suggestion}
    return orjson.dumps(row) + b"\n"


def lines(first: int, last: int, **kw) -> bytes:
    return b"".join(line(i, **kw) for i in range(first, last))


def recomputed(reference: dict, suggestions: list[dict], times: pd.Series, th) -> dict:
    """The figures from the rows as plain values, each statistic on its own lists."""
    values = {k: [s.get(k) for s in suggestions] for k in (*MIX_FIELDS, *HIST_EDGES)}
    days = pd.Series(local_days(times)) if len(times) else pd.Series([], dtype=object)
    out: dict = {"n": len(suggestions), "mix": {}, "daily": [], "text": {}}

    def watched(field: str) -> bool:  # a field with an absent value is not (a router's: all)
        absent = [v is None for v in values[field]]
        return not all(absent) if field == "disposition" else not any(absent)

    ref_n = reference["n"]
    watched = [f for f in MIX_FIELDS if f in reference["mix"] and watched(f)]
    for field in watched:
        labels = as_labels(field, values[field])
        out["mix"][field] = compare_mix(
            field, reference["mix"][field], labels, th.mix, ref_n=ref_n
        )
    distinct = sorted(days.unique())
    for day in distinct:
        mine = (days == day).to_numpy()
        row = {"day": str(day.date()), "n": int(mine.sum())}
        for field in watched:
            labels = np.asarray(as_labels(field, values[field]))[mine].tolist()
            p = th.mix.p_value / len(distinct)
            fig = compare_mix(
                field, reference["mix"][field], labels, th.mix, ref_n=ref_n, p_value=p
            )
            row[field] = {k: fig[k] for k in ("psi", "js_distance", "p_value", "alert")}
            row[field]["shares"] = fig["shares"]
        out["daily"].append(row)
    for name in HIST_EDGES:
        if any(v is None for v in values[name]):
            out["text"][name] = {"available": False}
            continue
        fig = compare_hist(name, reference["hist"][name], np.asarray(values[name]), th.text)
        out["text"][name] = {"available": True, **fig}
    return out


def from_log(path: Path, since: datetime, version: str) -> tuple[list[dict], pd.Series]:
    """The window's suggestions and times, parsed line by line from the log's tail."""
    data = path.read_bytes()[-tail_module.MAX_AUDIT_BYTES :] if path.is_file() else b""
    found = []
    for raw in data.splitlines():
        try:
            row = json.loads(raw)
        except ValueError:
            continue
        ours = isinstance(row, dict) and row.get("model_version") == version
        if ours and datetime.fromisoformat(row["time"]) >= since:
            found.append(row)
    times = pd.Series(pd.to_datetime([r["time"] for r in found], utc=True))
    return [r["suggestion"] for r in found], times


def figures(report: dict) -> str:
    return json.dumps({k: report[k] for k in ("n", "mix", "daily", "text")}, sort_keys=True)


def check(tail: AuditTail, path: Path, since: datetime, th, version: str = "triage@1") -> int:
    """The kept window's figures equal a fresh full read's and the plain recomputation's."""
    kept = drift_of_rows(REFERENCE, tail.read(since, version), th)
    fresh = drift_of_rows(REFERENCE, read_audit(path, since, version), th)
    plain = recomputed(REFERENCE, *from_log(path, since, version), th)
    assert json.dumps(kept, sort_keys=True) == json.dumps(fresh, sort_keys=True)
    assert figures(kept) == figures(plain)
    return kept["n"]


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "logs" / "audit.jsonl"
    path.parent.mkdir()
    return path


def test_appended_torn_and_malformed_lines(log, thresholds):
    tail = AuditTail(log)
    log.write_bytes(lines(0, 300))
    assert check(tail, log, T0, thresholds) == 300
    whole = line(300)
    with log.open("ab") as fh:
        fh.write(b"{not json\n[1, 2]\n\n" + lines(301, 340) + whole[:25])
    assert check(tail, log, T0, thresholds) == 339  # the torn line is not counted yet
    with log.open("ab") as fh:
        fh.write(whole[25:] + line(341)[:-1])  # ended, and one still waiting for its newline
    assert check(tail, log, T0, thresholds) == 341
    assert tail.parsed_bytes < 2 * len(whole)  # only what was appended


def test_rotation_truncation_rewrite_and_versions(log, thresholds):
    tail = AuditTail(log)
    log.write_bytes(lines(0, 200) + lines(0, 50, version="triage@2"))
    assert check(tail, log, T0, thresholds) == 200
    os.replace(log, log.with_suffix(".1"))  # rotated: a new, shorter file
    log.write_bytes(lines(500, 560))
    assert check(tail, log, T0, thresholds) == 60
    log.write_bytes(lines(900, 930))  # truncated in place
    assert check(tail, log, T0, thresholds) == 30
    log.write_bytes(lines(0, 400, version="triage@2"))  # rewritten: another champion's lines
    assert check(tail, log, T0, thresholds) == 0
    assert check(tail, log, T0, thresholds, version="triage@2") == 400


def test_moving_window_and_bounded_tail(log, thresholds, monkeypatch):
    tail = AuditTail(log)
    log.write_bytes(lines(0, 1500))  # 7 minutes apart: a week
    for hours in (0, 20, 47.5, 100):  # the window moves forward: old rows and days expire
        with log.open("ab") as fh:
            fh.write(lines(1500 + int(hours), 1510 + int(hours)))
        check(tail, log, T0 + timedelta(hours=hours), thresholds)
    assert check(tail, log, T0, thresholds) > 1500  # a wider window: read again
    monkeypatch.setattr(tail_module, "MAX_AUDIT_BYTES", len(line(0)) * 300)
    assert 250 < check(tail, log, T0, thresholds) <= 300  # only the tail's lines


def test_file_scores_give_the_same_figures_as_the_plain_recomputation(thresholds):
    # Given a model's scores of calls with naive local times (jingqing monitor --calls)
    n = 900
    scores = {
        "category": RNG.choice(CATEGORIES, n, p=[0.3, 0.3, 0.2, 0.2]),
        "disposition": None,  # a model without a router
        "urgent": RNG.random(n) < 0.2,
        "confidence": np.resize(np.asarray(CONFIDENCE), n),
        "shift": None,
    }
    when = pd.Series(pd.date_range("2026-06-01 05:00", periods=n, freq="13min"))
    report = triage_drift(REFERENCE, scores, when, thresholds)
    rows = [{k: (None if v is None else v[i]) for k, v in scores.items()} for i in range(n)]
    assert figures(report) == figures(recomputed(REFERENCE, rows, when, thresholds))
    assert "disposition" not in report["mix"] and report["text"]["shift"]["available"] is False


def test_bins_are_the_histogram_bins():
    values = np.concatenate([np.asarray(HIST_EDGES["confidence"]), RNG.uniform(-0.2, 1.2, 500)])
    want, _ = np.histogram(np.clip(values, 0, 1), bins=np.asarray(HIST_EDGES["confidence"]))
    got = np.bincount(hist_bins(values, "confidence"), minlength=len(want))
    assert got.tolist() == want.tolist()


def test_cached_figures_are_copies(thresholds):
    ref = REFERENCE["mix"]["category"]
    first = compare_counts("category", ref, {"dispute": 90, "criminal": 10}, thresholds.mix)
    first["moved"].append("edited by a caller")
    again = compare_counts("category", ref, {"criminal": 10, "dispute": 90}, thresholds.mix)
    assert "edited by a caller" not in again["moved"] and again["n"] == 100


def test_a_time_that_does_not_parse_leaves_the_row_out(log, thresholds):
    bad = orjson.loads(line(1))
    bad["time"] = "yesterday"
    log.write_bytes(line(0) + orjson.dumps(bad) + b"\n" + line(2))
    rows = AuditTail(log).read(T0, "triage@1")
    assert len(rows) == 2 and drift_of_rows(REFERENCE, rows, thresholds)["n"] == 2
    assert len(WatchedRows.empty()) == 0


def test_the_service_and_jingqing_monitor_give_the_same_figures(
    monitored_model, thresholds, tmp_path
):
    # Given a week of calls, scored by `jingqing monitor`, and the answers the service's
    # audit log holds for the same calls (its writer, times set to when each call came in)
    from features.monitoring.scoring import watched_scores
    from serving.audit import AuditLog
    from training.monitor.scenarios import scenario_calls

    calls = scenario_calls("fraud_wave", n=500, seed=9)
    texts = calls["text"].tolist()
    audit = AuditLog(tmp_path / "logs" / "audit.jsonl")
    entries = [
        {"request_id": f"r{i}", "model_version": "triage@3", "masked_text": text}
        | {"suggestion": answer, "latency_ms": 1.0}
        for i, (text, answer) in enumerate(zip(texts, monitored_model.answers(texts), strict=True))
    ]
    audit.write(entries)
    received = pd.DatetimeIndex(calls["received_at"])
    received = received.tz_localize("Asia/Shanghai") if received.tz is None else received
    logged = [orjson.loads(raw) for raw in audit.path.read_bytes().splitlines()]
    for row, when in zip(logged, received.tz_convert("UTC"), strict=True):
        row["time"] = when.isoformat(timespec="milliseconds")
    audit.path.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in logged))
    reference = monitored_model.info["monitor_reference"]
    # When both compute the drift figures
    scores = watched_scores(monitored_model, texts)
    cli = triage_drift(reference, scores, calls["received_at"], thresholds)
    since = received.min().floor("s").to_pydatetime()
    rows = AuditTail(audit.path).read(since, "triage@3")
    live = drift_of_rows(reference, rows, thresholds)
    # Then they are the same, alerts included
    assert len(live["daily"]) > 3 and live["mix"]["category"]["alert"]
    assert json.dumps(live, sort_keys=True) == json.dumps(cli, sort_keys=True)


def test_odd_values_in_the_log_are_figures_not_crashes(log, thresholds):
    # Given lines a hand edit or an older writer left: a suggestion that is not an object,
    # a confidence in words, a numeric category
    odd = [orjson.loads(line(i)) for i in range(3)]
    odd[0]["suggestion"] = "dispute"
    odd[1]["suggestion"]["confidence"] = "high"
    odd[2]["suggestion"]["category"] = 5
    log.write_bytes(lines(10, 300) + b"".join(orjson.dumps(row) + b"\n" for row in odd))
    # When the monitor reads them
    report = drift_of_rows(REFERENCE, AuditTail(log).read(T0, "triage@1"), thresholds)
    # Then every line counts, a field with an absent or unreadable value is not watched
    assert report["n"] == 293
    assert "category" not in report["mix"] and report["text"]["confidence"] == {"available": False}
    assert report["text"]["shift"] == {"available": False}  # the first line has none
    assert report["mix"]["disposition"]["n"] == 293
