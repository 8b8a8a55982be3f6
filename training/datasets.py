"""Which data set (city) a model was trained on, so a champion is only challenged by a
model of the same city.

A forecast trained on Houston once replaced the demo city's champion because its backtest
deviance, measured on other data, was lower, and planners then got Houston's beats for
2010. The identity of a forecast's data set is its grids and its time zone: models of
different cities are never compared, the challenger stays ``@challenger`` and the command
says why.
"""

from __future__ import annotations

import hashlib

__all__ = ["DATASET_TAG", "forecast_dataset", "other_dataset_reason"]

DATASET_TAG = "dataset"


def forecast_dataset(grid_ids: list[str], timezone: str) -> str:
    """A short, stable name for the data set: ``51 grids, Asia/Shanghai, 3f9c0a1b2d``."""
    digest = hashlib.sha256("\n".join(sorted(map(str, grid_ids))).encode()).hexdigest()[:10]
    return f"{len(grid_ids)} grids, {timezone}, {digest}"


def other_dataset_reason(champion_dataset: str | None, dataset: str | None) -> str | None:
    """Why the new model must not challenge the champion, or None when it may."""
    if dataset is None or champion_dataset is None or champion_dataset == dataset:
        return None
    return (
        f"the champion was trained on another data set ({champion_dataset}; this one: "
        f"{dataset}); models of different cities are not compared"
    )
