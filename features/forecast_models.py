"""Mean models: baselines and the global LightGBM model.

Every model answers ``predict_mean(history, origin, first, hours)`` with a ``(grids,
hours)`` array of expected calls for hours ``[first, first + hours)`` using only
``history`` (a panel that ends at ``origin``). ``oof_`` holds out-of-fold ``(y, mu)``
pairs after ``fit`` when the model makes its own (LightGBM), for the dispersion fit.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Literal

import numpy as np

from features.errors import UserError
from features.timeseries import (
    CATEGORICAL_FEATURES,
    DAY,
    WEEK,
    ForecastFeatures,
    Panel,
    forecast_rows,
    gather_before,
)

log = logging.getLogger(__name__)


def import_lightgbm():
    """Import LightGBM with OpenMP threads that sleep instead of spin when idle.

    On a shared machine (the 2-core CI box, a laptop running the service) spinning OpenMP
    workers made training 20x slower in our measurements; the policy must be set before
    the OpenMP runtime loads, i.e. before the first ``import lightgbm``.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import lightgbm

    return lightgbm


class SeasonalNaive:
    """Same hour last week (the latest same hour-of-week before the origin)."""

    name = "seasonal-naive"
    oof_: tuple[np.ndarray, np.ndarray] | None = None

    def fit(self, panel: Panel) -> SeasonalNaive:
        return self

    def predict_mean(self, history: Panel, origin: int, first: int, hours: int) -> np.ndarray:
        g, t, o = forecast_rows(len(history.grid_ids), origin, first, hours)
        back = -(-(t - o + 1) // WEEK) * WEEK
        mu = gather_before(history.counts, g, t - back, o)
        return np.nan_to_num(mu, nan=0.0).reshape(-1, hours)


class HowMean:
    """Historical mean of each grid's hour of week, over all history before the origin."""

    name = "how-mean"
    oof_: tuple[np.ndarray, np.ndarray] | None = None

    def fit(self, panel: Panel) -> HowMean:
        return self

    def predict_mean(self, history: Panel, origin: int, first: int, hours: int) -> np.ndarray:
        g, t, o = forecast_rows(len(history.grid_ids), origin, first, hours)
        back = -(-(t - o + 1) // WEEK) * WEEK
        total = np.zeros(len(t), dtype=np.float64)
        seen = np.zeros(len(t), dtype=np.float64)
        for k in range(origin // WEEK + 2):
            v = gather_before(history.counts, g, t - back - k * WEEK, o)
            ok = ~np.isnan(v)
            total[ok] += v[ok]
            seen += ok
        mu = np.where(seen > 0, total / np.maximum(seen, 1), 0.0)
        return mu.reshape(-1, hours)


class _Progress:
    """LightGBM callback that shows progress (one tick per boosting round)."""

    def __init__(self, total: int, desc: str) -> None:
        from features.progress import Progress

        self.bar = Progress(total, desc, "tree", leave=False)

    def __call__(self, env) -> None:
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


class BoosterState:
    """Pickles a fitted LightGBM ``booster_`` as its model text (a booster does not pickle)."""

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        if "booster_" in state:
            state["booster_"] = state["booster_"].model_to_string()
        return state

    def __setstate__(self, state: dict) -> None:
        lgb = import_lightgbm()

        if isinstance(state.get("booster_"), str):
            state["booster_"] = lgb.Booster(model_str=state["booster_"])
        self.__dict__.update(state)


class LightGBMModel(BoosterState):
    """One global gradient-boosted model over all grids with a count objective.

    Direct multi-horizon: each training row is (grid, target hour, origin) with a random
    horizon 1-168 h and features that exist at the origin (see ``features.timeseries``).
    The last ``holdout_hours`` of targets are held out for early stopping and for the
    out-of-fold residuals the interval dispersion is fitted on. With ``refit`` the model is
    then retrained on all targets with the chosen number of trees; off by default, as it
    doubled fit time without a measurable gain in backtests (the held-out weeks still feed
    every lag and rolling feature at predict time). ``rhythm_weight`` blends the mean with
    grid-rhythm's (``(1 - w) lightgbm + w grid-rhythm``): 0.4, the weight that was best on
    the selection folds (the four weeks before those the benchmark reports) of Houston
    beats (0.4) and of the simulated city over three seeds (0.3-0.5), see
    ``benchmarks/forecast/headroom.py`` and ``lightgbm_settings.py``. Averaging also narrows
    the spread across seeds (0.27 % of deviance instead of 0.47 % over three seeds there).
    Early stopping waits 10 rounds without gain (20 before): on the selection folds it kept
    the same trees, and the fit costs about 15 % less CPU (``benchmarks/forecast/run.py
    --sections timing``).

    ``engine``: ``memory`` builds a sample of at most ``max_train_rows`` rows as one matrix;
    ``sequence`` builds every row out of core and ``dask`` trains on the active
    ``--scheduler`` cluster (:mod:`features.forecast_scale`); ``auto`` is ``dask`` under
    ``--scheduler``, else ``memory``.
    """

    name = "lightgbm"

    def __init__(
        self,
        holiday_country: str = "CN",
        objective: str = "poisson",
        n_estimators: int = 400,
        learning_rate: float = 0.2,
        num_leaves: int = 31,
        min_data_in_leaf: int = 100,
        samples_per_hour: float = 0.5,
        early_stopping_rounds: int = 10,
        max_train_rows: int = 3_000_000,
        holdout_hours: int = 336,
        refit: bool = False,
        use_grid_id: bool = True,
        threads: int = 2,
        seed: int = 0,
        rhythm_weight: float = 0.4,
        engine: Literal["auto", "memory", "sequence"] = "auto",
    ) -> None:
        self.holiday_country = holiday_country
        self.objective = objective
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_data_in_leaf = min_data_in_leaf
        self.samples_per_hour = samples_per_hour
        self.early_stopping_rounds = early_stopping_rounds
        self.max_train_rows = max_train_rows
        self.holdout_hours = holdout_hours
        self.refit = refit
        self.use_grid_id = use_grid_id
        self.threads = threads
        self.seed = seed
        if not 0.0 <= rhythm_weight <= 1.0:
            raise UserError(f"rhythm_weight must be between 0 and 1, got {rhythm_weight}")
        self.rhythm_weight = rhythm_weight
        self.engine = engine

    def _params(self) -> dict:
        params = {
            "objective": self.objective,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_data_in_leaf,
            "feature_fraction": 0.9,
            "bagging_fraction": 0.8,
            "bagging_freq": 1,
            "lambda_l2": 1.0,
            "max_bin": 63,
            "num_threads": self.threads,
            "seed": self.seed,
            "deterministic": True,
            "force_row_wise": True,
            "verbosity": -1,
        }
        if self.objective == "tweedie":
            params["tweedie_variance_power"] = 1.2
        return params

    def _dataset(self, x: np.ndarray, y: np.ndarray, reference=None):
        lgb = import_lightgbm()

        names = list(self.features_.names)
        cats = [names.index(c) for c in CATEGORICAL_FEATURES]
        if not self.use_grid_id:
            cats = [names.index("kind_code")]
            if isinstance(x, np.ndarray):  # row sequences hide the grid themselves
                x = x.copy()
                x[:, names.index("grid_code")] = np.nan
        return lgb.Dataset(
            x,
            y,
            feature_name=names,
            categorical_feature=cats,
            reference=reference,
            free_raw_data=True,
            params={"max_bin": 63, "bin_construct_sample_cnt": 50_000, "verbosity": -1},
        )

    def _matrix(self, counts, first, last, samples, max_rows, seed):
        g, t, o = self.features_.training_rows(
            counts,
            first_target=first,
            last_target=last,
            samples_per_hour=samples,
            max_rows=max_rows,
            seed=seed,
        )
        return self.features_.rows(counts, g, t, o), counts[g, t]

    def split(self, n_hours: int) -> int:
        """First held-out target hour: the last ``holdout_hours`` (at most a quarter)."""
        holdout = min(self.holdout_hours, n_hours // 4)  # short histories keep 3/4 to train
        split = n_hours - holdout
        if split < WEEK + DAY:
            raise UserError(
                f"LightGBM needs at least {(WEEK + DAY) * 4 // 3 // 24 + 1} days of history, "
                f"got {n_hours} hours"
            )
        return split

    def _training_set(self, counts: np.ndarray, last: int):
        """(Dataset, rows) of the targets before ``last``: a matrix, or built out of core."""
        from features.forecast_scale import resolve_engine, sequence_dataset

        if resolve_engine(self.engine) == "sequence":
            return sequence_dataset(self, counts, last)
        x, y = self._matrix(counts, 0, last, self.samples_per_hour, self.max_train_rows, self.seed)
        return self._dataset(x, y), len(y)

    def fit(self, panel: Panel) -> LightGBMModel:
        from features.forecast_scale import fit_on_dask, resolve_engine

        if resolve_engine(self.engine) == "dask":
            return fit_on_dask(self, panel)
        lgb = import_lightgbm()

        started = time.perf_counter()
        self.features_ = ForecastFeatures(self.holiday_country).fit(panel)
        counts = panel.counts
        n_hours = panel.n_hours
        split = self.split(n_hours)
        train, self.train_rows_ = self._training_set(counts, split)
        xv, yv = self._matrix(counts, split, n_hours, 1, self.max_train_rows // 8, self.seed + 1)
        log.info("lightgbm: %d training rows, %d held-out rows", self.train_rows_, len(yv))
        valid = self._dataset(xv, yv, reference=train)
        bar = _Progress(self.n_estimators, "lightgbm (holdout)")
        booster = lgb.train(
            self._params(),
            train,
            num_boost_round=self.n_estimators,
            valid_sets=[valid],
            callbacks=[lgb.early_stopping(self.early_stopping_rounds, verbose=False), bar],
        )
        bar.close()
        self.best_iteration_ = int(booster.best_iteration or self.n_estimators)
        self.oof_ = (yv, booster.predict(xv, num_iteration=self.best_iteration_))
        if self.refit:
            del train, valid
            bar = _Progress(self.best_iteration_, "lightgbm (all data)")
            booster = lgb.train(
                self._params(),
                self._training_set(counts, n_hours)[0],
                num_boost_round=self.best_iteration_,
                callbacks=[bar],
            )
            bar.close()
        self.booster_ = booster
        self.fit_seconds_ = time.perf_counter() - started
        log.info("lightgbm: %d trees, fitted in %.1f s", self.best_iteration_, self.fit_seconds_)
        return self

    def predict_mean(self, history: Panel, origin: int, first: int, hours: int) -> np.ndarray:
        g, t, o = forecast_rows(len(history.grid_ids), origin, first, hours)
        x = self.features_.rows(history.counts[:, :origin], g, t, o)
        if not self.use_grid_id:
            x[:, list(self.features_.names).index("grid_code")] = np.nan
        mu = self.booster_.predict(x, num_iteration=self.best_iteration_)
        mu = np.asarray(mu, dtype=np.float64).reshape(-1, hours)
        weight = getattr(self, "rhythm_weight", 0.0)  # models pickled before the blend: 0
        if weight > 0:
            from features.baselines import GridRhythm

            rhythm = GridRhythm().predict_mean(history, origin, first, hours)
            mu = (1 - weight) * mu + weight * rhythm
        return mu

    def feature_importance(self) -> dict[str, float]:
        gain = self.booster_.feature_importance(importance_type="gain")
        return dict(zip(self.features_.names, (float(v) for v in gain), strict=True))
