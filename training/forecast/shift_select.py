"""Whether a city's shift forecast blends in the direct shift-total model.

On rolling-origin folds of the city's own calls (the backtest's folds of ``train
forecast``: each fold's hourly forecast is the backtest's, fitted before its cutoff), a
:class:`~features.shift_model.ShiftTotalModel` is fitted before each cutoff too, and the
8-hour totals of the fold's whole shifts are scored three ways: the hourly sums, the
direct totals and half of each. The blend is the city's shift forecast when it lowers the
mean shift deviance over the folds by at least ``KEEP_GAIN`` and its PEI (10 %) is no
worse; otherwise the shift forecast stays the hourly sums. The weight is fixed (half and
half, as measured on Houston, ``benchmarks/forecast/shift_ideas.py``): only the yes/no is
chosen on the folds, so these folds' figures are the selection's, not evidence of the
blend's gain (the benchmark reports that on later folds than it chose on).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from features.errors import UserError
from features.tasks import map_tasks
from training.forecast.metrics import full_shifts, hotspot_scores, poisson_deviance

log = logging.getLogger(__name__)

WEIGHT = 0.5
KEEP_GAIN = 0.002  # the benchmarks' rule: 0.2 % of deviance


@dataclass
class ShiftChoice:
    """The chosen weight of the direct model, the folds' mean scores and why."""

    weight: float
    reason: str
    metrics: dict[str, float] = field(default_factory=dict)


def _whole_shifts(panel, result) -> list[np.ndarray]:
    cut, horizon = result.spec.cutoff, result.spec.horizon
    return full_shifts(panel.hours(cut, cut + horizon), horizon)


def three_ways(actual: np.ndarray, hourly: np.ndarray, direct: np.ndarray) -> dict[str, float]:
    """Shift deviance and PEI (10 %) of the hourly sums, the direct totals and the blend;
    every array is ``(grids, shifts)`` of whole shifts."""
    totals = {"hourly": hourly, "direct": direct, "blend": (1 - WEIGHT) * hourly + WEIGHT * direct}
    out = {}
    for way, pred in totals.items():
        out[f"{way}_shift_poisson_deviance"] = poisson_deviance(actual, pred)
        out[f"{way}_pei_10"] = hotspot_scores(actual, pred, (0.10,))["pei_10"]
    return out


def decide(per_fold: list[dict[str, float]]) -> ShiftChoice:
    """The blend when its mean shift deviance over the folds is ``KEEP_GAIN`` lower than
    the hourly sums' and its PEI (10 %) no worse; else the hourly sums."""
    metrics = {k: float(np.mean([f[k] for f in per_fold])) for k in per_fold[0]}
    gain = 1 - metrics["blend_shift_poisson_deviance"] / metrics["hourly_shift_poisson_deviance"]
    pei_gain = metrics["blend_pei_10"] - metrics["hourly_pei_10"]
    metrics.update(blend_shift_deviance_gain=gain, blend_pei_10_gain=pei_gain)
    text = f"shift deviance {gain:+.2%}, PEI 10 % {pei_gain:+.3f} on {len(per_fold)} folds"
    if gain >= KEEP_GAIN and pei_gain >= 0:
        return ShiftChoice(WEIGHT, f"blend kept: {text}", metrics)
    return ShiftChoice(0.0, f"blend lost ({text}): shifts are the hourly sums", metrics)


def _whole_shifts(panel, result) -> list[np.ndarray]:
    cut, horizon = result.spec.cutoff, result.spec.horizon
    return full_shifts(panel.hours(cut, cut + horizon), horizon)


def _fold_scores(result, panel, holiday_country: str, params: dict) -> dict[str, float]:
    """The three ways on one backtest fold, the direct model fitted before its cutoff."""
    from features.shift_model import ShiftTotalModel

    cut, horizon = result.spec.cutoff, result.spec.horizon
    shifts = _whole_shifts(panel, result)
    y = panel.counts[:, cut : cut + horizon].astype(np.float64)
    history = panel.truncate(cut)
    model = ShiftTotalModel(holiday_country, **params).fit(history)
    direct = model.predict_totals(history, cut, np.array([cut + p[0] for p in shifts]))
    mean = result.prediction.mean
    hourly = np.stack([mean[:, p].sum(axis=1) for p in shifts], axis=1)
    actual = np.stack([y[:, p].sum(axis=1) for p in shifts], axis=1)
    return three_ways(actual, hourly, direct)


def choose_shift_weight(
    panel, results, holiday_country: str, params: dict | None = None
) -> ShiftChoice:
    """Score the blend on the backtest ``results`` (folds of one hourly model) and choose."""
    usable = [r for r in results if _whole_shifts(panel, r)]
    if not usable:
        return ShiftChoice(0.0, "no fold holds a whole 8-hour shift")
    try:
        per_fold = map_tasks(
            _fold_scores,
            usable,
            panel,
            holiday_country,
            params or {},
            desc="shift-total model folds",
            unit="fold",
        )
    except UserError as exc:
        return ShiftChoice(0.0, f"shift-total model not fitted: {exc}")
    return decide(per_fold)


def attach_shift_model(forecaster, panel, results, cfg) -> ShiftChoice:
    """Choose on the backtest folds; when the blend is kept, fit the shift-total model on
    every hour and attach it to ``forecaster`` (its ``forecast_shifts`` then blends).
    Logged to the active MLflow run: the weight, the folds' scores and why."""
    import time

    import mlflow

    started = time.perf_counter()
    if cfg.model != "lightgbm" or cfg.shift_blend == "off":
        why = "off in the config" if cfg.shift_blend == "off" else f"not for {cfg.model}"
        choice = ShiftChoice(0.0, f"shift blend {why}: shifts are the hourly sums")
    else:
        params = {"seed": cfg.lightgbm.seed, "threads": cfg.lightgbm.threads}
        choice = choose_shift_weight(panel, results, cfg.country(), params)
        if choice.weight > 0:
            from features.shift_model import ShiftTotalModel

            forecaster.shift_model_ = ShiftTotalModel(cfg.country(), **params).fit(panel)
            forecaster.shift_weight_ = choice.weight
    log.info("%s", choice.reason)
    mlflow.log_param("shift_blend_weight", choice.weight)
    mlflow.set_tag("shift_blend", choice.reason[:5000])
    metrics = {f"shift_select_{k}": v for k, v in choice.metrics.items()}
    metrics["shift_select_seconds"] = time.perf_counter() - started
    mlflow.log_metrics(metrics)
    return choice
