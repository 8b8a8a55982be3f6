"""Models, intervals and metrics on small synthetic panels with known structure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.errors import UserError
from features.forecaster import OUTPUT_COLUMNS, Forecaster
from features.intervals import fit_dispersion, pit_coverage, quantiles
from training.forecast.metrics import hotspot_capture, poisson_deviance

FAST_LGB = {"n_estimators": 120, "learning_rate": 0.1, "min_data_in_leaf": 50}


def _params(name: str) -> dict:
    return FAST_LGB if name == "lightgbm" else {}


@pytest.fixture(scope="module")
def fitted(panel_and_truth) -> dict[str, Forecaster]:
    panel, _ = panel_and_truth
    cutoff = panel.n_hours - 168
    return {
        name: Forecaster(name, "CN", **_params(name)).fit(panel.truncate(cutoff))
        for name in ("lightgbm", "seasonal-naive", "how-mean")
    }


@pytest.mark.parametrize("name", ["lightgbm", "seasonal-naive", "how-mean"])
def test_forecast_has_contract_columns_and_ordered_quantiles(fitted, name):
    model = fitted[name]
    frame = model.forecast(None, 48)
    assert list(frame.columns) == list(OUTPUT_COLUMNS)
    assert len(frame) == 6 * 48
    assert frame["hour"].iloc[0] == model.history_end
    assert (frame[["mean", "p10", "p50", "p90"]] >= 0).all().all()
    assert (frame["p10"] <= frame["p50"]).all() and (frame["p50"] <= frame["p90"]).all()
    assert frame.groupby("grid_id").size().eq(48).all()


def test_lightgbm_beats_seasonal_naive_and_approaches_truth(panel_and_truth, fitted):
    # given a panel whose intensity we know
    panel, truth = panel_and_truth
    cutoff = panel.n_hours - 168
    y = panel.counts[:, cutoff:]
    dev = {}
    for name, model in fitted.items():
        pred = model.predict_from(panel, cutoff, cutoff, 168)
        dev[name] = poisson_deviance(y, pred.mean)
    dev["oracle"] = poisson_deviance(y, truth[:, cutoff:])
    # then the global model is much better than last week's counts, near the oracle
    assert dev["lightgbm"] < 0.8 * dev["seasonal-naive"]
    assert dev["lightgbm"] < 1.1 * dev["oracle"]


def test_lightgbm_prediction_ignores_data_at_or_after_the_cutoff(panel_and_truth, fitted):
    panel, _ = panel_and_truth
    cutoff = panel.n_hours - 168
    model = fitted["lightgbm"].model_
    before = model.predict_mean(panel, cutoff, cutoff, 168)
    garbage = panel.truncate(panel.n_hours)
    garbage = type(panel)(panel.grid_ids, panel.start, panel.counts.copy(), panel.kinds)
    garbage.counts[:, cutoff:] = 99.0
    after = model.predict_mean(garbage, cutoff, cutoff, 168)
    assert np.array_equal(before, after)


def test_forecast_rejects_bad_requests(fitted):
    model = fitted["how-mean"]
    end = model.history_end
    with pytest.raises(UserError, match="after the model's history ends"):
        model.forecast(end + pd.Timedelta(hours=169), 24)
    with pytest.raises(UserError, match="week of history"):
        model.forecast(model.panel_.start, 24)
    with pytest.raises(UserError, match="between 1 and 168"):
        model.forecast(None, 0)
    with pytest.raises(UserError, match="unknown grid_ids"):
        model.forecast(None, 24, ["NOPE"])
    with pytest.raises(UserError, match="not a time"):
        model.forecast("yesterday-ish", 24)
    # the latest allowed start still forecasts, and a start inside history works too
    assert len(model.forecast(end + pd.Timedelta(hours=168), 24, ["G01"])) == 24
    assert len(model.forecast(end - pd.Timedelta(days=3), 12)) == 6 * 12


def test_negative_binomial_dispersion_and_pit_coverage_are_calibrated():
    rng = np.random.default_rng(3)
    mu = rng.uniform(0.05, 3.0, 60_000)
    alpha = 0.5
    n = 1 / alpha
    y = rng.negative_binomial(n, n / (n + mu))
    fitted_alpha = fit_dispersion(y, mu)
    assert abs(fitted_alpha - alpha) < 0.08
    assert abs(pit_coverage(y, mu, fitted_alpha) - 0.8) < 0.01
    # a Poisson law on over-dispersed counts is over-confident
    assert pit_coverage(y, mu, 0.0) < 0.77
    p10, p50, p90 = quantiles(mu[:100], fitted_alpha)
    assert (p10 <= p50).all() and (p50 <= p90).all() and (p10 >= 0).all()


def test_poisson_deviance_matches_sklearn_and_hotspot_capture_counts_calls():
    from sklearn.metrics import mean_poisson_deviance

    rng = np.random.default_rng(0)
    y = rng.poisson(1.0, (10, 16)).astype(float)
    mu = rng.uniform(0.2, 2.0, (10, 16))
    assert poisson_deviance(y, mu) == pytest.approx(mean_poisson_deviance(y.ravel(), mu.ravel()))
    # grid 3 gets every call and is forecast highest: capture 1; forecast lowest: 0
    y = np.zeros((10, 16))
    y[3] = 1
    mu = np.ones((10, 16))
    mu[3] = 5
    assert hotspot_capture(y, mu) == (1.0, 1.0)
    mu[3] = 0.1
    assert hotspot_capture(y, mu)[0] == 0.0


@pytest.mark.slow
def test_prophet_fits_per_grid_and_forecasts_the_contract(panel_and_truth):
    panel, _ = panel_and_truth
    small = type(panel)(
        panel.grid_ids[:2], panel.start, panel.counts[:2, : 24 * 21], panel.kinds[:2]
    )
    model = Forecaster("prophet", "CN", insample_days=7).fit(small)
    frame = model.forecast(None, 24)
    assert list(frame.columns) == list(OUTPUT_COLUMNS) and len(frame) == 48
    assert (frame["p10"] <= frame["p90"]).all() and (frame["mean"] > 0).all()
    with pytest.raises(UserError, match="prophet model can forecast"):
        model.forecast(small.start + pd.Timedelta(days=8), 24)


@pytest.mark.slow
def test_prophet_fits_only_grids_with_calls(panel_and_truth):
    from features.prophet_model import ProphetModel

    panel, _ = panel_and_truth
    counts = panel.counts[:3, : 24 * 14].copy()
    counts[1] = 0  # a lattice cell where nothing happened
    small = type(panel)(panel.grid_ids[:3], panel.start, counts, panel.kinds[:3])
    model = ProphetModel(history_days=14, insample_days=7, ahead_hours=24).fit(small)
    assert model.fitted_.tolist() == [True, False, True]
    assert not model.predictions_[1].any() and model.predictions_[[0, 2]].any()
    kept = type(panel)(
        [panel.grid_ids[0], panel.grid_ids[2]], panel.start, counts[[0, 2]], panel.kinds[:2]
    )
    alone = ProphetModel(history_days=14, insample_days=7, ahead_hours=24).fit(kept)
    np.testing.assert_allclose(alone.predictions_, model.predictions_[[0, 2]])


def test_fold_cutoffs_are_a_horizon_apart_and_inside_the_data():
    from training.forecast.backtest import fold_cutoffs

    assert fold_cutoffs(2000, 4, 168) == [2000 - 4 * 168 + 168 * k for k in range(4)]
    assert fold_cutoffs(2000, 2, 24, first_cutoff=1000) == [1000, 1024]
    with pytest.raises(UserError, match="after the calls end"):
        fold_cutoffs(2000, 2, 168, first_cutoff=1900)
    with pytest.raises(UserError, match="not enough history"):
        fold_cutoffs(500, 4, 168)


def test_lightgbm_blends_with_grid_rhythm_at_its_weight(panel_and_truth, fitted):
    import copy

    from features.baselines import GridRhythm
    from features.forecast_models import LightGBMModel

    panel, _ = panel_and_truth
    cutoff = panel.n_hours - 168
    hist = panel.truncate(cutoff)
    model = copy.copy(fitted["lightgbm"].model_)
    model.rhythm_weight = 0.0
    trees = model.predict_mean(hist, cutoff, cutoff, 168)
    rhythm = GridRhythm().predict_mean(hist, cutoff, cutoff, 168)
    assert not np.allclose(trees, rhythm)
    model.rhythm_weight = 0.3
    blend = model.predict_mean(hist, cutoff, cutoff, 168)
    np.testing.assert_allclose(blend, 0.7 * trees + 0.3 * rhythm, rtol=1e-12)
    with pytest.raises(UserError, match="rhythm_weight"):
        LightGBMModel(rhythm_weight=1.5)
