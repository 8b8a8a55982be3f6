"""Work the forecast features no longer repeat gives the values they gave before.

The calendar of a batch of rows comes from a whole-year holiday table built once per
process (it was rebuilt for every batch), and a shift row's eight hourly rows share one
set of running sums (they were rebuilt for each hour).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.calendar import holiday_table
from features.shift_model import KEPT_COLUMNS, shift_rows, shift_starts
from features.timeseries import ForecastFeatures
from tests.forecast.conftest import synthetic_panel


@pytest.mark.parametrize(
    ("first", "last", "country"),
    [
        ("2025-01-20 05:00", "2025-02-10 23:00", "CN"),  # spring festival
        ("2025-12-20 00:00", "2026-01-12 00:00", "CN"),  # across a year end
        ("2025-06-30 00:00", "2025-07-06 00:00", "US"),  # the 4th of July
    ],
)
def test_calendar_matches_the_holiday_table_of_its_own_range(first, last, country) -> None:
    panel, _ = synthetic_panel(n_grids=2, weeks=2)
    features = ForecastFeatures(country).fit(panel)
    hours = pd.date_range(first, last, freq="h", tz="Asia/Shanghai")
    got = features.calendar(hours)
    days = hours.tz_localize(None).normalize()
    table = holiday_table(days.min(), days.max(), country).set_index("date").reindex(days)
    for col in ("is_holiday", "is_makeup_workday", "is_offday"):
        assert np.array_equal(got[col].to_numpy(), table[col].to_numpy(dtype=np.float32))
    for col in ("days_to_holiday", "days_since_holiday"):
        assert np.array_equal(got[col].to_numpy(), table[col].to_numpy(dtype=np.float32))
    assert got["is_holiday"].sum() > 0  # each range holds a holiday


def test_shift_rows_match_eight_hourly_rows_averaged() -> None:
    panel, _ = synthetic_panel(n_grids=4, weeks=4, seed=2)
    features = ForecastFeatures("CN").fit(panel)
    starts = shift_starts(panel, 168, panel.n_hours)
    g = np.repeat(np.arange(4), len(starts))
    s = np.tile(starts, 4)
    o = s - np.random.default_rng(0).integers(0, 160, len(s))
    got = shift_rows(features, panel.counts, g, s, o)
    hourly = [features.rows(panel.counts, g, s + k, o) for k in range(8)]  # own sums each
    expected = (sum(h.astype(np.float64) for h in hourly) / 8).astype(np.float32)
    keep = [list(features.names).index(c) for c in KEPT_COLUMNS]
    expected[:, keep] = hourly[0][:, keep]
    assert np.array_equal(got, expected, equal_nan=True)
