"""Prophet per grid: the classical baseline, one independent fit per grid.

:func:`fit_prophet_grid` is a plain function over one grid's series (a task a Dask
scheduler could run); :class:`ProphetModel` maps it over the grids. Prophet cannot take a
new history at predict time, so ``fit`` stores its predictions for the window a forecast
may ask for (the last ``insample_days`` of history and ``ahead_hours`` after it); requests
outside that window raise ``UserError``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.calendar import prophet_holidays
from features.errors import UserError
from features.tasks import map_tasks
from features.timeseries import HOUR, Panel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProphetTask:
    """One grid's fit: its series, holidays and the hours to predict (local, naive)."""

    grid_id: str
    ds: pd.DatetimeIndex
    y: np.ndarray
    holidays: pd.DataFrame
    predict_ds: pd.DatetimeIndex
    yearly: bool = False


def fit_prophet_grid(task: ProphetTask) -> np.ndarray:
    """Fit Prophet on one grid and return its (non-negative) predictions."""
    import logging as _logging

    from prophet import Prophet

    _logging.getLogger("cmdstanpy").setLevel(_logging.WARNING)
    model = Prophet(
        daily_seasonality=True,
        weekly_seasonality=True,
        yearly_seasonality=task.yearly,
        holidays=task.holidays if len(task.holidays) else None,
        uncertainty_samples=0,
    )
    model.fit(pd.DataFrame({"ds": task.ds, "y": task.y}))
    pred = model.predict(pd.DataFrame({"ds": task.predict_ds}))["yhat"].to_numpy()
    return np.clip(pred, 0.0, None)


class ProphetModel:
    """Prophet fitted per grid on its hourly counts, with the holiday calendar."""

    name = "prophet"

    def __init__(
        self,
        holiday_country: str = "CN",
        history_days: int = 365,
        insample_days: int = 28,
        ahead_hours: int = 336,
    ) -> None:
        self.holiday_country = holiday_country
        self.history_days = history_days
        self.insample_days = insample_days
        self.ahead_hours = ahead_hours

    def tasks(self, panel: Panel) -> list[ProphetTask]:
        """The independent per-grid fits for ``panel``."""
        first = max(0, panel.n_hours - self.history_days * 24)
        hours = panel.hours(first)
        ds = hours.tz_localize(None)
        self.window_start_ = max(0, panel.n_hours - self.insample_days * 24)
        self.window_end_ = panel.n_hours + self.ahead_hours
        predict = panel.hours(self.window_start_, self.window_end_).tz_localize(None)
        holidays = prophet_holidays(ds.min(), predict.max(), self.holiday_country)
        yearly = len(ds) >= 2 * 365 * 24
        # a grid without a call in its history has nothing to fit: its forecast is zero (the
        # forecaster's floor), which is what Prophet would fit to it, at no cost
        self.fitted_ = panel.counts[:, first:].sum(axis=1) > 0
        return [
            ProphetTask(
                gid, ds, panel.counts[i, first:].astype(np.float64), holidays, predict, yearly
            )
            for i, gid in enumerate(panel.grid_ids)
            if self.fitted_[i]
        ]

    def fit(self, panel: Panel) -> ProphetModel:
        started = time.perf_counter()
        tasks = self.tasks(panel)
        preds = map_tasks(fit_prophet_grid, tasks, desc="prophet per grid", unit="grid")
        self.predictions_ = np.zeros((len(panel.grid_ids), self.window_end_ - self.window_start_))
        if preds:
            self.predictions_[self.fitted_] = np.vstack(preds)
        n_in = panel.n_hours - self.window_start_
        self.oof_ = (panel.counts[:, self.window_start_ :], self.predictions_[:, :n_in])
        self.fit_seconds_ = time.perf_counter() - started
        log.info(
            "prophet: %d of %d grids fitted in %.1f s (the others had no calls)",
            len(tasks),
            len(panel.grid_ids),
            self.fit_seconds_,
        )
        return self

    def predict_mean(self, history: Panel, origin: int, first: int, hours: int) -> np.ndarray:
        lo, hi = first - self.window_start_, first + hours - self.window_start_
        if lo < 0 or first + hours > self.window_end_:
            start = history.start + self.window_start_ * HOUR
            end = history.start + self.window_end_ * HOUR
            raise UserError(
                f"the prophet model can forecast hours in [{start}, {end}) only; "
                "refit it or use the lightgbm model for other starts"
            )
        return self.predictions_[:, lo:hi].copy()
