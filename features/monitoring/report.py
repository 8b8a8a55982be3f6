"""Model health in one JSON-able dict: drift of the triage model's answers and texts, and
(when given) agreement with call takers and forecast error, with alerts in words.

The same function serves ``jingqing monitor`` (calls from a file, scored now) and
``GET /monitor`` (answers from the audit log), so both report the same figures.
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
    as_labels,
    compare_hist,
    compare_mix,
    local_days,
)

FIELD_WORDS = {"category": "category", "disposition": "disposition", "urgent": "urgent"}


def triage_drift(
    reference: Mapping,
    scores: Mapping[str, np.ndarray],
    received_at: pd.Series,
    th: Thresholds,
    timezone: str = DEFAULT_TIMEZONE,
) -> dict:
    """Mix drift over the window and per local day, and the confidence / shift histograms."""
    days = local_days(received_at, timezone) if len(received_at) else []
    out: dict = {"n": int(len(scores["category"])), "mix": {}, "daily": [], "text": {}}
    alerts: list[str] = []
    ref_n = int(reference.get("n") or 0) or None
    for field in MIX_FIELDS:
        ref = reference.get("mix", {}).get(field)
        if ref is None or scores.get(field) is None:
            continue
        labels = as_labels(field, scores[field])
        fig = compare_mix(field, ref, labels, th.mix, ref_n=ref_n)
        out["mix"][field] = fig
        if fig["alert"]:
            moved = "; ".join(fig["moved"]) or "many small moves"
            alerts.append(
                f"{FIELD_WORDS[field]} mix moved over {fig['n']:,} calls (PSI {fig['psi']:.2f}, "
                f"chi-square p {fig['p_value']:.1g}): {moved}"
            )
    if len(days):
        labels_by = {f: np.asarray(as_labels(f, scores[f])) for f in out["mix"]}
        distinct = days.unique().sort_values()  # not set(days): a Python loop over every call
        per_day = th.mix.p_value / max(len(distinct), 1)  # Bonferroni over the days
        for day in distinct:
            mine = np.asarray(days == day)
            row = {"day": str(day.date()), "n": int(mine.sum())}
            for field in out["mix"]:
                ref = reference["mix"][field]
                day_labels = labels_by[field][mine].tolist()
                fig = compare_mix(field, ref, day_labels, th.mix, ref_n=ref_n, p_value=per_day)
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
        values = scores.get(name)
        if ref is None or values is None:
            out["text"][name] = {"available": False}
            continue
        fig = compare_hist(name, ref, np.asarray(values, dtype=float), th.text)
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
