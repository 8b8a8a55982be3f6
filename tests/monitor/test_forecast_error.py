"""Forecast error on realised weeks drawn from a known intensity: quiet weeks stay quiet,
a surge and a new district alert."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.forecaster import Forecaster
from features.monitoring.forecast_error import forecast_error
from tests.forecast.conftest import synthetic_panel
from training.monitor.scenarios import calls_from_intensity

WEEK = 168
HOUR = pd.Timedelta(hours=1)


@pytest.fixture(scope="module")
def fitted():
    panel, truth = synthetic_panel(n_grids=10, weeks=9, seed=3)
    history = panel.truncate(8 * WEEK)
    forecaster = Forecaster("how-mean").fit(history)
    hours = panel.hours(8 * WEEK, 9 * WEEK)
    return forecaster, list(panel.grid_ids), hours, truth[:, 8 * WEEK :]


def test_quiet_week_is_covered_and_raises_nothing(fitted, thresholds):
    forecaster, ids, hours, mu = fitted
    calls = calls_from_intensity(ids, hours, mu, seed=1)
    got = forecast_error(forecaster, calls, thresholds.forecast, until=hours[-1] + HOUR)
    assert got["n_grid_shifts"] == len(ids) * 21  # a whole week of 8-hour shifts
    assert got["realised_calls"] == len(calls)
    assert 0.7 <= got["coverage80_pit"] <= 0.9
    assert got["deviance_ratio"] < thresholds.forecast.max_deviance_ratio
    assert got["alerts"] == []


def test_a_surge_week_alerts_on_coverage_and_deviance(fitted, thresholds):
    forecaster, ids, hours, mu = fitted
    calls = calls_from_intensity(ids, hours, mu * 2.0, seed=2)
    got = forecast_error(forecaster, calls, thresholds.forecast)
    assert got["coverage80_pit"] < thresholds.forecast.min_coverage
    assert got["above_p90"] > 0.3
    assert any("inside the 80 % interval" in a for a in got["alerts"])
    assert any("what its own interval expects" in a for a in got["alerts"])


def test_the_shift_still_running_at_the_last_call_is_left_out(fitted, thresholds):
    forecaster, ids, hours, mu = fitted
    got = forecast_error(forecaster, calls_from_intensity(ids, hours, mu, 1), thresholds.forecast)
    assert got["n_grid_shifts"] == len(ids) * 20
    assert got["window"][1] == hours[-8].isoformat()


def test_calls_in_a_new_district_are_named(fitted, thresholds):
    forecaster, ids, hours, mu = fitted
    calls = calls_from_intensity(ids, hours, mu, seed=4)
    new = calls_from_intensity(["N01", "N02"], hours, np.full((2, len(hours)), 0.5), seed=5)
    got = forecast_error(forecaster, pd.concat([calls, new]), thresholds.forecast)
    assert got["unknown_grids"] == ["N01", "N02"]
    assert any("grids the forecast does not know (N01, N02)" in a for a in got["alerts"])
