"""Rolling-origin backtests: each fold is an independent task (fold spec in, metrics out).

``run_fold`` is a plain function over (panel, spec), so a Dask scheduler could map it over
folds and models; here the folds run one after another under a progress bar.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from features.errors import UserError
from features.forecast_models import SeasonalNaive
from features.forecaster import MIN_HISTORY_HOURS, Forecaster, Prediction, mean_floor
from features.intervals import quantiles
from features.tasks import map_tasks
from features.timeseries import WEEK, Panel
from training.forecast.metrics import poisson_deviance, score

log = logging.getLogger(__name__)

HOURLY_METRIC_COLUMNS = (
    "mae",
    "rmse",
    "poisson_deviance",
    "skill_vs_seasonal_naive",
    "coverage80",
    "coverage80_interval",
    "hotspot_capture",
    "hotspot_capture_next_shift",
)
SHIFT_METRIC_COLUMNS = (
    "shift_poisson_deviance",
    "shift_coverage80",
    "pei_5",
    "pei_10",
    "pei_20",
    "pai_5",
    "pai_10",
    "pai_20",
)
METRIC_COLUMNS = (*HOURLY_METRIC_COLUMNS, *SHIFT_METRIC_COLUMNS)


@dataclass(frozen=True)
class FoldSpec:
    """One backtest task: fit ``model`` on hours before ``cutoff``, forecast ``horizon``."""

    fold: int
    cutoff: int
    horizon: int
    model: str
    holiday_country: str = "CN"
    params: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass
class FoldResult:
    spec: FoldSpec
    prediction: Prediction
    metrics: dict[str, float]
    fit_seconds: float


def fold_cutoffs(
    n_hours: int, folds: int, horizon: int, first_cutoff: int | None = None
) -> list[int]:
    """Cutoffs ``horizon`` apart: from ``first_cutoff`` on, else the last ``folds`` horizons."""
    if folds < 1:
        raise UserError("--folds must be at least 1")
    if first_cutoff is None:
        first_cutoff = n_hours - folds * horizon
    cutoffs = [first_cutoff + k * horizon for k in range(folds)]
    if cutoffs[-1] + horizon > n_hours:
        raise UserError(
            f"the last fold ends {cutoffs[-1] + horizon - n_hours} h after the calls end: a "
            "backtest forecasts inside the data (use an earlier --cutoff, a shorter --horizon "
            "or fewer --folds; `jingqing forecast` forecasts the future)"
        )
    if cutoffs[0] < MIN_HISTORY_HOURS + WEEK:
        raise UserError(
            f"not enough history for {folds} folds of {horizon} h: the first cutoff would have "
            f"{max(cutoffs[0], 0)} hours of calls before it"
        )
    return cutoffs


def oracle_prediction(intensity: Panel, cutoff: int, horizon: int) -> Prediction:
    """The true expected calls with Poisson quantiles: the floor no model can beat."""
    mu = np.asarray(intensity.counts[:, cutoff : cutoff + horizon], dtype=np.float64)
    p10, p50, p90 = quantiles(mu, 0.0)
    return Prediction(
        list(intensity.grid_ids), intensity.hours(cutoff, cutoff + horizon), mu, p10, p50, p90, 0.0
    )


def fold_metrics(y: np.ndarray, pred: Prediction, reference: float | None) -> dict[str, float]:
    """Metrics of one fold; skill is ``1 - deviance / seasonal-naive deviance``."""
    metrics = score(y, pred.mean, pred.p10, pred.p90, pred.alpha, pred.hours)
    metrics["skill_vs_seasonal_naive"] = (
        1.0 - metrics["poisson_deviance"] / reference if reference else float("nan")
    )
    return metrics


def reference_deviance(panel: Panel, cutoff: int, horizon: int) -> float | None:
    """Seasonal-naive deviance of a fold (cheap, so every fold carries its own reference)."""
    y = panel.counts[:, cutoff : cutoff + horizon]
    if y.shape[1] < horizon:
        return None
    hist = panel.truncate(cutoff)
    mu = SeasonalNaive().predict_mean(hist, cutoff, cutoff, horizon)
    return poisson_deviance(y, np.maximum(mu, mean_floor(hist, cutoff)[:, None]))


def run_fold(panel: Panel, spec: FoldSpec, intensity: Panel | None = None) -> FoldResult:
    """Fit on hours before the cutoff only, forecast the horizon, score if outcomes exist."""
    import time

    started = time.perf_counter()
    if spec.model == "oracle":
        if intensity is None:
            raise UserError("the oracle needs the true intensity (intensity.parquet)")
        pred = oracle_prediction(intensity, spec.cutoff, spec.horizon)
    else:
        history = panel.truncate(spec.cutoff)
        forecaster = Forecaster(spec.model, spec.holiday_country, **spec.params).fit(history)
        pred = forecaster.predict_from(history, spec.cutoff, spec.cutoff, spec.horizon)
    seconds = time.perf_counter() - started
    y = panel.counts[:, spec.cutoff : spec.cutoff + spec.horizon]
    metrics: dict[str, float] = {}
    if y.shape[1] == spec.horizon:
        metrics = fold_metrics(y, pred, reference_deviance(panel, spec.cutoff, spec.horizon))
    return FoldResult(spec, pred, metrics, seconds)


def run_backtest(
    panel: Panel,
    models: Iterable[str],
    cutoffs: list[int],
    horizon: int,
    *,
    holiday_country: str = "CN",
    params: dict[str, dict] | None = None,
    intensity: Panel | None = None,
) -> list[FoldResult]:
    """Every (model, fold) task, in order, under a progress bar."""
    specs = [
        FoldSpec(k, cut, horizon, m, holiday_country, (params or {}).get(m, {}))
        for m in models
        for k, cut in enumerate(cutoffs)
    ]
    return map_tasks(_fold_task, specs, panel, intensity, desc="backtest folds", unit="fold")


def _fold_task(spec: FoldSpec, panel: Panel, intensity: Panel | None) -> FoldResult:
    """One fold as an independent task (in this process or on a Dask worker)."""
    log.info(
        "fold %d (%s): cutoff %s",
        spec.fold,
        spec.model,
        panel.hours(spec.cutoff, spec.cutoff + 1)[0],
    )
    return run_fold(panel, spec, intensity)


def metrics_table(results: list[FoldResult]) -> pd.DataFrame:
    """One row per model × fold with every metric and the fit time."""
    rows = []
    for r in results:
        if r.metrics:
            rows.append(
                {"model": r.spec.model, "fold": r.spec.fold, **r.metrics, "seconds": r.fit_seconds}
            )
    return pd.DataFrame(rows)


def summary_table(results: list[FoldResult]) -> pd.DataFrame:
    """Metrics averaged over folds, one row per model, in the order models were run."""
    table = metrics_table(results)
    if table.empty:
        return table
    order = list(dict.fromkeys(table["model"]))
    out = table.groupby("model", sort=False)[[*METRIC_COLUMNS, "seconds"]].mean()
    out.insert(0, "folds", table.groupby("model", sort=False)["fold"].count())
    return out.loc[order].reset_index()


def predictions_frame(results: list[FoldResult]) -> pd.DataFrame:
    """``grid_id, hour, model, mean, p10, p50, p90`` for every fold and model."""
    frames = [r.prediction.frame(r.spec.model) for r in results]
    return pd.concat(frames, ignore_index=True)


def markdown_table(summary: pd.DataFrame, columns: tuple[str, ...] = METRIC_COLUMNS) -> str:
    """The summary as a Markdown table (for the README)."""
    cols = ["model", "folds", *columns]
    head = "| " + " | ".join(cols) + " |\n|" + "---|" * len(cols) + "\n"
    lines = []
    for _, row in summary.iterrows():
        cells = [str(row["model"]), str(int(row["folds"]))]
        cells += [f"{row[c]:.4f}" if pd.notna(row.get(c)) else "—" for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return head + "\n".join(lines) + "\n"
