"""Model health in one JSON-able dict: drift of the triage model's answers and texts, and
(when given) agreement with call takers and forecast error, with alerts in words.

The same function serves ``jingqing monitor`` (calls from a file, scored now) and
``GET /monitor`` (answers from the audit log), so both report the same figures: both hold
the answers as columns (``features.monitoring.rows``) and every figure is computed from
counts of them (labels per window and day, scores per histogram bin).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from features.labels import DEFAULT_TIMEZONE
from features.monitoring.config import Thresholds
from features.monitoring.drift import (
    HIST_EDGES,
    MIX_FIELDS,
    compare_counts,
    compare_hist_counts,
)
from features.monitoring.rows import NO_TIME, WatchedRows, counts_by_label

FIELD_WORDS = {"category": "category", "disposition": "disposition", "urgent": "urgent"}


def triage_drift(
    reference: Mapping,
    scores: Mapping[str, np.ndarray],
    received_at: pd.Series,
    th: Thresholds,
    timezone: str = DEFAULT_TIMEZONE,
) -> dict:
    """Mix drift over the window and per local day, and the confidence / shift histograms."""
    return drift_of_rows(reference, WatchedRows.from_scores(scores, received_at, timezone), th)


def drift_of_rows(reference: Mapping, rows: WatchedRows, th: Thresholds) -> dict:
    """:func:`triage_drift` of rows already held as columns (the live monitor's window)."""
    out: dict = {"n": len(rows), "mix": {}, "daily": [], "text": {}}
    alerts: list[str] = []
    ref_n = int(reference.get("n") or 0) or None
    for field in MIX_FIELDS:
        ref = reference.get("mix", {}).get(field)
        if ref is None or not rows.watched(field):
            continue
        fig = compare_counts(field, ref, rows.label_counts(field), th.mix, ref_n=ref_n)
        out["mix"][field] = fig
        if fig["alert"]:
            moved = "; ".join(fig["moved"]) or "many small moves"
            alerts.append(
                f"{FIELD_WORDS[field]} mix moved over {fig['n']:,} calls (PSI {fig['psi']:.2f}, "
                f"chi-square p {fig['p_value']:.1g}): {moved}"
            )
    dated = rows.day != NO_TIME
    distinct, which = np.unique(rows.day[dated], return_inverse=True)
    per_day = th.mix.p_value / max(len(distinct), 1)  # Bonferroni over the days
    per_code = {}
    for field in out["mix"]:  # calls per day and code: one bincount over the window
        width = len(rows.vocab[field].labels)
        flat = which * width + rows.codes[field][dated]
        per_code[field] = np.bincount(flat, minlength=len(distinct) * width)
        per_code[field] = per_code[field].reshape(len(distinct), width)
    day_n = np.bincount(which, minlength=len(distinct))
    for d, day in enumerate(distinct):
        row = {"day": str(pd.Timestamp(day).date()), "n": int(day_n[d])}
        for field in out["mix"]:
            counts = counts_by_label(per_code[field][d], rows.vocab[field].labels)
            ref = reference["mix"][field]
            fig = compare_counts(field, ref, counts, th.mix, ref_n=ref_n, p_value=per_day)
            row[field] = {k: fig[k] for k in ("psi", "js_distance", "p_value", "alert")}
            row[field]["shares"] = fig["shares"]
            if fig["alert"] and not out["mix"][field]["alert"]:
                alerts.append(
                    f"{FIELD_WORDS[field]} mix on {row['day']} ({row['n']:,} calls, "
                    f"PSI {fig['psi']:.2f}): {'; '.join(fig['moved']) or 'many small moves'}"
                )
        out["daily"].append(row)
    for name in HIST_EDGES:
        ref = reference.get("hist", {}).get(name)
        if ref is None or not rows.watched(name):
            out["text"][name] = {"available": False}
            continue
        values = rows.values[name]
        counts = np.bincount(rows.bins[name], minlength=len(HIST_EDGES[name]) - 1)
        mean = float(np.mean(values)) if len(values) else float("nan")
        fig = compare_hist_counts(name, ref, counts, mean, th.text)
        out["text"][name] = {"available": True, **fig}
        alerts.extend(fig["moved"] if fig["alert"] else [])
    out["alerts"] = alerts
    return out


def health(
    drift: dict | None, agreement: dict | None, forecast: dict | None, *, model: dict
) -> dict:
    """The whole report: sections, every alert in one list, and ``alert`` (exit code 3)."""
    alerts = []
    for section, part in (("drift", drift), ("agreement", agreement), ("forecast", forecast)):
        for line in (part or {}).get("alerts", []):
            alerts.append({"section": section, "message": line})
    return {
        "model": model,
        "alert": bool(alerts),
        "alerts": alerts,
        "drift": drift,
        "agreement": agreement,
        "forecast": forecast,
    }


def gauges(report: Mapping) -> list[tuple[str, dict[str, str], float]]:
    """The report as Prometheus gauge samples ``(name, labels, value)`` (no NaN/None)."""
    out: list[tuple[str, dict[str, str], float]] = [
        ("jingqing_monitor_alerts", {}, float(len(report.get("alerts", []))))
    ]
    drift = report.get("drift") or {}
    for field, fig in drift.get("mix", {}).items():
        if fig.get("psi") is not None:
            out.append(("jingqing_monitor_mix_psi", {"field": field}, fig["psi"]))
        for label, share in fig.get("shares", {}).items():
            out.append(("jingqing_monitor_share", {"field": field, "label": label}, share))
    for name, fig in drift.get("text", {}).items():
        if fig.get("available") and fig.get("mean") is not None:
            out.append(("jingqing_monitor_text_mean", {"score": name}, fig["mean"]))
            out.append(("jingqing_monitor_text_psi", {"score": name}, fig["psi"]))
    agreement = report.get("agreement") or {}
    if agreement.get("n"):
        out.append(("jingqing_monitor_corrections", {}, float(agreement["n"])))
        out.append(("jingqing_monitor_agreement_accuracy", {}, agreement["accuracy"]))
        out.append(("jingqing_monitor_agreement_macro_f1", {}, agreement["macro_f1"]))
    forecast = report.get("forecast") or {}
    for key in ("coverage80_pit", "deviance_ratio"):
        if forecast.get(key) is not None:
            out.append((f"jingqing_monitor_forecast_{key}", {}, float(forecast[key])))
    return [(n, lab, float(v)) for n, lab, v in out if v == v]
