"""The references a crime analyst or a forecaster would pick, as mean models.

Every model answers ``predict_mean(history, origin, first, hours)`` like the others in the
forecaster: a ``(grids, hours)`` array of expected calls for hours ``[first, first + hours)``
from a panel that ends at ``origin``.

- :class:`LevelShape`: each grid's mean over the last 8 weeks times the city-wide
  hour-of-week shape (the analyst's spreadsheet model; on sparse real counts it is hard to
  beat).
- :class:`ClassicalModel`: statsforecast's MSTL (daily + weekly seasonality, ETS trend) or
  AutoETS fitted per grid, the classical forecaster's pick. statsforecast is an optional
  extra (``pip install 'jingqing[classical]'``) because it caps pandas below 3.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from features.errors import UserError
from features.timeseries import DAY, WEEK, Panel

LEVEL_WEEKS = 8


def hour_of_week(panel: Panel, first: int, last: int) -> np.ndarray:
    """Local hour of week (Monday 00 h = 0) of panel hours ``[first, last)``."""
    hours = panel.hours(first, last)
    return np.asarray(hours.dayofweek * DAY + hours.hour, dtype=np.int64)


def city_shape(history: Panel, origin: int) -> np.ndarray:
    """City-wide calls per hour of week over all history before ``origin``, mean 1."""
    how = hour_of_week(history, 0, origin)
    total = history.counts[:, :origin].sum(axis=0, dtype=np.float64)
    seen = np.bincount(how, minlength=WEEK)
    shape = np.bincount(how, total, minlength=WEEK) / np.maximum(seen, 1)
    mean = shape[seen > 0].mean() if (seen > 0).any() else 0.0
    return np.where(seen > 0, shape / mean, 1.0) if mean > 0 else np.ones(WEEK)


class LevelShape:
    """Grid level over the last ``weeks`` weeks × the city's hour-of-week shape."""

    name = "level-shape"
    oof_: tuple[np.ndarray, np.ndarray] | None = None

    def __init__(self, weeks: int = LEVEL_WEEKS) -> None:
        self.weeks = weeks

    def fit(self, panel: Panel) -> LevelShape:
        return self

    def predict_mean(self, history: Panel, origin: int, first: int, hours: int) -> np.ndarray:
        lo = max(0, origin - self.weeks * WEEK)
        level = history.counts[:, lo:origin].mean(axis=1, dtype=np.float64)
        shape = city_shape(history, origin)[hour_of_week(history, first, first + hours)]
        return level[:, None] * shape[None, :]


@dataclass(frozen=True)
class ClassicalTask:
    """One grid's fit: the recent history and how far ahead to forecast."""

    y: np.ndarray
    horizon: int
    method: str


def fit_classical_grid(task: ClassicalTask) -> np.ndarray:
    """statsforecast fit + forecast of one grid (a plain function, so it maps over tasks)."""
    if not np.any(task.y > 0):
        return np.zeros(task.horizon)
    models = _statsforecast_models()
    if task.method == "mstl":
        model = models.MSTL(
            season_length=[DAY, WEEK], trend_forecaster=models.AutoETS(model="ZZN")
        )
    else:
        model = models.AutoETS(season_length=DAY, model="ZZA")
    mean = model.forecast(y=task.y.astype(np.float64), h=task.horizon)["mean"]
    return np.clip(np.nan_to_num(np.asarray(mean, dtype=np.float64)), 0.0, None)


def _statsforecast_models():
    try:
        from statsforecast import models
    except ImportError:
        raise UserError(
            "the mstl and ets models need statsforecast: pip install 'jingqing[classical]'"
        ) from None
    return models


class ClassicalModel:
    """statsforecast MSTL or AutoETS per grid on the last ``weeks`` weeks before the origin."""

    oof_: tuple[np.ndarray, np.ndarray] | None = None

    def __init__(self, method: str = "mstl", weeks: int = LEVEL_WEEKS) -> None:
        if method not in ("mstl", "ets"):
            raise UserError(f"unknown classical model {method!r}; choose mstl or ets")
        self.method = method
        self.name = method
        self.weeks = weeks

    def fit(self, panel: Panel) -> ClassicalModel:
        _statsforecast_models()
        return self

    def tasks(self, history: Panel, origin: int, first: int, hours: int) -> list[ClassicalTask]:
        lo = max(0, origin - self.weeks * WEEK)
        ahead = first + hours - origin
        return [ClassicalTask(row, ahead, self.method) for row in history.counts[:, lo:origin]]

    def predict_mean(self, history: Panel, origin: int, first: int, hours: int) -> np.ndarray:
        means = [fit_classical_grid(t) for t in self.tasks(history, origin, first, hours)]
        return np.stack(means)[:, -hours:]
