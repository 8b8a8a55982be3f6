"""The direct shift-total model, its blend into the shift forecast and the fold choice."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from features.errors import UserError
from features.forecaster import Forecaster, Prediction
from features.shift_model import ShiftTotalModel, shift_starts
from tests.forecast.conftest import synthetic_panel
from training.forecast.backtest import FoldResult, FoldSpec
from training.forecast.config import ForecastConfig
from training.forecast.metrics import poisson_deviance
from training.forecast.shift_select import attach_shift_model, choose_shift_weight


@pytest.fixture(scope="module")
def long_panel():
    return synthetic_panel(n_grids=6, weeks=12, seed=4)


@pytest.fixture(scope="module")
def fitted(long_panel):
    panel, _ = long_panel
    cut = panel.n_hours - 168
    return cut, ShiftTotalModel("CN").fit(panel.truncate(cut))


def _totals(matrix, starts):
    return np.stack([matrix[:, s : s + 8].sum(axis=1) for s in starts], axis=1)


def test_shift_starts_are_local_shift_boundaries(long_panel):
    panel, _ = long_panel
    starts = shift_starts(panel, 5, 60)
    assert list(np.asarray(panel.hours(0, 80)[starts].hour)) == [8, 16, 0, 8, 16, 0]
    assert starts[-1] + 8 <= 60 and starts[0] >= 5


def test_direct_model_learns_the_shift_totals(long_panel, fitted):
    # given a fitted model and the week after its history
    panel, truth = long_panel
    cut, model = fitted
    starts = shift_starts(panel, cut, panel.n_hours)
    direct = model.predict_totals(panel.truncate(cut), cut, starts)
    # then its totals follow the true ones (grid level × time of day) closely
    expected = _totals(truth, starts)
    assert direct.shape == expected.shape
    assert np.corrcoef(direct.ravel(), expected.ravel())[0, 1] > 0.9
    assert np.median(np.abs(direct / expected - 1)) < 0.25
    # and beat a flat forecast of each grid's mean shift total on the outcomes
    actual = _totals(panel.counts, starts)
    flat = np.repeat(_totals(panel.counts[:, :cut], shift_starts(panel, 0, cut)).mean(1), 21)
    assert poisson_deviance(actual, direct) < poisson_deviance(actual, flat.reshape(6, 21))


def test_a_history_without_held_out_shifts_is_one_clear_error(long_panel):
    panel, _ = long_panel
    with pytest.raises(UserError, match="too few"):
        ShiftTotalModel().fit(panel.truncate(180))


def test_blend_scales_whole_shifts_and_leaves_cut_ones(long_panel, fitted):
    panel, _ = long_panel
    cut, model = fitted
    history = panel.truncate(cut)
    first = cut + 4  # a window that starts and ends inside a shift
    hourly = np.random.default_rng(0).uniform(0.2, 2.0, (6, 30))
    blended = model.blend(history, cut, first, hourly, 0.5)
    # hours 0-3 finish the 00-08 shift, 4-11 and 12-19 and 20-27 are whole, 28-29 cut
    np.testing.assert_allclose(blended[:, :4], hourly[:, :4])
    np.testing.assert_allclose(blended[:, 28:], hourly[:, 28:])
    direct = model.predict_totals(history, cut, np.array([first + 4, first + 12, first + 20]))
    for k, lo in enumerate((4, 12, 20)):
        part = slice(lo, lo + 8)
        want = 0.5 * hourly[:, part].sum(1) + 0.5 * direct[:, k]
        np.testing.assert_allclose(blended[:, part].sum(1), want)
        # the shift's hours keep their hourly shape
        ratio = blended[:, part] / hourly[:, part]
        np.testing.assert_allclose(ratio, ratio[:, :1] * np.ones((1, 8)))
    np.testing.assert_allclose(model.blend(history, cut, first, hourly, 0.0), hourly)


def _fold(panel, cut, mean):
    spec = FoldSpec(0, cut, 168, "lightgbm")
    zeros = np.zeros_like(mean)
    hours = panel.hours(cut, cut + 168)
    return FoldResult(
        spec, Prediction(panel.grid_ids, hours, mean, zeros, zeros, zeros, 0.1), {}, 0
    )


def test_the_folds_keep_the_blend_only_where_it_wins(long_panel):
    panel, truth = long_panel
    cuts = [panel.n_hours - 336, panel.n_hours - 168]
    # an hourly forecast 60 % too high on every grid: the direct model's half repairs it
    biased = [_fold(panel, c, 1.6 * truth[:, c : c + 168]) for c in cuts]
    kept = choose_shift_weight(panel, biased, "CN")
    assert kept.weight == 0.5 and kept.reason.startswith("blend kept")
    assert (
        kept.metrics["blend_shift_poisson_deviance"]
        < kept.metrics["hourly_shift_poisson_deviance"]
    )
    # the true intensity itself: nothing fitted on the counts beats it
    exact = [_fold(panel, c, truth[:, c : c + 168]) for c in cuts]
    lost = choose_shift_weight(panel, exact, "CN")
    assert lost.weight == 0.0 and lost.reason.startswith("blend lost")
    assert lost.metrics["blend_shift_deviance_gain"] < 0.002


def test_forecaster_serves_the_blend_and_pickles_it(long_panel, fitted):
    panel, _ = long_panel
    forecaster = Forecaster("level-shape", "CN").fit(panel)
    plain = forecaster.forecast_shifts(None, 24)
    forecaster.shift_model_ = ShiftTotalModel("CN").fit(panel)
    forecaster.shift_weight_ = 0.5
    blended = forecaster.forecast_shifts(None, 24)
    assert list(blended.columns) == list(plain.columns) and len(blended) == len(plain)
    hourly = forecaster.forecast(None, 24)["mean"].to_numpy().reshape(6, 24)
    direct = forecaster.shift_model_.predict_totals(
        panel, panel.n_hours, panel.n_hours + np.array([0, 8, 16])
    )
    want = 0.5 * _totals(hourly, [0, 8, 16]) + 0.5 * direct
    np.testing.assert_allclose(blended["mean"].to_numpy().reshape(6, 3), want, rtol=1e-9)
    # intervals still bracket the blended totals
    assert (blended["p10"] <= blended["mean"]).all() and (blended["p90"] >= blended["p50"]).all()
    again = pickle.loads(pickle.dumps(forecaster))
    np.testing.assert_allclose(again.forecast_shifts(None, 24)["mean"], blended["mean"])
    some = forecaster.forecast_shifts(None, 24, ["G02", "G04"])
    assert some["grid_id"].tolist() == ["G02"] * 3 + ["G04"] * 3
    np.testing.assert_allclose(some["mean"], blended["mean"].to_numpy()[[6, 7, 8, 12, 13, 14]])
    with pytest.raises(UserError, match="unknown grid_ids: G99"):
        forecaster.forecast_shifts(None, 24, ["G99"])


def test_attach_skips_other_models_and_the_off_switch(long_panel, jingqing_home):
    import mlflow

    from training import tracking

    panel, _ = long_panel
    tracking.configure()
    forecaster = Forecaster("level-shape", "CN").fit(panel)
    for cfg, why in (
        (ForecastConfig(model="level-shape"), "not for level-shape"),
        (ForecastConfig(shift_blend="off"), "off in the config"),
    ):
        with mlflow.start_run() as run:
            choice = attach_shift_model(forecaster, panel, [], cfg)
        assert choice.weight == 0.0 and why in choice.reason
        logged = mlflow.get_run(run.info.run_id).data
        assert logged.params["shift_blend_weight"] == "0.0" and why in logged.tags["shift_blend"]
    assert not hasattr(forecaster, "shift_model_")


def test_the_monitor_judges_the_shift_forecast_planners_get(long_panel):
    from features.monitoring.config import load_thresholds
    from features.monitoring.forecast_error import forecast_error
    from training.monitor.scenarios import calls_from_intensity

    panel, truth = long_panel
    cut = panel.n_hours - 168
    forecaster = Forecaster("how-mean", "CN").fit(panel.truncate(cut))
    hours = panel.hours(cut, cut + 48)
    calls = calls_from_intensity(list(panel.grid_ids), hours, truth[:, cut : cut + 48], seed=2)
    until, th = hours[0] + pd.Timedelta(hours=40), load_thresholds().forecast
    plain = forecast_error(forecaster, calls, th, until=until)
    assert forecaster.shift_hours(hours[0], 24).equals(forecaster.forecast(hours[0], 24))
    # with a shift-total model attached, the hours carry the blended shift totals
    forecaster.shift_model_ = ShiftTotalModel("CN").fit(panel.truncate(cut))
    forecaster.shift_weight_ = 0.5
    blended = forecaster.shift_hours(hours[0], 40)
    totals = forecaster.forecast_shifts(hours[0], 40)
    sums = blended.groupby("grid_id", sort=False)["mean"].sum()
    np.testing.assert_allclose(sums, totals.groupby("grid_id", sort=False)["mean"].sum())
    assert (blended["p10"] <= blended["p90"]).all()
    # and the monitor scores realised shifts against those totals, not the hourly sums
    judged = forecast_error(forecaster, calls, th, until=until)
    assert judged["n_grid_shifts"] == plain["n_grid_shifts"] == 5 * 6
    assert judged["forecast_calls"] == pytest.approx(totals["mean"].sum())
    assert judged["forecast_calls"] != pytest.approx(plain["forecast_calls"])
