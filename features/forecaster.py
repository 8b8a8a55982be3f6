"""A mean model plus its count distribution plus the history it forecasts from.

:class:`Forecaster` is what gets pickled into the MLflow pyfunc: it embeds the hourly
panel it was trained on, so ``forecast(start, hours)`` recomputes every feature from that
history through the same code path used in training and backtests.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.baselines import ClassicalModel, GridRhythm, LevelShape
from features.contract import FORECAST_MODELS, MAX_HOURS
from features.errors import UserError
from features.forecast_models import HowMean, LightGBMModel, SeasonalNaive
from features.intervals import fit_dispersion, quantiles
from features.prophet_model import ProphetModel
from features.shifts import forecast_shifts, shift_totals
from features.timeseries import DAY, HOUR, WEEK, Panel

log = logging.getLogger(__name__)

MODELS = FORECAST_MODELS
MIN_HISTORY_HOURS = WEEK  # a forecast needs at least one week of history before its start
FLOOR_SHARE = 0.05  # a mean never drops below 5% of the grid's last-28-day hourly mean
FLOOR_MIN = 1e-3
OUTPUT_COLUMNS = ("grid_id", "hour", "mean", "p10", "p50", "p90")


def make_model(name: str, holiday_country: str = "CN", **params):
    """Build a mean model by its command-line name."""
    if name == "lightgbm":
        return LightGBMModel(holiday_country=holiday_country, **params)
    if name == "prophet":
        return ProphetModel(holiday_country=holiday_country, **params)
    if name == "seasonal-naive":
        return SeasonalNaive()
    if name == "how-mean":
        return HowMean()
    if name == "level-shape":
        return LevelShape(**params)
    if name == "grid-rhythm":
        return GridRhythm(**params)
    if name in ("mstl", "ets"):
        return ClassicalModel(name, **params)
    raise UserError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")


def mean_floor(history: Panel, origin: int) -> np.ndarray:
    """Per-grid lower bound for means: a zero mean makes every later call infinitely
    surprising (infinite deviance), which no planner's forecast should claim."""
    lo = max(0, origin - 28 * DAY)
    recent = history.counts[:, lo:origin]
    level = recent.mean(axis=1) if recent.shape[1] else np.zeros(len(history.grid_ids))
    return np.maximum(FLOOR_SHARE * level, FLOOR_MIN)


@dataclass
class Prediction:
    """Forecast for every grid × hour from one origin; arrays are ``(grids, hours)``."""

    grid_ids: list[str]
    hours: pd.DatetimeIndex
    mean: np.ndarray
    p10: np.ndarray
    p50: np.ndarray
    p90: np.ndarray
    alpha: float

    def frame(self, model: str | None = None) -> pd.DataFrame:
        n_hours = len(self.hours)
        out = {
            "grid_id": np.repeat(np.asarray(self.grid_ids, dtype=object), n_hours),
            "hour": np.tile(self.hours, len(self.grid_ids)),
        }
        if model is not None:
            out["model"] = model
        for name in ("mean", "p10", "p50", "p90"):
            out[name] = getattr(self, name).reshape(-1)
        return pd.DataFrame(out)


class Forecaster:
    """Fit a mean model, calibrate its dispersion, and forecast from embedded history."""

    def __init__(self, model_name: str = "lightgbm", holiday_country: str = "CN", **params):
        self.model_name = model_name
        self.holiday_country = holiday_country
        self.params = params

    def fit(self, panel: Panel) -> Forecaster:
        if panel.n_hours < MIN_HISTORY_HOURS + WEEK:
            raise UserError(
                f"only {panel.n_hours} hours of calls; forecasting needs at least "
                f"{(MIN_HISTORY_HOURS + WEEK) // 24} days"
            )
        self.model_ = make_model(self.model_name, self.holiday_country, **self.params)
        self.model_.fit(panel)
        y, mu = self._out_of_fold(panel)
        self.alpha_ = fit_dispersion(y, mu)
        log.info(
            "%s: dispersion alpha=%.4f from %d out-of-fold rows",
            self.model_name,
            self.alpha_,
            np.size(y),
        )
        self.panel_ = panel
        return self

    def _out_of_fold(self, panel: Panel) -> tuple[np.ndarray, np.ndarray]:
        """Residual pairs for the dispersion: the model's own, else two pseudo-origins."""
        oof = getattr(self.model_, "oof_", None)
        if oof is not None:
            return oof
        ys, mus = [], []
        for back in (2 * WEEK, WEEK):
            origin = panel.n_hours - back
            if origin < MIN_HISTORY_HOURS:
                continue
            hist = panel.truncate(origin)
            mu = self.model_.predict_mean(hist, origin, origin, WEEK)
            ys.append(panel.counts[:, origin : origin + WEEK])
            mus.append(np.maximum(mu, mean_floor(hist, origin)[:, None]))
        return np.concatenate(ys, axis=1), np.concatenate(mus, axis=1)

    # -- forecasting --------------------------------------------------------------------
    @property
    def history_end(self) -> pd.Timestamp:
        """First hour after the embedded history."""
        return self.panel_.end

    @property
    def grid_ids(self) -> list[str]:
        return list(self.panel_.grid_ids)

    @property
    def timezone(self) -> str:
        """The local time zone the model was trained in; naive times are read in it."""
        return str(self.panel_.start.tz)

    def window(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """(earliest start, latest end) :meth:`forecast` answers, in the model's time zone:
        a week after the history starts, to ``MAX_HOURS`` past a start ``MAX_HOURS`` after
        the history ends."""
        panel = self.panel_
        return panel.start + MIN_HISTORY_HOURS * HOUR, panel.end + 2 * MAX_HOURS * HOUR

    def forecast_shifts(
        self, start: str | pd.Timestamp | None, hours: int, grid_ids: list[str] | None = None
    ) -> pd.DataFrame:
        """Per grid and 8-hour shift: ``mean, p10, p50, p90`` of the total (``by=shift``),
        from :meth:`shift_hours`."""
        if not getattr(self, "shift_weight_", 0.0):  # forecasters pickled before: none
            return forecast_shifts(self, start, hours, grid_ids)
        self._check_grids(grid_ids)
        frame = self.shift_hours(start, hours)
        grids = self.grid_ids
        stamps = pd.DatetimeIndex(frame["hour"].iloc[: len(frame) // len(grids)])
        mu = frame["mean"].to_numpy(dtype=np.float64).reshape(len(grids), len(stamps))
        out = shift_totals(grids, stamps, mu, float(self.alpha_))
        if grid_ids:
            out = out[out["grid_id"].isin([str(g) for g in grid_ids])].reset_index(drop=True)
        return out

    def shift_hours(
        self, start: str | pd.Timestamp | None, hours: int, grid_ids: list[str] | None = None
    ) -> pd.DataFrame:
        """:meth:`forecast`'s rows with the hours of every whole shift scaled to the shift
        forecast's total: with a shift-total model attached (``shift_model_``,
        ``shift_weight_``, chosen by ``training.forecast.shift_select``) that total is its
        blend with the hourly sum (``features.shift_model``); without one, the rows are
        :meth:`forecast`'s. What shift totals and the monitor's shift errors are made of."""
        weight = getattr(self, "shift_weight_", 0.0)
        if not weight:
            return self.forecast(start, hours, grid_ids)
        self._check_grids(grid_ids)
        frame = self.forecast(start, hours)
        n_hours = len(frame) // len(self.grid_ids)
        stamps = pd.DatetimeIndex(frame["hour"].iloc[:n_hours])
        mu = frame["mean"].to_numpy(dtype=np.float64).reshape(len(self.grid_ids), n_hours)
        first = self.panel_.index_of(stamps[0])
        origin = min(first, self.panel_.n_hours)
        mu = self.shift_model_.blend(self.panel_.truncate(origin), origin, first, mu, weight)
        frame["mean"] = mu.reshape(-1)
        for name, values in zip(("p10", "p50", "p90"), quantiles(mu, self.alpha_), strict=True):
            frame[name] = values.reshape(-1)
        if grid_ids:
            frame = frame[frame["grid_id"].isin([str(g) for g in grid_ids])]
        return frame.reset_index(drop=True)

    def _check_grids(self, grid_ids: list[str] | None) -> None:
        unknown = sorted({str(g) for g in grid_ids or ()} - set(self.panel_.grid_ids))
        if unknown:
            shown = ", ".join(unknown[:5])
            raise UserError(f"unknown grid_ids: {shown} ({len(unknown)} unknown)")

    def predict_from(self, history: Panel, origin: int, first: int, hours: int) -> Prediction:
        """Forecast hours ``[first, first + hours)`` using ``history`` before ``origin``."""
        history = history.truncate(origin)
        mu = self.model_.predict_mean(history, origin, first, hours)
        mu = np.maximum(np.nan_to_num(mu, nan=0.0), mean_floor(history, origin)[:, None])
        p10, p50, p90 = quantiles(mu, self.alpha_)
        return Prediction(
            list(history.grid_ids),
            history.hours(first, first + hours),
            mu,
            p10,
            p50,
            p90,
            self.alpha_,
        )

    def forecast(
        self, start: str | pd.Timestamp | None, hours: int, grid_ids: list[str] | None = None
    ) -> pd.DataFrame:
        """``grid_id, hour, mean, p10, p50, p90`` for ``hours`` hours from ``start``.

        ``start`` defaults to ``history_end``. A start inside the history forecasts as of
        that hour (only earlier calls are used); a start after ``history_end`` (at most
        168 h) forecasts from ``history_end`` with the longer horizons that implies.
        """
        panel = self.panel_
        try:
            hours = int(hours)
        except (TypeError, ValueError):
            raise UserError(f"hours must be an integer 1-{MAX_HOURS}, got {hours!r}") from None
        if not 1 <= hours <= MAX_HOURS:
            raise UserError(f"hours must be between 1 and {MAX_HOURS}, got {hours}")
        if start is None or (isinstance(start, str) and not start.strip()):
            first = panel.n_hours
        else:
            try:
                first = panel.index_of(start)
            except (ValueError, TypeError) as exc:
                raise UserError(f"start {start!r} is not a time: {exc}") from None
        earliest = panel.start + MIN_HISTORY_HOURS * HOUR
        latest = panel.end + MAX_HOURS * HOUR
        if first < MIN_HISTORY_HOURS:
            raise UserError(
                f"start {start} is before {earliest}: the model needs a week of history "
                f"(its history covers {panel.start} to {panel.end})"
            )
        if first > panel.n_hours + MAX_HOURS:
            raise UserError(
                f"start {start} is more than {MAX_HOURS} h after the model's history ends "
                f"({panel.end}); the latest start is {latest}. Retrain on newer calls."
            )
        origin = min(first, panel.n_hours)
        pred = self.predict_from(panel, origin, first, hours)
        frame = pred.frame()
        if grid_ids:
            self._check_grids(grid_ids)
            wanted = [str(g) for g in grid_ids]
            frame = frame[frame["grid_id"].isin(wanted)].reset_index(drop=True)
        return frame[list(OUTPUT_COLUMNS)]
