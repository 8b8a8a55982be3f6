"""A direct model of 8-hour shift totals, blended into the shift forecast.

Planners staff shifts (00/08/16 h local), and rank grids per shift. The hourly model's
shift total is the sum of eight hourly means, each fitted to one hour's count; a model
fitted to the shift's total itself sees less noise per row. :class:`ShiftTotalModel` is a
LightGBM Poisson model whose rows are (grid, shift, origin): the hourly features
(``features.timeseries``) averaged over the shift's eight hours, the calendar and horizon
of its first hour, and the shift's total count as the target. The shift forecast blends
it with the hourly sums (``(1 - w) hourly + w direct``, per grid and whole shift), and the
hourly means of the shift are scaled to the blended total so its interval comes from the
same count distribution as before (``features.shifts``). On the Houston 2 km lattice half
and half lowered shift deviance by 0.27 % and lifted PEI (10 %) from 0.576 to 0.582
(``benchmarks/forecast/shift_ideas.py``); on the Houston beats it did not
(``training.forecast.shift_select`` chooses the weight on each city's own folds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from features.errors import UserError
from features.forecast_models import BoosterState
from features.history import HistorySums
from features.shifts import SHIFT_HOURS, shift_groups
from features.timeseries import WEEK, ForecastFeatures, Panel

KEPT_COLUMNS = ("horizon", "hour_of_day", "day_of_week", "hour_of_week")


def shift_starts(panel: Panel, first: int, last: int) -> np.ndarray:
    """Hour indexes in ``[first, last - 8]`` where a local 00/08/16 h shift begins."""
    first = max(first, 0)
    if last - first < SHIFT_HOURS:
        return np.zeros(0, dtype=np.int64)
    hours = panel.hours(first, last)
    starts = np.flatnonzero(np.asarray(hours.hour) % SHIFT_HOURS == 0) + first
    return starts[starts + SHIFT_HOURS <= last].astype(np.int64)


def shift_rows(features: ForecastFeatures, counts, g, s, o) -> np.ndarray:
    """Hourly feature rows of the shifts starting at ``s`` (8 hours each), averaged; the
    calendar and horizon of the first hour."""
    history = HistorySums(counts, getattr(features, "neighbours_", None))  # once, not 8 times
    first = features.rows(counts, g, s, o, history=history)
    total = first.astype(np.float64)
    for k in range(1, SHIFT_HOURS):
        total += features.rows(counts, g, s + k, o, history=history)
    out = (total / SHIFT_HOURS).astype(np.float32)
    names = list(features.names)
    keep = [names.index(c) for c in KEPT_COLUMNS]
    out[:, keep] = first[:, keep]
    return out


@dataclass(eq=False)
class ShiftTotalModel(BoosterState):
    """LightGBM Poisson on (grid, shift, origin) rows, target the shift's total count.

    Each grid's every shift after the first week is one row, its origin drawn uniformly
    from the week before the shift (so one model serves every horizon a week ahead). The
    last ``holdout_hours`` of shifts stop the boosting early. The trees' settings are the
    hourly model's (``LightGBMModel``).
    """

    holiday_country: str = "CN"
    seed: int = 0
    holdout_hours: int = 336
    n_estimators: int = 400
    early_stopping_rounds: int = 20
    threads: int = 2

    def _sample(self, panel: Panel, first: int, last: int, seed: int):
        rng = np.random.default_rng(seed)
        starts = shift_starts(panel, max(first, WEEK), last)
        n = len(panel.grid_ids)
        g = np.repeat(np.arange(n), len(starts))
        s = np.tile(starts, n)
        span = np.minimum(WEEK - SHIFT_HOURS, s - WEEK) + 1  # origins keep a week of history
        o = s - (rng.random(len(s)) * span).astype(np.int64)
        y = sum(panel.counts[g, s + k] for k in range(SHIFT_HOURS))
        return shift_rows(self.features_, panel.counts, g, s, o), np.asarray(y, np.float64)

    def fit(self, panel: Panel) -> ShiftTotalModel:
        from features.forecast_models import LightGBMModel, import_lightgbm

        lgb = import_lightgbm()
        self.features_ = ForecastFeatures(self.holiday_country).fit(panel)
        split = panel.n_hours - min(self.holdout_hours, panel.n_hours // 4)
        x, y = self._sample(panel, 0, split, self.seed)
        xv, yv = self._sample(panel, split, panel.n_hours, self.seed + 1)
        if len(y) == 0 or len(yv) == 0:
            raise UserError(
                f"the shift-total model needs shifts after a week of history and "
                f"{SHIFT_HOURS} held-out hours; {panel.n_hours} hours are too few"
            )
        params = LightGBMModel(seed=self.seed, threads=self.threads)._params()
        train = lgb.Dataset(x, y, params={"max_bin": 63, "verbosity": -1})
        valid = lgb.Dataset(xv, yv, reference=train)
        self.booster_ = lgb.train(
            params,
            train,
            num_boost_round=self.n_estimators,
            valid_sets=[valid],
            callbacks=[lgb.early_stopping(self.early_stopping_rounds, verbose=False)],
        )
        self.best_iteration_ = int(self.booster_.best_iteration or self.n_estimators)
        self.train_rows_ = len(y)
        return self

    def predict_totals(self, history: Panel, origin: int, starts: np.ndarray) -> np.ndarray:
        """``(grids, len(starts))`` expected totals of the shifts starting at ``starts``
        (hour indexes at or after ``origin``), from the counts before ``origin``."""
        starts = np.asarray(starts, dtype=np.int64)
        n = len(history.grid_ids)
        g = np.repeat(np.arange(n), len(starts))
        s = np.tile(starts, n)
        counts = history.counts[:, :origin]
        x = shift_rows(self.features_, counts, g, s, np.full(len(g), origin))
        mu = self.booster_.predict(x, num_iteration=self.best_iteration_)
        return np.asarray(mu, dtype=np.float64).reshape(n, len(starts))

    def blend(
        self, history: Panel, origin: int, first: int, mu: np.ndarray, weight: float
    ) -> np.ndarray:
        """Hourly means ``mu`` (``(grids, hours)`` from hour ``first``) with every whole
        shift scaled so its total is ``(1 - weight) hourly + weight direct``; hours of a
        shift cut by the window keep their hourly means."""
        mu = np.array(mu, dtype=np.float64)
        hours = history.hours(first, first + mu.shape[1])
        whole = [pos for pos in shift_groups(hours)[1] if len(pos) == SHIFT_HOURS]
        if not whole or weight <= 0:
            return mu
        direct = self.predict_totals(history, origin, np.array([first + p[0] for p in whole]))
        for k, pos in enumerate(whole):
            hourly = mu[:, pos].sum(axis=1)
            total = (1 - weight) * hourly + weight * direct[:, k]
            mu[:, pos] *= (total / np.maximum(hourly, 1e-12))[:, None]
        return mu
