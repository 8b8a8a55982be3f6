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
from features.tasks import map_tasks
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


def day_type_hour(panel: Panel, first: int, last: int) -> np.ndarray:
    """0-23 for weekday hours, 24-47 for weekend hours (the rhythm a grid keeps)."""
    hours = panel.hours(first, last)
    return np.asarray((hours.dayofweek >= 5) * DAY + hours.hour, dtype=np.int64)


class GridRhythm(LevelShape):
    """Level × city shape × the grid's own weekday/weekend hour-of-day rhythm, shrunk.

    The grid's rhythm is its observed calls per (day type, hour) over those expected from its
    level and the city's shape, with ``prior`` expected calls of pseudo-evidence for the
    city's rhythm (empirical-Bayes shrinkage: a sparse grid keeps the city's rhythm, a busy
    one earns its own). On Houston beats and the 2 km lattice it won over level-shape by
    0.5 % of deviance in the experiments (``benchmarks/forecast/ideas.py``).
    """

    name = "grid-rhythm"

    def __init__(self, weeks: int = LEVEL_WEEKS, prior: float = 20.0) -> None:
        super().__init__(weeks)
        self.prior = prior

    def rhythm(self, history: Panel, origin: int) -> np.ndarray:
        """``(grids, 48)`` shrunk ratios of observed to expected calls per day type × hour."""
        counts = history.counts[:, :origin].astype(np.float64)
        shape = city_shape(history, origin)[hour_of_week(history, 0, origin)]
        expected = counts.mean(axis=1, keepdims=True) * shape[None, :]
        slot = day_type_hour(history, 0, origin)
        obs = np.stack([np.bincount(slot, row, minlength=2 * DAY) for row in counts])
        exp = np.stack([np.bincount(slot, row, minlength=2 * DAY) for row in expected])
        return (obs + self.prior) / (exp + self.prior)

    def predict_mean(self, history: Panel, origin: int, first: int, hours: int) -> np.ndarray:
        base = super().predict_mean(history, origin, first, hours)
        slot = day_type_hour(history, first, first + hours)
        return base * self.rhythm(history, origin)[:, slot]


@dataclass(frozen=True)
class ClassicalTask:
    """One grid's fit: the recent history and how far ahead to forecast."""

    y: np.ndarray
    horizon: int
    method: str


def fit_classical_grid(task: ClassicalTask) -> tuple[np.ndarray, np.ndarray]:
    """statsforecast fit of one grid: (forecast, in-sample fitted values).

    A plain function over one task, so a scheduler can map it over grids.
    """
    if not np.any(task.y > 0):
        return np.zeros(task.horizon), np.zeros(len(task.y))
    models = _statsforecast_models()
    if task.method == "mstl":
        trend = models.AutoETS(model="ZZN")
        model = models.MSTL(season_length=[DAY, WEEK], trend_forecaster=trend)
    else:
        model = models.AutoETS(season_length=DAY, model="ZZA")
    out = model.forecast(y=task.y.astype(np.float64), h=task.horizon, fitted=True)
    return _counts(out["mean"]), _counts(out["fitted"])


def _counts(values) -> np.ndarray:
    return np.clip(np.nan_to_num(np.asarray(values, dtype=np.float64)), 0.0, None)


def _statsforecast_models():
    try:
        from statsforecast import models
    except ImportError:
        raise UserError(
            "the mstl and ets models need statsforecast: pip install 'jingqing[classical]'"
        ) from None
    return models


class ClassicalModel:
    """statsforecast MSTL or AutoETS per grid on the last ``weeks`` weeks before the origin.

    ``fit`` already forecasts the week after the panel (the usual next call) and keeps the
    in-sample fit of the last week as ``oof_`` for the dispersion, so a backtest fold costs
    one statsforecast fit per grid instead of three. In-sample residuals understate the
    spread a little; the backtests' coverage shows by how much.
    """

    def __init__(self, method: str = "mstl", weeks: int = LEVEL_WEEKS) -> None:
        if method not in ("mstl", "ets"):
            raise UserError(f"unknown classical model {method!r}; choose mstl or ets")
        self.method = method
        self.name = method
        self.weeks = weeks

    def _window(self, history: Panel, origin: int) -> np.ndarray:
        return history.counts[:, max(0, origin - self.weeks * WEEK) : origin]

    def _run(self, window: np.ndarray, ahead: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """One fit per grid (Dask tasks under ``--scheduler``)."""
        tasks = [ClassicalTask(row, ahead, self.method) for row in window]
        return map_tasks(fit_classical_grid, tasks)

    def fit(self, panel: Panel) -> ClassicalModel:
        window = self._window(panel, panel.n_hours)
        fits = self._run(window, WEEK)
        self.cached_ = (panel.n_hours, window.copy(), np.stack([f for f, _ in fits]))
        fitted = np.stack([f[-WEEK:] for _, f in fits])
        self.oof_ = (window[:, -WEEK:], fitted)
        return self

    def predict_mean(self, history: Panel, origin: int, first: int, hours: int) -> np.ndarray:
        ahead = first + hours - origin
        window = self._window(history, origin)
        cached_origin, cached_window, forecast = getattr(self, "cached_", (None, None, None))
        if (
            cached_origin == origin
            and ahead <= forecast.shape[1]
            and np.array_equal(cached_window, window)
        ):
            return forecast[:, first - origin : first - origin + hours]
        means = np.stack([f for f, _ in self._run(window, ahead)])
        return means[:, -hours:]
