"""The forecast champion re-scored on the challenger's backtest folds.

A deviance stored when the champion was promoted came from other folds (an older export,
another horizon), so it is never compared with a new one. The champion's own recipe — its
model and hyper-parameters, from the ``config.json`` of its run — is backtested on the
challenger's panel and cutoffs instead, and promotion compares the two on the same hours.
When the recipe is the challenger's own, the challenger's figures are the champion's (the
same fits on the same folds) and nothing is refitted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from training.forecast.config import ForecastConfig

log = logging.getLogger(__name__)

METRIC = "poisson_deviance"


@dataclass(frozen=True)
class Rescore:
    """The champion's deviance on the challenger's folds (None: nothing to compare)."""

    value: float | None
    note: str
    version: str | None = None


def champion_config(version) -> ForecastConfig | None:
    """The configuration the champion was trained with, or None when it cannot be read."""
    import mlflow

    run_id = version.tags.get("run_id") or version.run_id
    try:
        text = mlflow.artifacts.load_text(f"runs:/{run_id}/config.json")
        return ForecastConfig.model_validate_json(text)
    except Exception as exc:  # a champion without its config is compared with nothing
        log.warning("config of champion v%s unreadable: %s", version.version, exc)
        return None


def rescore_champion(
    name: str,
    dataset: str,
    panel,
    cutoffs: list[int],
    cfg: ForecastConfig,
    own_summary: dict[str, float],
) -> Rescore:
    """Backtest ``name@champion``'s recipe on ``cutoffs`` of ``panel`` (the challenger's).

    Nothing is refitted when there is no champion, when it belongs to another data set
    (promotion blocks that) or when its recipe is the challenger's.
    """
    from training import tracking
    from training.datasets import DATASET_TAG, other_dataset_reason
    from training.forecast.backtest import run_backtest, summary_table

    tracking.configure()
    current = tracking.champion_version(name)
    if current is None:
        return Rescore(None, "no champion yet")
    version = str(current.version)
    if other_dataset_reason(current.tags.get(DATASET_TAG), dataset):
        return Rescore(None, f"champion v{version} is of another data set", version)
    recipe = champion_config(current)
    if recipe is None:
        return Rescore(None, f"champion v{version} could not be re-scored (no config)", version)
    folds = f"the same {len(cutoffs)} folds × {cfg.horizon} h"
    same = (
        recipe.model == cfg.model
        and recipe.model_params() == cfg.model_params()
        and recipe.country() == cfg.country()
    )
    if same:
        note = f"champion v{version} ({recipe.model}, same settings) scored on {folds}"
        return Rescore(float(own_summary[METRIC]), note, version)
    log.info("re-scoring champion v%s (%s) on %s", version, recipe.model, folds)
    try:
        results = run_backtest(
            panel,
            [recipe.model],
            cutoffs,
            cfg.horizon,
            holiday_country=cfg.country(),
            params={recipe.model: recipe.model_params()},
        )
        value = float(summary_table(results).iloc[0][METRIC])
    except Exception as exc:  # e.g. a model whose optional library is not installed
        log.warning("champion v%s could not be re-scored: %s", version, exc)
        return Rescore(
            None,
            f"champion v{version} could not be re-scored ({exc.__class__.__name__})",
            version,
        )
    return Rescore(value, f"champion v{version} ({recipe.model}) re-scored on {folds}", version)
