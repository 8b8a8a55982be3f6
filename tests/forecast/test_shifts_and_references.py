"""Shift totals, hotspot measures and the analysts' references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.baselines import ClassicalModel, LevelShape, city_shape
from features.shifts import pmf_pit_coverage, pmf_quantiles, shift_totals, total_pmf
from training.forecast.metrics import hotspot_scores, poisson_deviance, shift_scores


@pytest.mark.parametrize("alpha", [0.0, 0.4])
def test_shift_total_distribution_matches_simulated_sums(alpha):
    # given eight hourly means and the dispersion
    rng = np.random.default_rng(1)
    mu = rng.gamma(2.0, 0.4, size=(3, 8))
    # when the total's distribution is computed
    pmf = total_pmf(mu, alpha)
    # then it is a distribution with the summed mean ...
    assert np.allclose(pmf.sum(axis=1), 1.0, atol=1e-8)
    assert np.allclose((pmf * np.arange(pmf.shape[1])).sum(axis=1), mu.sum(axis=1), atol=1e-6)
    # ... and its quantiles are those of simulated totals
    if alpha:
        n = 1.0 / alpha
        draws = rng.negative_binomial(n, n / (n + mu[..., None]), size=(3, 8, 100_000))
    else:
        draws = rng.poisson(mu[..., None], size=(3, 8, 100_000))
    totals = draws.sum(axis=1)
    for q, got in zip((0.1, 0.5, 0.9), pmf_quantiles(pmf), strict=True):
        want = np.quantile(totals, q, axis=1, method="inverted_cdf")
        assert np.all(np.abs(got - want) <= 1)


def test_shift_interval_is_not_the_sum_of_hourly_quantiles():
    # given a quiet grid: every hour's p10 is 0 and p90 is 1
    mu = np.full((1, 8), 0.4)
    hours = pd.date_range("2025-03-03 08:00", periods=8, freq="h", tz="Asia/Shanghai")
    # when the shift total is asked for
    row = shift_totals(["G1"], hours, mu, 0.0).iloc[0]
    # then its interval is that of a Poisson(3.2) total, not 0-8
    assert row["mean"] == pytest.approx(3.2)
    assert (row["p10"], row["p50"], row["p90"]) == (1.0, 3.0, 6.0)
    assert row["hours"] == 8


def test_shift_totals_follow_the_clock_and_mark_partial_shifts():
    hours = pd.date_range("2025-03-03 05:00", periods=30, freq="h", tz="Asia/Shanghai")
    mu = np.ones((2, 30))
    frame = shift_totals(["A", "B"], hours, mu, 0.1)
    assert list(frame["grid_id"]) == ["A"] * 5 + ["B"] * 5
    starts = [ts.hour for ts in frame["shift_start"][:5]]
    assert starts == [0, 8, 16, 0, 8]
    assert list(frame["hours"][:5]) == [3, 8, 8, 8, 3]
    assert list(frame["mean"][:5]) == [3.0, 8.0, 8.0, 8.0, 3.0]


def test_pit_coverage_of_calibrated_totals_is_near_eighty_percent():
    rng = np.random.default_rng(2)
    mu = rng.gamma(2.0, 0.5, size=(4000, 8))
    y = rng.poisson(mu).sum(axis=1)
    assert pmf_pit_coverage(total_pmf(mu, 0.0), y) == pytest.approx(0.8, abs=0.02)
    too_wide = total_pmf(mu, 2.0)
    assert pmf_pit_coverage(too_wide, y) > 0.9


def test_pei_is_one_for_a_perfect_ranking_and_pai_scales_with_area():
    act = np.array([[9.0, 0.0], [1.0, 5.0], [0.0, 1.0], [0.0, 0.0]] * 5)  # 20 grids
    perfect = hotspot_scores(act, act)
    assert perfect["pei_5"] == pytest.approx(1.0)
    assert perfect["pei_10"] == pytest.approx(1.0)
    reversed_ = hotspot_scores(act, -act)
    assert reversed_["pei_10"] == pytest.approx(0.0)
    # one grid of 20 (5 %) holding 9 of 10 and 5 of 6 calls: captured 14/16 over 1/20
    one = np.zeros_like(act)
    one[0] = 1.0
    assert hotspot_scores(act[:20], one[:20])["pai_5"] == pytest.approx((9 / 80) / 0.05)


def test_shift_scores_use_whole_shifts_only():
    hours = pd.date_range("2025-03-03 04:00", periods=24, freq="h", tz="Asia/Shanghai")
    y = np.ones((3, 24))
    mean = np.ones((3, 24))
    got = shift_scores(y, mean, 0.0, hours)  # shifts 08-16 and 16-24 are whole
    assert got["shift_poisson_deviance"] == pytest.approx(poisson_deviance(y[:, :8], mean[:, :8]))
    assert set(got) >= {"shift_coverage80", "pei_5", "pei_10", "pei_20", "pai_10"}


def test_level_shape_is_grid_level_times_city_rhythm(panel_and_truth):
    panel, truth = panel_and_truth
    origin = panel.n_hours - 168
    hist = panel.truncate(origin)
    mu = LevelShape().predict_mean(hist, origin, origin, 168)
    # the city's rhythm has mean 1, so a grid's week forecast sums to its recent level × 168
    level = hist.counts[:, max(0, origin - 8 * 168) : origin].mean(axis=1)
    assert np.allclose(mu.sum(axis=1), level * 168, rtol=1e-6)
    assert city_shape(hist, origin).mean() == pytest.approx(1.0)
    # and on a panel made of level × shape it is close to the truth
    y = panel.counts[:, origin:]
    assert poisson_deviance(y, mu) < 1.06 * poisson_deviance(y, truth[:, origin:])


def test_level_shape_reads_nothing_at_or_after_the_origin(panel_and_truth):
    panel, _ = panel_and_truth
    origin = panel.n_hours - 168
    changed = panel.counts.copy()
    changed[:, origin:] = 50.0
    from features.timeseries import Panel

    other = Panel(panel.grid_ids, panel.start, changed, panel.kinds)
    a = LevelShape().predict_mean(panel, origin, origin, 48)
    b = LevelShape().predict_mean(other, origin, origin, 48)
    assert np.array_equal(a, b)


def test_mstl_reference_forecasts_every_grid(panel_and_truth):
    pytest.importorskip("statsforecast", reason="optional extra [classical] (caps pandas < 3)")
    panel, truth = panel_and_truth
    origin = panel.n_hours - 168
    hist = panel.truncate(origin)
    # when MSTL forecasts hours 24-48 after the origin
    mu = ClassicalModel("mstl", weeks=4).predict_mean(hist, origin, origin + 24, 24)
    # then every grid gets non-negative means that follow the true daily rhythm
    assert mu.shape == (len(panel.grid_ids), 24)
    assert (mu >= 0).all()
    assert np.corrcoef(mu.ravel(), truth[:, origin + 24 : origin + 48].ravel())[0, 1] > 0.7


def test_mstl_reuses_its_fit_for_the_week_after_the_panel(panel_and_truth):
    pytest.importorskip("statsforecast", reason="optional extra [classical] (caps pandas < 3)")
    panel, _ = panel_and_truth
    origin = panel.n_hours - 168
    hist = panel.truncate(origin)
    model = ClassicalModel("ets", weeks=3).fit(hist)
    # the forecast from the fit equals a fresh fit at the same origin
    cached = model.predict_mean(hist, origin, origin + 5, 10)
    fresh = ClassicalModel("ets", weeks=3).predict_mean(hist, origin, origin + 5, 10)
    assert np.allclose(cached, fresh)
    y, fitted = model.oof_
    assert y.shape == fitted.shape == (len(panel.grid_ids), 168)


def test_forecaster_shift_totals_sum_its_hourly_means(panel_and_truth):
    from features.forecaster import Forecaster
    from features.shifts import forecast_shifts

    # given a fitted forecaster and a window that starts mid-shift
    panel, _ = panel_and_truth
    model = Forecaster("level-shape", "CN").fit(panel)
    start = model.history_end + pd.Timedelta(hours=5)
    # when shift totals are asked for two grids
    shifts = forecast_shifts(model, start, 24, ["G01", "G03"])
    hourly = model.forecast(start, 24, ["G01", "G03"])
    # then each shift's mean is the sum of its hourly means, with ordered integer quantiles
    assert list(shifts["grid_id"].unique()) == ["G01", "G03"]
    assert list(shifts["hours"][:4]) == [3, 8, 8, 5]
    by_grid = hourly.groupby("grid_id")["mean"].sum()
    assert np.allclose(shifts.groupby("grid_id")["mean"].sum(), by_grid.loc[["G01", "G03"]])
    assert (shifts["p10"] <= shifts["p50"]).all() and (shifts["p50"] <= shifts["p90"]).all()
    assert (shifts[["p10", "p50", "p90"]] % 1 == 0).all().all()
