"""``jingqing train forecast``: backtest, fit on everything, track, register, promote."""

from __future__ import annotations

import json
import logging
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from training import gates
from training.datasets import file_source, forecast_dataset, model_name, resolve_city
from training.forecast.config import ForecastConfig

__all__ = ["ForecastConfig", "TrainResult", "run_train_forecast"]

log = logging.getLogger(__name__)

EXPERIMENT = "forecast"
MODEL_NAME = "forecast"
PROMOTION_METRIC = "backtest_poisson_deviance"


@dataclass
class TrainResult:
    run_id: str
    model_uri: str
    promotion: object
    summary: dict[str, float]
    fit_seconds: float


def _flat_params(cfg: ForecastConfig, data) -> dict[str, str]:
    params: dict[str, object] = dict(cfg.flat())
    params["holiday_country"] = cfg.country()
    params["grids"] = len(data.panel.grid_ids)
    params["hours"] = data.panel.n_hours
    params["history_start"] = str(data.panel.start)
    params["history_end"] = str(data.panel.end)
    return {k: str(v) for k, v in params.items()}


def _counts_frame(panel):
    """Calls per hour (rows) and grid (columns): what the forecaster learns from."""
    import pandas as pd

    return pd.DataFrame(panel.counts.T, columns=[str(g) for g in panel.grid_ids])


def _digest(panel) -> str:
    import hashlib

    digest = hashlib.sha256("\n".join(map(str, panel.grid_ids)).encode())
    digest.update(str(panel.start).encode())
    digest.update(np.ascontiguousarray(panel.counts).tobytes())
    return digest.hexdigest()


def run_train_forecast(
    calls: str | Path,
    cfg: ForecastConfig,
    *,
    mapping: dict[str, str] | None = None,
    grids_geojson: str | Path | None = None,
    cell_size_m: float | None = None,
    city: str | None = None,
) -> TrainResult:
    """Backtest ``cfg.model`` over rolling origins, fit it on all calls, register it as
    the forecast of ``city`` (``training.datasets``: default from the calls file)."""
    import mlflow

    from features.forecaster import Forecaster
    from training import tracking
    from training.forecast.backtest import (
        fold_cutoffs,
        metrics_table,
        run_backtest,
        summary_table,
    )
    from training.forecast.data import load_forecast_data
    from training.forecast.planner import backtest_plot, heatmap
    from training.forecast.pyfunc import log_forecast_model
    from training.forecast.rescore import rescore_champion
    from training.forecast.shift_select import attach_shift_model

    source = file_source(calls)
    log.info("loading calls from %s", calls)
    data = load_forecast_data(
        calls,
        mapping=mapping,
        timezone=cfg.timezone,
        grids_geojson=grids_geojson,
        cell_size_m=cell_size_m,
        include_patrol=cfg.include_patrol,
        count=cfg.count,
    )
    panel = data.panel
    gates.require_rows(int(panel.counts.sum()), gates.MIN_FORECAST_CALLS, "calls", str(calls))
    dataset = forecast_dataset(list(panel.grid_ids), cfg.timezone, source)
    city, why = resolve_city(MODEL_NAME, city, calls, source, dataset)
    name = model_name(MODEL_NAME, city)
    log.info("city %s (%s): registered model %s, data set %s", city, why, name, dataset)
    tracking.configure()
    with mlflow.start_run(  # open for the whole job: backtest, re-score, fit, register
        experiment_id=tracking.experiment_id(EXPERIMENT),
        run_name=tracking.run_name(EXPERIMENT, cfg.model, city),
        tags=tracking.job_tags(
            EXPERIMENT, cfg.model, city, int(panel.counts.sum()), dataset=dataset, source=source
        ),
    ) as run:
        mlflow.log_params(_flat_params(cfg, data))
        tracking.log_calls_input(
            _counts_frame(panel), name=f"calls-{city}", source=str(calls), digest=_digest(panel)
        )
        country = cfg.country()
        cutoffs = fold_cutoffs(panel.n_hours, cfg.folds, cfg.horizon)
        log.info("backtest: %s, %d folds of %d h", cfg.model, len(cutoffs), cfg.horizon)
        results = run_backtest(
            panel,
            [cfg.model],
            cutoffs,
            cfg.horizon,
            holiday_country=country,
            params={cfg.model: cfg.model_params()},
        )
        per_fold = metrics_table(results)
        summary = summary_table(results).iloc[0].to_dict()
        log.info("backtest mean Poisson deviance %.4f", summary["poisson_deviance"])
        rescore = rescore_champion(name, dataset, panel, cutoffs, cfg, summary)
        log.info("%s", rescore.note)

        log.info("fitting %s on all %d hours", cfg.model, panel.n_hours)
        started = time.perf_counter()
        forecaster = Forecaster(cfg.model, country, **cfg.model_params()).fit(panel)
        fit_seconds = time.perf_counter() - started
        attach_shift_model(forecaster, panel, results, cfg)

        for _, row in per_fold.iterrows():
            for key, value in row.items():
                if key not in ("model", "fold") and np.isfinite(value):
                    mlflow.log_metric(f"fold_{key}", float(value), step=int(row["fold"]))
        metrics = {
            f"backtest_{k}": float(v)
            for k, v in summary.items()
            if k not in ("model", "folds") and np.isfinite(v)
        }
        metrics["fit_seconds"] = fit_seconds
        metrics["dispersion_alpha"] = forecaster.alpha_
        if rescore.value is not None:
            metrics["champion_" + PROMOTION_METRIC] = rescore.value
        mlflow.log_metrics(metrics)
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            last = results[-1]
            actual = panel.counts[:, last.spec.cutoff : last.spec.cutoff + cfg.horizon]
            backtest_plot(
                actual,
                last.prediction,
                tmp_path / "backtest_last_fold.png",
                f"{cfg.model}: last backtest fold",
            )
            heatmap(
                forecaster.forecast(None, cfg.horizon),
                tmp_path / "forecast_heatmap.png",
                "next week from history end",
            )
            per_fold.to_csv(tmp_path / "backtest_folds.csv", index=False)
            (tmp_path / "config.json").write_text(cfg.model_dump_json(indent=2), encoding="utf-8")
            importance = getattr(forecaster.model_, "feature_importance", None)
            if importance is not None:
                (tmp_path / "feature_importance.json").write_text(
                    json.dumps(importance(), indent=2), encoding="utf-8"
                )
            if data.geojson:
                (tmp_path / "grids.geojson").write_text(data.geojson, encoding="utf-8")
            mlflow.log_artifacts(str(tmp_path))
        problems = gates.forecast_quality_problems(summary, cfg.model)
        gates.require_quality(problems, name, run.info.run_id)
        state = {"forecaster": forecaster, "geojson": data.geojson, "centroids": data.centroids}
        model_uri = log_forecast_model(state)
        promotion = tracking.register_and_promote(
            model_uri,
            name,
            metric=PROMOTION_METRIC,
            value=metrics[PROMOTION_METRIC],
            higher_is_better=False,
            allow_tie=False,
            tags={"model": cfg.model, "run_id": run.info.run_id, "city": city},
            champion_value=rescore.value,
            rescored=True,
            dataset=dataset,
            descriptions=(
                f"Calls per grid and hour of city {city} ({dataset}); planners get its "
                f"@champion from `jingqing forecast --city {city}` and `serve --city {city}`.",
                f"{cfg.model} on {int(panel.counts.sum()):,} calls of {calls} "
                f"({panel.start} to {panel.end}); backtest {cfg.folds} × {cfg.horizon} h; "
                f"{rescore.note}; MLflow run {run.info.run_id}",
            ),
        )
    return TrainResult(run.info.run_id, model_uri, promotion, summary, fit_seconds)
