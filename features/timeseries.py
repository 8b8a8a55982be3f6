"""Hourly count panels and the forecasting features computed from them.

One object, :class:`ForecastFeatures`, holds everything needed to recompute features at
predict time (grid list, grid kinds, holiday country, panel start) in the style of Nixtla's
mlforecast, so training and serving share one code path.

Design (direct multi-horizon): a feature row describes *(grid, target hour t, forecast
origin o)* with horizon ``h = t - o + 1``. Every value read from the count history comes
through :func:`gather_before`, which refuses any index ``>= o``; so a row can only see hours
strictly before its origin, whatever the horizon. Lags that would fall at or after the
origin are replaced by the most recent same-hour value that exists (``t - 24*ceil(h/24)``,
``t - 168*ceil(h/168)``) or left missing (``lag_24h`` beyond a 24-hour horizon).

Counts are kept as a dense ``float32`` matrix ``(grids, hours)``: 2,000 grids × 1 year is
70 MB, and every feature is a vectorised gather on it (no per-grid Python loops).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from features.calendar import holiday_table
from features.history import (
    CITY_SPECS,
    DAY,
    HISTORY_SPECS,
    WEEK,
    HistorySpec,
    HistorySums,
    RowContext,
    gather_before,
)

HOUR = pd.Timedelta(hours=1)
SPECS: tuple[HistorySpec, ...] = (*HISTORY_SPECS, *CITY_SPECS)  # what new fits use
HISTORY_FEATURES = tuple(spec.name for spec in SPECS)
__all__ = ["DAY", "WEEK", "HOUR", "Panel", "ForecastFeatures", "gather_before", "hourly_panel"]

CALENDAR_FEATURES = (
    "hour_of_day",
    "day_of_week",
    "hour_of_week",
    "is_holiday",
    "is_makeup_workday",
    "is_offday",
    "days_to_holiday",
    "days_since_holiday",
)


STATIC_FEATURES = ("grid_code", "kind_code")
FEATURE_NAMES = ("horizon", *CALENDAR_FEATURES, *HISTORY_FEATURES, *STATIC_FEATURES)
CATEGORICAL_FEATURES = ("grid_code", "kind_code")


@dataclass
class Panel:
    """Complete grid × hour table of counts; hours with no calls are zeros.

    Attributes:
        grid_ids: grid identifiers, one per row of ``counts``.
        start: first hour (tz-aware, local time zone).
        counts: ``float32`` array ``(len(grid_ids), n_hours)``.
        kinds: optional grid kind per grid ("" when unknown).
    """

    grid_ids: list[str]
    start: pd.Timestamp
    counts: np.ndarray
    kinds: list[str] = field(default_factory=list)

    @property
    def n_hours(self) -> int:
        return int(self.counts.shape[1])

    @property
    def end(self) -> pd.Timestamp:
        """First hour after the panel."""
        return self.start + self.n_hours * HOUR

    def hours(self, first: int = 0, last: int | None = None) -> pd.DatetimeIndex:
        last = self.n_hours if last is None else last
        return pd.date_range(self.start + first * HOUR, periods=last - first, freq="h")

    def index_of(self, when: pd.Timestamp | str) -> int:
        """Hour index of ``when`` (floored to the hour), relative to ``start``."""
        ts = pd.Timestamp(when)
        if ts.tzinfo is None:
            ts = ts.tz_localize(self.start.tz, ambiguous=True, nonexistent="shift_forward")
        ts = ts.tz_convert(self.start.tz).floor("h")
        return int((ts - self.start) // HOUR)

    def truncate(self, until: int) -> Panel:
        """The panel with only hours ``< until`` (what exists at a cutoff)."""
        return Panel(self.grid_ids, self.start, self.counts[:, :until], self.kinds)

    def long_frame(self, first: int = 0, last: int | None = None) -> pd.DataFrame:
        """``grid_id, hour, count`` rows (grid-major) for hours ``[first, last)``."""
        last = self.n_hours if last is None else last
        hours = self.hours(first, last)
        return pd.DataFrame(
            {
                "grid_id": np.repeat(np.asarray(self.grid_ids, dtype=object), len(hours)),
                "hour": np.tile(hours, len(self.grid_ids)),
                "count": self.counts[:, first:last].reshape(-1),
            }
        )


def hourly_panel(
    calls: pd.DataFrame,
    *,
    grid_ids: list[str] | None = None,
    kinds: dict[str, str] | None = None,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> Panel:
    """Count calls per grid per local hour into a complete panel.

    Args:
        calls: needs tz-aware ``received_at`` and ``grid_id``.
        grid_ids: the full grid list (e.g. from GeoJSON) so grids without calls still get
            zero rows; defaults to the grids seen in ``calls``.
        kinds: grid kind per grid id, a static feature when the grids file provides it.
        start, end: hour range ``[start, end)``; default the calls' first and last hour.
    """
    when = pd.to_datetime(calls["received_at"])
    if when.dt.tz is None:
        raise ValueError("received_at must be tz-aware")
    tz = when.dt.tz
    hour = when.dt.floor("h")
    start = hour.min() if start is None else pd.Timestamp(start).tz_convert(tz).floor("h")
    end = hour.max() + HOUR if end is None else pd.Timestamp(end).tz_convert(tz).floor("h")
    n_hours = int((end - start) // HOUR)
    if n_hours <= 0:
        raise ValueError("empty hour range")
    seen = calls["grid_id"].astype(str)
    ids = sorted(seen.unique()) if grid_ids is None else [str(g) for g in grid_ids]
    codes = pd.Categorical(seen, categories=ids).codes.astype(np.int64)
    t = ((hour - start) // HOUR).to_numpy(dtype=np.int64)
    keep = (codes >= 0) & (t >= 0) & (t < n_hours)
    flat = np.bincount(codes[keep] * n_hours + t[keep], minlength=len(ids) * n_hours)
    counts = flat.reshape(len(ids), n_hours).astype(np.float32)
    kind_list = [(kinds or {}).get(g, "") for g in ids]
    return Panel(grid_ids=ids, start=start, counts=counts, kinds=kind_list)


class ForecastFeatures:
    """Feature definitions plus the state needed to recompute them at predict time.

    Args:
        holiday_country: calendar for holiday features ("CN", or e.g. "US" for Houston).
        max_horizon: horizons beyond this reuse its value (lags still stay before origin).
    """

    def __init__(self, holiday_country: str = "CN", max_horizon: int = WEEK) -> None:
        self.holiday_country = holiday_country
        self.max_horizon = max_horizon

    @property
    def specs(self) -> tuple[HistorySpec, ...]:
        """The history specs this object was fitted with (models fitted before the city
        features existed have only the first thirteen)."""
        return getattr(self, "specs_", HISTORY_SPECS)

    @property
    def names(self) -> tuple[str, ...]:
        """Column names of :meth:`rows`, in order."""
        history = tuple(spec.name for spec in self.specs)
        return ("horizon", *CALENDAR_FEATURES, *history, *STATIC_FEATURES)

    def fit(self, panel: Panel) -> ForecastFeatures:
        """Remember the grid list, kinds and time base of the training panel."""
        self.grid_ids_ = list(panel.grid_ids)
        kinds = sorted({k for k in panel.kinds if k})
        self.kind_levels_ = kinds
        given = panel.kinds or [""] * len(panel.grid_ids)
        self.kind_codes_ = np.array(  # NaN: kind unknown (LightGBM's missing category)
            [kinds.index(k) if k in kinds else np.nan for k in given], dtype=np.float32
        )
        self.start_ = panel.start
        self.specs_ = SPECS
        return self

    # -- calendar ---------------------------------------------------------------------
    def calendar(self, hours: pd.DatetimeIndex) -> pd.DataFrame:
        """Calendar features per local hour (known in advance, so no leakage)."""
        local = hours.tz_convert(self.start_.tz) if hours.tz is not None else hours
        days = local.tz_localize(None).normalize()
        table = _year_days(self.holiday_country, days.min().year, days.max().year).reindex(days)
        dow = local.day_of_week.to_numpy()
        hod = local.hour.to_numpy()
        return pd.DataFrame(
            {
                "hour_of_day": hod,
                "day_of_week": dow,
                "hour_of_week": dow * 24 + hod,
                "is_holiday": table["is_holiday"].to_numpy(dtype=np.float32),
                "is_makeup_workday": table["is_makeup_workday"].to_numpy(dtype=np.float32),
                "is_offday": table["is_offday"].to_numpy(dtype=np.float32),
                "days_to_holiday": table["days_to_holiday"].to_numpy(dtype=np.float32),
                "days_since_holiday": table["days_since_holiday"].to_numpy(dtype=np.float32),
            },
            index=hours,
        ).astype(np.float32)

    def _calendar_rows(self, t: np.ndarray) -> np.ndarray:
        lo, hi = int(t.min()), int(t.max())
        hours = pd.date_range(self.start_ + lo * HOUR, periods=hi - lo + 1, freq="h")
        table = self.calendar(hours).to_numpy(dtype=np.float32)
        return table[t - lo]

    # -- rows -------------------------------------------------------------------------
    def rows(
        self,
        counts: np.ndarray,
        g: np.ndarray,
        t: np.ndarray,
        origin: np.ndarray,
        chunk: int = 1_000_000,
        history: HistorySums | None = None,
    ) -> np.ndarray:
        """Feature matrix ``(n_rows, len(FEATURE_NAMES))`` for (grid, target, origin) rows.

        ``counts`` is the history, hour 0 = ``start_``; only hours ``< origin`` of each row
        are read. ``t >= origin`` for every row (a forecast, never a nowcast). Rows are
        built in chunks so temporaries stay small on big panels. ``history`` is
        ``HistorySums(counts)`` when a caller building many batches made it once.
        """
        g = np.asarray(g, dtype=np.int64)
        t = np.asarray(t, dtype=np.int64)
        origin = np.asarray(origin, dtype=np.int64)
        if np.any(t < origin):
            raise ValueError("target hours must be at or after their origin")
        if history is None:  # neighbours_: set on features whose specs look around a grid
            history = HistorySums(counts, getattr(self, "neighbours_", None))
        out = np.empty((len(g), len(self.names)), dtype=np.float32)
        for lo in range(0, len(g), chunk):
            sl = slice(lo, lo + chunk)
            out[sl] = self._rows_chunk(history, g[sl], t[sl], origin[sl])
        return out

    def _rows_chunk(
        self, history: HistorySums, g: np.ndarray, t: np.ndarray, origin: np.ndarray
    ) -> np.ndarray:
        h = t - origin + 1
        columns = [
            np.minimum(h, self.max_horizon).astype(np.float32)[:, None],
            self._calendar_rows(t),
        ]
        ctx = RowContext(history, g, t, origin)
        columns.append(np.stack([ctx.value(spec) for spec in self.specs], axis=1))
        columns.append(np.stack([g.astype(np.float32), self.kind_codes_[g]], axis=1))
        return np.concatenate(columns, axis=1)

    def training_rows(
        self,
        counts: np.ndarray,
        *,
        first_target: int,
        last_target: int,
        min_history: int = WEEK,
        samples_per_hour: float = 2,
        max_rows: int | None = None,
        seed: int = 0,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sample (grid, target, origin) rows with targets in ``[first_target, last_target)``.

        Each grid-hour appears ``samples_per_hour`` times (a fraction: that share of the
        grid-hours, drawn at random) with horizons drawn uniformly from
        1..max_horizon (limited so the origin keeps ``min_history`` hours before it); this
        is the direct multi-horizon design. ``max_rows`` caps the sample for big panels.
        """
        rng = np.random.default_rng(seed)
        n_grids = counts.shape[0]
        first_target = max(first_target, min_history)
        targets = np.arange(first_target, last_target, dtype=np.int64)
        if len(targets) == 0:
            raise ValueError("no training targets: history too short")
        per_rep = n_grids * len(targets)
        reps = max(1, int(np.ceil(samples_per_hour)))  # a fraction samples grid-hours
        want = max(1, int(per_rep * samples_per_hour))
        if max_rows is not None:
            want = min(want, max_rows)
        if want < per_rep * reps:
            pick = rng.choice(per_rep * reps, size=want, replace=False)
            pick.sort()
        else:
            pick = np.arange(per_rep * reps, dtype=np.int64)
        within = pick % per_rep
        g = within // len(targets)
        t = targets[within % len(targets)]
        span = np.minimum(self.max_horizon, t - min_history + 1)
        h = 1 + (rng.random(len(t)) * span).astype(np.int64)
        return g, t, t - h + 1

    def forecast_rows(
        self, n_grids: int, origin: int, first: int, hours: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows for every grid × hour in ``[first, first + hours)`` from one origin."""
        return forecast_rows(n_grids, origin, first, hours)


@lru_cache(maxsize=8)
def _year_days(country: str, first_year: int, last_year: int) -> pd.DataFrame:
    """Holiday flags of whole calendar years, by date: built once per process, not per
    batch of rows (distances to holidays are capped, so a wider table gives each day the
    same values)."""
    table = holiday_table(f"{first_year}-01-01", f"{last_year}-12-31", country)
    return table.set_index("date")


def forecast_rows(
    n_grids: int, origin: int, first: int, hours: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(grid, target, origin) rows for every grid × hour in ``[first, first + hours)``,
    grid-major: the one row layout every mean model forecasts with."""
    g = np.repeat(np.arange(n_grids, dtype=np.int64), hours)
    t = np.tile(np.arange(first, first + hours, dtype=np.int64), n_grids)
    return g, t, np.full(len(t), origin, dtype=np.int64)
