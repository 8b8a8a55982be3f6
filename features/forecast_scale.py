"""The global LightGBM forecaster on every grid-hour: rows built out of core, or on Dask.

Two engines beside the in-memory sample (``LightGBMModel(engine=...)``):

* ``sequence`` (one process): the training rows are handed to LightGBM as
  :class:`FeatureRows`, an ``lgb.Sequence`` that builds feature rows batch by batch with
  the one row builder (``ForecastFeatures.rows``) from the panel's running sums. LightGBM
  bins each batch into its ``Dataset`` and drops it, so the float matrix of all rows never
  exists: memory is the panel, its sums, the binned rows (one byte per feature) and one
  batch. Same rows as the in-memory fit without its ``max_train_rows`` cap; where there are
  fewer rows than LightGBM's bin sample (50,000) the trees are the same too (tested).
* ``dask`` (``auto`` under ``--scheduler``): ``lightgbm.dask.DaskLGBMRegressor`` over a
  Dask array of row partitions, each built on a worker from the panel (sent to every
  worker once) by the same row builder; a partition interleaves grids and hours
  (:func:`interleaved_rows`). LightGBM's Dask interface has no
  early stopping, so it trains ``n_estimators`` trees and the number kept is the one with
  the lowest Poisson loss on the held-out weeks, computed here; distributed training is
  not bit-identical to one process (LightGBM syncs histograms over its own network).
"""

from __future__ import annotations

import logging
import math
import time
import warnings

import numpy as np

from features.errors import UserError
from features.forecast_models import import_lightgbm
from features.history import HistorySums
from features.tasks import active_client
from features.timeseries import CATEGORICAL_FEATURES, WEEK, ForecastFeatures, Panel

__all__ = ["FeatureRows", "fit_on_dask", "resolve_engine", "sequence_dataset"]

log = logging.getLogger(__name__)
lgb = import_lightgbm()

ENGINES = ("auto", "memory", "sequence")
BATCH_ROWS = 262_144  # rows per batch pushed into LightGBM's Dataset (~30 MB of floats)
PARTITION_ROWS = 1_000_000  # about this many rows per Dask partition (one grid block)
DATASET_PARAMS = {"max_bin": 63, "bin_construct_sample_cnt": 50_000, "verbosity": -1}


def resolve_engine(engine: str) -> str:
    """``memory``, ``sequence`` or ``dask``: ``auto`` is ``dask`` in the process that holds
    the ``--scheduler`` client (a backtest fold on a worker has none), else ``memory``."""
    if engine not in ENGINES:
        raise UserError(f"lightgbm engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if engine == "auto":
        return "dask" if active_client() is not None else "memory"
    return engine


class FeatureRows(lgb.Sequence):
    """Training rows ``(g, t, o)`` whose features are built when LightGBM reads them."""

    batch_size = BATCH_ROWS

    def __init__(
        self,
        features: ForecastFeatures,
        counts: np.ndarray,
        rows: tuple[np.ndarray, np.ndarray, np.ndarray],
        hide_grid: bool = False,
    ) -> None:
        self.features, self.counts = features, counts
        self.g, self.t, self.o = rows
        self.history = HistorySums(counts)
        self.hidden = list(features.names).index("grid_code") if hide_grid else None
        self.prefetched: dict[int, np.ndarray] = {}
        self.single_rows = 0  # rows built one at a time (LightGBM's bin sample, if missed)

    def __len__(self) -> int:
        return len(self.g)

    def build(self, sel) -> np.ndarray:
        x = self.features.rows(
            self.counts, self.g[sel], self.t[sel], self.o[sel], history=self.history
        )
        if self.hidden is not None:
            x[:, self.hidden] = np.nan
        return x

    def prefetch(self, indices: np.ndarray) -> None:
        """Build the rows LightGBM will sample for its bins in one call, not one by one."""
        indices = np.asarray(indices, dtype=np.int64)
        self.prefetched = dict(zip(indices.tolist(), self.build(indices), strict=True))

    def __getitem__(self, idx):
        if isinstance(idx, (int, np.integer)):
            row = self.prefetched.pop(int(idx), None)
            if row is None:
                self.single_rows += 1
                row = self.build(slice(int(idx), int(idx) + 1))[0]
            return row.astype(np.float64)  # LightGBM's bin sample is read as doubles
        return self.build(idx)


def sequence_dataset(model, counts: np.ndarray, last: int):
    """(Dataset, rows) of every sampled target before ``last``, built out of core."""
    features = model.features_
    rows = features.training_rows(
        counts,
        first_target=0,
        last_target=last,
        samples_per_hour=model.samples_per_hour,
        max_rows=None,
        seed=model.seed,
    )
    seq = FeatureRows(features, counts, rows, hide_grid=not model.use_grid_id)
    y = counts[rows[0], rows[1]]
    dataset = model._dataset([seq], y)
    try:  # the bin sample's rows, the indices LightGBM itself draws from these params
        seq.prefetch(dataset._create_sample_indices(total_nrow=len(seq)))
    except AttributeError:  # another LightGBM: the sample is then built row by row
        log.warning("lightgbm: bin sample not prefetched; rows are built one at a time")
    return dataset, len(y)


# -- Dask -----------------------------------------------------------------------------
def interleaved_rows(
    n_grids: int, last: int, part: int, parts: int, samples: float, seed, max_horizon: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Partition ``part`` of ``parts`` of the training rows: the grid-hours ``(g, t)``,
    ``WEEK <= t < last``, with ``(g + t) % parts == part``, a ``samples`` share of them
    (whole multiples repeat), each with a horizon drawn as ``training_rows`` draws it.

    Every partition holds every grid and every hour of the week: LightGBM's distributed
    bins are each found by one worker from its own rows, so a partition of whole grids
    would leave the other grids out of the ``grid_code`` categories."""
    rng = np.random.default_rng(seed)
    g = np.arange(n_grids, dtype=np.int64)
    first = WEEK + (part - g - WEEK) % parts  # each grid's first hour in this partition
    n = np.maximum(0, -(-(last - first) // parts))
    g = np.repeat(g, n)
    t = np.repeat(first, n) + parts * (np.arange(len(g)) - np.repeat(np.cumsum(n) - n, n))
    reps = max(1, math.ceil(samples))
    want = min(len(t) * reps, int(len(t) * samples))
    pick = np.sort(rng.choice(len(t) * reps, size=want, replace=False)) % len(t)
    g, t = g[pick], t[pick]
    span = np.minimum(max_horizon, t - WEEK + 1)
    return g, t, t - (rng.random(len(t)) * span).astype(np.int64)


def _part_rows(part, parts, counts, features, last, samples, seed, hide_grid):
    """Feature rows and targets of one partition (built on a worker)."""
    g, t, o = interleaved_rows(
        counts.shape[0], last, part, parts, samples, seed, features.max_horizon
    )
    x = features.rows(counts, g, t, o)
    if hide_grid:
        x[:, list(features.names).index("grid_code")] = np.nan
    return x, counts[g, t]


def _dask_rows(client, model, counts: np.ndarray, last: int):
    """Persisted Dask arrays ``(X, y)`` of the training rows, built on the workers."""
    import dask
    import dask.array as da

    n_grids = counts.shape[0]
    workers = max(1, len(client.scheduler_info()["workers"]))
    want = n_grids * last * model.samples_per_hour / PARTITION_ROWS
    parts = max(2 * workers, math.ceil(want))
    shared = client.scatter(counts, broadcast=True)
    width = len(model.features_.names)
    xs, ys = [], []
    for part in range(parts):
        rows = dask.delayed(_part_rows, nout=2, pure=True)(
            part,
            parts,
            shared,
            model.features_,
            last,
            model.samples_per_hour,
            [model.seed, part],
            not model.use_grid_id,
        )
        xs.append(da.from_delayed(rows[0], shape=(np.nan, width), dtype=np.float32))
        ys.append(da.from_delayed(rows[1], shape=(np.nan,), dtype=np.float32))
    x, y = client.persist([da.concatenate(xs), da.concatenate(ys)])
    x.compute_chunk_sizes()
    y.compute_chunk_sizes()
    return x, y


def _dask_booster(client, model, counts: np.ndarray, last: int, trees: int):
    x, y = _dask_rows(client, model, counts, last)
    rows = int(y.shape[0])
    params = {k: v for k, v in model._params().items() if k != "num_threads"}
    params.update(DATASET_PARAMS)
    names = list(model.features_.names)
    cats = [names.index(c) for c in CATEGORICAL_FEATURES]
    if not model.use_grid_id:
        cats = [names.index("kind_code")]
    if np.isnan(model.features_.kind_codes_).all():  # no kinds known: a categorical of
        cats.remove(names.index("kind_code"))  # only missing values crashes Dask workers
    estimator = lgb.DaskLGBMRegressor(client=client, n_estimators=trees, **params)
    with warnings.catch_warnings():  # threads per worker are the workers' own, as meant
        warnings.filterwarnings("ignore", "Parameter n_jobs will be ignored")
        estimator.fit(x, y, feature_name=names, categorical_feature=cats)
    del x, y
    return estimator.booster_, rows


def best_iteration(booster, x: np.ndarray, y: np.ndarray) -> tuple[int, list[float]]:
    """Trees to keep: the count with the lowest mean Poisson loss ``mu - y log mu`` on
    ``(x, y)`` (log-link objectives), adding one tree's raw score at a time."""
    raw = np.zeros(len(y), dtype=np.float64)
    losses = []
    for k in range(booster.current_iteration()):
        raw += booster.predict(x, start_iteration=k, num_iteration=1, raw_score=True)
        losses.append(float(np.mean(np.exp(raw) - y * raw)))
    return int(np.argmin(losses)) + 1, losses


def fit_on_dask(model, panel: Panel):
    """Fit ``model`` (a ``LightGBMModel``) on the active cluster; it then predicts as one
    fitted in this process (the booster is a plain ``lgb.Booster`` of the kept trees)."""
    client = active_client()
    if client is None:
        raise UserError("the lightgbm Dask engine needs --scheduler ADDRESS or local:N")
    if model.objective not in ("poisson", "tweedie"):
        raise UserError(
            f"lightgbm on Dask supports the poisson and tweedie objectives, not "
            f"{model.objective!r}"
        )
    started = time.perf_counter()
    model.features_ = ForecastFeatures(model.holiday_country).fit(panel)
    counts, n_hours = panel.counts, panel.n_hours
    split = model.split(n_hours)
    booster, model.train_rows_ = _dask_booster(client, model, counts, split, model.n_estimators)
    xv, yv = model._matrix(counts, split, n_hours, 1, model.max_train_rows // 8, model.seed + 1)
    model.best_iteration_, model.holdout_losses_ = best_iteration(booster, xv, yv)
    log.info(
        "lightgbm on Dask: %d training rows, %d of %d trees kept on %d held-out rows",
        model.train_rows_,
        model.best_iteration_,
        booster.current_iteration(),
        len(yv),
    )
    model.oof_ = (yv, booster.predict(xv, num_iteration=model.best_iteration_))
    if model.refit:
        booster, _ = _dask_booster(client, model, counts, n_hours, model.best_iteration_)
    model.booster_ = lgb.Booster(
        model_str=booster.model_to_string(num_iteration=model.best_iteration_)
    )
    model.fit_seconds_ = time.perf_counter() - started
    return model
