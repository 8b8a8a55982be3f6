"""Prediction and text drift: what the model suggests now against what it suggested on the
held-out calls of its own training run (the reference stored with the model).

Statistics by hand with scipy, not Evidently or NannyML: the figures are a population
stability index, a Jensen–Shannon distance and a chi-square test, a dozen lines, while
either library adds hundreds of megabytes and seconds of import time to the service (the
measurement is in the README). A shift alerts only when it is large (PSI) *and* unlikely to
be sampling noise (chi-square against the training shares), so a quiet week stays quiet.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

from features.labels import DEFAULT_TIMEZONE, DISPLAY
from features.monitoring.config import MixThresholds, TextThresholds

EPS = 1e-4  # floor of a share inside the PSI's logarithm (a label never seen is not ∞)
MIX_FIELDS = ("category", "disposition", "urgent")
HIST_EDGES = {  # fixed bins: comparable across models, robust to a mass at 0
    "confidence": (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0),
    "shift": (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0),
}


def local_days(when: pd.Series, timezone: str = DEFAULT_TIMEZONE) -> pd.DatetimeIndex:
    """Local calendar day of each time (naive times are taken as local)."""
    stamps = pd.DatetimeIndex(pd.to_datetime(when))
    if stamps.tz is None:
        stamps = stamps.tz_localize(timezone)
    return stamps.tz_convert(timezone).tz_localize(None).normalize()


def label_name(field: str, label: str) -> str:
    """The Chinese name of a label for alert sentences (``non_police`` → ``非警务``)."""
    if field == "urgent":
        return "urgent" if label == "true" else "not urgent"
    shown = DISPLAY.get(field, {}).get(label)
    return shown[0] if shown else label


def pct(share: float) -> str:
    """A share as alert words write it: ``0.31`` → ``31 %``."""
    return f"{share * 100:.0f} %"


def as_labels(field: str, values: Sequence) -> list[str]:
    """Values of one mix field as strings (urgent as ``true``/``false``; None as ``none``)."""
    if field == "urgent":
        return ["true" if bool(v) else "false" for v in values]
    return ["none" if v is None or v != v else str(v) for v in values]


def shares(labels: Sequence[str]) -> dict[str, float]:
    values, counts = np.unique(np.asarray(labels, dtype=object).astype(str), return_counts=True)
    total = counts.sum()
    return {str(v): float(c / total) for v, c in zip(values, counts, strict=True)} if total else {}


def histogram(values: np.ndarray, name: str) -> dict:
    edges = np.asarray(HIST_EDGES[name])
    counts, _ = np.histogram(np.clip(values, 0.0, 1.0), bins=edges)
    total = max(int(counts.sum()), 1)
    return {
        "edges": edges.tolist(),
        "shares": (counts / total).tolist(),
        "mean": float(np.mean(values)) if len(values) else float("nan"),
    }


def build_reference(scores: Mapping[str, np.ndarray], source: str) -> dict:
    """The training-time reference from a model's scores on calls it was not fitted on.

    ``scores`` holds ``category``, ``disposition``, ``urgent``, ``confidence`` and, when the
    model measures it, ``shift`` (``TriageModel.score`` output or the same fields from the
    audit log). A JSON-able dict, stored in the model's ``info["monitor_reference"]``.
    """
    n = len(scores["category"])
    ref: dict = {"source": source, "n": int(n), "mix": {}, "hist": {}}
    for field in MIX_FIELDS:
        if scores.get(field) is not None:
            ref["mix"][field] = shares(as_labels(field, scores[field]))
    for name in HIST_EDGES:
        if scores.get(name) is not None:
            ref["hist"][name] = histogram(np.asarray(scores[name], dtype=float), name)
    return ref


def psi(reference: Sequence[float], current: Sequence[float]) -> float:
    """Population stability index ``Σ (c − r) ln(c / r)`` over aligned shares."""
    r = np.maximum(np.asarray(reference, dtype=float), EPS)
    c = np.maximum(np.asarray(current, dtype=float), EPS)
    return float(np.sum((c - r) * np.log(c / r)))


def compare_mix(
    field: str,
    reference: Mapping[str, float],
    labels: Sequence[str],
    th: MixThresholds,
    *,
    ref_n: int | None = None,
    p_value: float | None = None,
):
    """Figures of one mix (shares now vs training, PSI, JS distance, chi-square p) + alerts.

    With ``ref_n`` (the reference's call count) the test is a two-sample chi-square of the
    reference counts against the window's, so the reference's own sampling noise is counted;
    ``p_value`` overrides the threshold (a per-day test divides it by the number of days).
    """
    values, counts = np.unique(np.asarray(labels, dtype=object).astype(str), return_counts=True)
    now = {str(v): int(c) for v, c in zip(values, counts, strict=True)}
    return compare_counts(field, reference, now, th, ref_n=ref_n, p_value=p_value)


def compare_counts(
    field: str,
    reference: Mapping[str, float],
    counts: Mapping[str, int],
    th: MixThresholds,
    *,
    ref_n: int | None = None,
    p_value: float | None = None,
) -> dict:
    """:func:`compare_mix` of calls given as their number per label (``{label: calls}``).

    The figures are a function of the counts alone, so a day whose counts did not change
    since the last scrape is answered from a small cache (a copy: callers may edit it).
    """
    key = (
        field,
        tuple(sorted(reference.items())),
        tuple(sorted((str(k), int(v)) for k, v in counts.items() if v)),
        tuple(th.model_dump().items()),
        ref_n,
        p_value,
    )
    return copy.deepcopy(_compare_counts(*key))


@functools.lru_cache(maxsize=512)
def _compare_counts(field, reference, counts, th_items, ref_n, p_value) -> dict:
    th = MixThresholds(**dict(th_items))
    reference = dict(reference)
    n = sum(c for _, c in counts)
    now = {k: float(np.int64(c) / np.int64(n)) for k, c in counts}
    keys = sorted(set(reference) | set(now))
    r = np.array([reference.get(k, 0.0) for k in keys])
    c = np.array([now.get(k, 0.0) for k in keys])
    out = {
        "n": n,
        "shares": now,
        "reference": reference,
        "psi": psi(r, c) if n else None,
        "js_distance": float(jensenshannon(r, c, base=2)) if n else None,
        "p_value": None,
        "alert": False,
        "moved": [],
    }
    if n == 0:
        return out
    seen = (r > 0) | (c > 0)
    if ref_n:
        table = np.vstack([r[seen] * ref_n, c[seen] * n])
        out["p_value"] = float(stats.chi2_contingency(table, correction=False).pvalue)
    else:
        expected = np.maximum(r, EPS) / np.maximum(r, EPS).sum() * n
        out["p_value"] = float(stats.chisquare(c * n, expected).pvalue)
    for k, rv, cv in zip(keys, r, c, strict=True):
        if abs(cv - rv) >= th.min_share_change:
            out["moved"].append(f"{label_name(field, k)} share {pct(cv)} vs {pct(rv)} in training")
    large = out["psi"] >= th.psi_alert or np.max(np.abs(c - r)) >= th.alert_share_change
    limit = th.p_value if p_value is None else p_value
    out["alert"] = bool(n >= th.min_calls and large and out["p_value"] < limit)
    return out


def compare_hist(name: str, reference: Mapping, values: np.ndarray, th: TextThresholds) -> dict:
    """Confidence or shift-score histogram now vs training: PSI, means, KS-like words."""
    values = np.asarray(values, dtype=float)
    edges = np.asarray(HIST_EDGES[name])
    counts, _ = np.histogram(np.clip(values, 0.0, 1.0), bins=edges)
    mean = float(np.mean(values)) if len(values) else float("nan")
    return compare_hist_counts(name, reference, counts, mean, th)


def compare_hist_counts(
    name: str, reference: Mapping, counts: np.ndarray, mean: float, th: TextThresholds
) -> dict:
    """:func:`compare_hist` of values given as their count per bin and their mean."""
    counts = np.asarray(counts, dtype=np.int64)
    n = int(counts.sum())
    shares = (counts / max(n, 1)).tolist()
    out = {
        "n": n,
        "mean": mean if n else None,
        "reference_mean": reference["mean"],
        "edges": list(HIST_EDGES[name]),
        "shares": shares,
        "reference_shares": reference["shares"],
        "psi": psi(reference["shares"], shares) if n else None,
        "alert": False,
        "moved": [],
    }
    if n < th.min_calls:
        return out
    rise = mean - reference["mean"]
    if name == "shift":
        big = rise >= th.shift_mean_rise
        what = "share of unseen character n-grams"
    else:
        big = -rise >= th.confidence_mean_drop
        what = "confidence"
    if big or out["psi"] >= th.psi_alert:
        out["alert"] = True
        out["moved"].append(
            f"mean {what} {mean:.2f} vs {reference['mean']:.2f} in training (PSI {out['psi']:.2f})"
        )
    return out
