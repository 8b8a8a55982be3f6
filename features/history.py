"""History features by name: each spec says what it reads and names itself.

A feature row describes *(grid g, target hour t, origin o)*; every value read from the
count history comes through :func:`gather_before`, which refuses any index ``>= o``, so no
spec can see the hour it forecasts. Names derive from the spec (``WindowMean(672)`` is
``roll_mean_28d``, ``SamePhaseMean(WEEK, 4)`` is ``how_mean_4w``), in the style of
mlforecast's ``RollingMean(window_size=7)``, so no code indexes a feature by position.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WEEK = 168
DAY = 24


def gather_before(
    counts: np.ndarray, g: np.ndarray, idx: np.ndarray, origin: np.ndarray
) -> np.ndarray:
    """``counts[g, idx]`` where ``0 <= idx < origin``, NaN elsewhere (the leakage guard)."""
    n_hours = counts.shape[1]
    valid = (idx >= 0) & (idx < origin) & (idx < n_hours)
    out = np.full(idx.shape, np.nan, dtype=np.float32)
    out[valid] = counts[g[valid], idx[valid]]
    return out


def _mean_of_lags(
    counts: np.ndarray, g: np.ndarray, first: np.ndarray, step: int, n: int, origin: np.ndarray
) -> np.ndarray:
    """Mean of the ``n`` values ``first, first-step, ...`` that exist before the origin."""
    total = np.zeros(first.shape, dtype=np.float32)
    seen = np.zeros(first.shape, dtype=np.float32)
    for k in range(n):
        v = gather_before(counts, g, first - k * step, origin)
        ok = ~np.isnan(v)
        total[ok] += v[ok]
        seen += ok
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(seen > 0, total / np.maximum(seen, 1), np.nan).astype(np.float32)


def _window_mean(cum: np.ndarray, g: np.ndarray, origin: np.ndarray, width: int) -> np.ndarray:
    """Mean count over ``[origin - width, origin)`` (truncated at the panel start)."""
    o = np.minimum(origin, cum.shape[1] - 1)
    lo = np.maximum(o - width, 0)
    n = o - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (cum[g, o] - cum[g, lo]) / n
    return np.where(n > 0, out, np.nan).astype(np.float32)


def _strided_cumsum(counts: np.ndarray, period: int) -> np.ndarray:
    """``out[g, i] = counts[g, i] + counts[g, i - period] + ...`` (same phase, running)."""
    n_grids, n_hours = counts.shape
    padded = -(-n_hours // period) * period
    buf = np.zeros((n_grids, padded), dtype=np.float32)
    buf[:, :n_hours] = counts
    buf = buf.reshape(n_grids, padded // period, period).cumsum(axis=1, dtype=np.float32)
    return buf.reshape(n_grids, padded)[:, :n_hours]


def _mean_same_phase(
    sums: np.ndarray, g: np.ndarray, last: np.ndarray, period: int, origin: np.ndarray
) -> np.ndarray:
    """Mean of every value at ``last, last - period, ...`` (all same-phase hours before the
    origin): the expanding hour-of-day / hour-of-week mean, in O(1) per row."""
    total = gather_before(sums, g, last, origin)
    n = np.where(last >= 0, last // period + 1, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / n, np.nan).astype(np.float32)


def _back(h: np.ndarray, period: int) -> np.ndarray:
    """``period * ceil(h / period)``: the nearest same-phase hour before the origin."""
    return -(-h // period) * period


class HistorySums:
    """Running sums of a count history, built once per call and shared by every chunk.

    ``neighbours`` (optional, ``(grids, grids)``): row ``g`` weights the grids around ``g``
    (e.g. 1 / number of neighbours for each touching grid), for :class:`Around` specs.
    """

    def __init__(self, counts: np.ndarray, neighbours: np.ndarray | None = None) -> None:
        self.counts = counts
        self.neighbours = neighbours
        self._around: HistorySums | None = None
        self.cum = np.zeros((counts.shape[0], counts.shape[1] + 1), dtype=np.float64)
        np.cumsum(counts, axis=1, out=self.cum[:, 1:])
        self.sums = {DAY: _strided_cumsum(counts, DAY), WEEK: _strided_cumsum(counts, WEEK)}
        self._city: HistorySums | None = None

    @property
    def city(self) -> HistorySums:
        """The same sums for the city-wide total (one row), built on first use."""
        if self._city is None:
            self._city = HistorySums(self.counts.sum(axis=0, keepdims=True, dtype=np.float32))
        return self._city

    @property
    def around(self) -> HistorySums:
        """The same sums for each grid's neighbourhood (``neighbours @ counts``)."""
        if self.neighbours is None:
            raise ValueError("Around features need the grids' neighbours")
        if self._around is None:
            weights = np.asarray(self.neighbours, dtype=np.float32)
            self._around = HistorySums((weights @ self.counts).astype(np.float32))
        return self._around


class RowContext:
    """What every history spec of a chunk of rows reads: the history's sums and the rows."""

    def __init__(
        self, history: HistorySums, g: np.ndarray, t: np.ndarray, origin: np.ndarray
    ) -> None:
        self.history = history
        self.counts, self.cum, self.sums = history.counts, history.cum, history.sums
        self.g, self.t, self.origin = g, t, origin
        self.h = t - origin + 1
        self._cache: dict[HistorySpec, np.ndarray] = {}
        self._city: RowContext | None = None
        self._around: RowContext | None = None

    def value(self, spec: HistorySpec) -> np.ndarray:
        if spec not in self._cache:
            self._cache[spec] = self._compute(spec)
        return self._cache[spec]

    def _compute(self, spec: HistorySpec) -> np.ndarray:
        counts, g, t, o = self.counts, self.g, self.t, self.origin
        if isinstance(spec, Lag):
            return gather_before(counts, g, t - spec.hours, o)
        if isinstance(spec, LastSamePhase):
            return gather_before(counts, g, t - _back(self.h, spec.period), o)
        if isinstance(spec, SamePhaseMean):
            last = t - _back(self.h, spec.period)
            if spec.count is None:
                return _mean_same_phase(self.sums[spec.period], g, last, spec.period, o)
            return _mean_of_lags(counts, g, last, spec.period, spec.count, o)
        if isinstance(spec, WindowMean):
            width = counts.shape[1] + 1 if spec.hours is None else spec.hours
            return _window_mean(self.cum, g, o, width)
        if isinstance(spec, City):
            if self._city is None:
                self._city = RowContext(self.history.city, np.zeros_like(g), t, o)
            return self._city.value(spec.of)
        if isinstance(spec, Around):
            if self._around is None:
                self._around = RowContext(self.history.around, g, t, o)
            return self._around.value(spec.of)
        if isinstance(spec, Combine):
            a, b = self.value(spec.a), self.value(spec.b)
            if spec.op == "x":
                return (a * b).astype(np.float32)
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.where(b > 0, a / b, np.nan).astype(np.float32)
        if isinstance(spec, ProfileTimesLevel):
            phase = self.value(SamePhaseMean(spec.period, None))
            level = self.value(WindowMean(None))
            with np.errstate(invalid="ignore", divide="ignore"):
                shape = np.where(level > 0, phase / level, np.nan)
            return (shape * self.value(WindowMean(spec.hours))).astype(np.float32)
        raise TypeError(f"unknown feature spec {spec!r}")


def _span(hours: int | None, period: int = 1) -> str:
    """``24h``, ``7d``, ``28d``, ``4w`` or ``all``: how a spec names its reach."""
    if hours is None:
        return "all"
    if period == WEEK:
        return f"{hours}w"
    if period == DAY:
        return f"{hours}d"
    return f"{hours}h" if hours <= DAY or hours % DAY else f"{hours // DAY}d"


_PHASE = {DAY: "hod", WEEK: "how"}


class _Spec:
    """Base of the specs: a spec's name is derived from its fields (:func:`spec_name`)."""

    @property
    def name(self) -> str:
        return spec_name(self)


@dataclass(frozen=True)
class Lag(_Spec):
    """The count ``hours`` before the target hour (missing when that is not before origin)."""

    hours: int


@dataclass(frozen=True)
class LastSamePhase(_Spec):
    """The latest same hour of day (``period`` 24) or of week (168) before the origin."""

    period: int


@dataclass(frozen=True)
class SamePhaseMean(_Spec):
    """Mean of the last ``count`` same-phase hours before the origin (``None``: all of them)."""

    period: int
    count: int | None


@dataclass(frozen=True)
class WindowMean(_Spec):
    """Mean count over the ``hours`` before the origin (``None``: all history)."""

    hours: int | None


@dataclass(frozen=True)
class ProfileTimesLevel(_Spec):
    """The grid's long-run same-phase shape (phase mean / overall mean) × its recent level."""

    period: int
    hours: int


@dataclass(frozen=True)
class City(_Spec):
    """A spec computed on the city-wide total instead of the row's grid."""

    of: HistorySpec


@dataclass(frozen=True)
class Around(_Spec):
    """A spec computed on the row's neighbourhood (its neighbours' weighted counts)."""

    of: HistorySpec


@dataclass(frozen=True)
class Combine(_Spec):
    """Two specs combined: ``op`` is ``over`` (a / b, missing where b is 0) or ``x`` (a × b)."""

    a: HistorySpec
    op: str
    b: HistorySpec


HistorySpec = (
    Lag | LastSamePhase | SamePhaseMean | WindowMean | ProfileTimesLevel | City | Around | Combine
)


def spec_name(spec: HistorySpec) -> str:
    """The column name a spec gives itself, e.g. ``roll_mean_28d`` or ``how_mean_4w``."""
    match spec:
        case Lag(hours=hours):
            return f"lag_{_span(hours)}"
        case LastSamePhase(period=period):
            return "last_same_hour" if period == DAY else "last_same_hour_of_week"
        case SamePhaseMean(period=period, count=count):
            return f"{_PHASE[period]}_mean_{_span(count, period)}"
        case WindowMean(hours=None):
            return "level_all"
        case WindowMean(hours=hours):
            return f"roll_mean_{_span(hours)}"
        case ProfileTimesLevel(period=period, hours=hours):
            return f"{_PHASE[period]}_profile_x_{_span(hours)}"
        case City(of=inner):
            return f"city_{inner.name}"
        case Around(of=inner):
            return f"around_{inner.name}"
        case Combine(a=a, op=op, b=b):
            return f"{a.name}_{op}_{b.name}"
    raise TypeError(f"unknown feature spec {spec!r}")


# the city's hour-of-week shape: its mean for this hour of week over its mean for any hour
CITY_SHAPE = Combine(City(SamePhaseMean(WEEK, None)), "over", City(WindowMean(None)))

# The history features, in column order; every name derives from its spec.
HISTORY_SPECS: tuple[HistorySpec, ...] = (
    Lag(DAY),
    LastSamePhase(DAY),
    LastSamePhase(WEEK),
    SamePhaseMean(DAY, 7),
    SamePhaseMean(WEEK, 4),
    SamePhaseMean(WEEK, 12),
    WindowMean(DAY),
    WindowMean(WEEK),
    WindowMean(28 * DAY),
    WindowMean(None),
    SamePhaseMean(DAY, None),
    SamePhaseMean(WEEK, None),
    ProfileTimesLevel(WEEK, 28 * DAY),
)
# Added later: city-wide swings (weather, holidays, events move every grid at once), the
# city's shape, and the analysts' reference (grid level over 8 weeks × city shape). A fitted
# ForecastFeatures keeps the specs it was fitted with, so older models keep their columns.
CITY_SPECS: tuple[HistorySpec, ...] = (
    Combine(City(WindowMean(DAY)), "over", City(WindowMean(28 * DAY))),
    Combine(City(WindowMean(WEEK)), "over", City(WindowMean(28 * DAY))),
    CITY_SHAPE,
    Combine(WindowMean(8 * WEEK), "x", CITY_SHAPE),
)
