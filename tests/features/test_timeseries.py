"""Forecast features: panel building, lags against plain pandas, and no leakage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.timeseries import FEATURE_NAMES, ForecastFeatures, Panel, hourly_panel

TZ = "Asia/Shanghai"


def _panel(n_grids: int = 3, hours: int = 24 * 42, seed: int = 1) -> Panel:
    rng = np.random.default_rng(seed)
    counts = rng.poisson(0.8, size=(n_grids, hours)).astype(np.float32)
    start = pd.Timestamp("2025-09-01 00:00", tz=TZ)
    return Panel([f"g{i}" for i in range(n_grids)], start, counts, ["a", "b", ""][:n_grids])


def _forecast_matrix(panel: Panel, origin: int, hours: int) -> np.ndarray:
    feats = ForecastFeatures("CN").fit(panel)
    return feats.rows(
        panel.counts, *feats.forecast_rows(len(panel.grid_ids), origin, origin, hours)
    )


def _col(x: np.ndarray, name: str) -> np.ndarray:
    return x[:, FEATURE_NAMES.index(name)]


def test_hourly_panel_is_complete_and_counts_match_groupby():
    # given calls in two grids with a silent hour in between and a grid with no calls
    times = pd.to_datetime(
        ["2025-03-01 00:10", "2025-03-01 00:50", "2025-03-01 02:05", "2025-03-01 02:59"]
    ).tz_localize(TZ)
    calls = pd.DataFrame({"received_at": times, "grid_id": ["A", "A", "B", "A"]})
    # when
    panel = hourly_panel(calls, grid_ids=["A", "B", "C"])
    # then every grid × hour is there, zeros included, and totals match a groupby
    assert panel.counts.shape == (3, 3)
    assert panel.counts.tolist() == [[2, 0, 1], [0, 0, 1], [0, 0, 0]]
    expected = calls.groupby([calls["grid_id"], calls["received_at"].dt.floor("h")]).size()
    long = panel.long_frame().set_index(["grid_id", "hour"])["count"]
    assert (long.loc[expected.index] == expected).all()
    assert panel.index_of("2025-03-01 02:30") == 2


def test_lags_equal_pandas_groupby_shift():
    # given a panel and, for one origin, targets at horizons 1..168
    panel = _panel()
    feats = ForecastFeatures("CN").fit(panel)
    origin = 24 * 30
    g, t, o = feats.forecast_rows(len(panel.grid_ids), origin, origin, 168)
    x = feats.rows(panel.counts, g, t, o)
    # when the same lags are computed with plain pandas on the long frame
    long = panel.long_frame()
    by = long.groupby("grid_id")["count"]
    for k in (24, 48, 168):
        long[f"shift{k}"] = by.shift(k)
    long["t"] = long.groupby("grid_id").cumcount()
    ref = long.set_index(["grid_id", "t"])
    keys = list(zip(np.asarray(panel.grid_ids)[g], t, strict=True))
    h = t - o + 1
    # then lag_24h is shift(24) up to horizon 24 and missing beyond
    shift24 = ref.loc[keys, "shift24"].to_numpy()
    lag24 = _col(x, "lag_24h")
    assert np.array_equal(lag24[h <= 24], shift24[h <= 24])
    assert np.isnan(lag24[h > 24]).all()
    # last_same_hour is shift(24) for h<=24 and shift(48) for 24<h<=48
    lsh = _col(x, "last_same_hour")
    assert np.array_equal(lsh[h <= 24], shift24[h <= 24])
    mid = (h > 24) & (h <= 48)
    assert np.array_equal(lsh[mid], ref.loc[keys, "shift48"].to_numpy()[mid])
    # same hour last week is shift(168) for every horizon up to 168
    assert np.array_equal(_col(x, "last_same_hour_of_week"), ref.loc[keys, "shift168"].to_numpy())


def test_rolling_means_end_at_the_origin():
    panel = _panel()
    feats = ForecastFeatures("CN").fit(panel)
    origin = 24 * 35 + 7
    g, t, o = feats.forecast_rows(len(panel.grid_ids), origin, origin, 5)
    x = feats.rows(panel.counts, g, t, o)
    for name, width in (("roll_mean_24h", 24), ("roll_mean_7d", 168), ("roll_mean_28d", 672)):
        want = panel.counts[:, origin - width : origin].mean(axis=1)[g]
        assert np.allclose(_col(x, name), want, rtol=1e-5)
    assert np.allclose(_col(x, "level_all"), panel.counts[:, :origin].mean(axis=1)[g], rtol=1e-5)
    # how_mean_4w: mean of the same hour of week in the last 4 weeks
    want = np.mean([panel.counts[g, t - 168 * k] for k in range(1, 5)], axis=0)
    assert np.allclose(_col(x, "how_mean_4w"), want, rtol=1e-5)
    # expanding means: every same hour of day / of week before the origin
    for name, period in (("hod_mean_all", 24), ("how_mean_all", 168)):
        want = [  # every hour ti - k*period (k >= 1) is before the origin for these h <= 5
            panel.counts[gi, ti - period * np.arange(1, ti // period + 1)].mean()
            for gi, ti in zip(g, t, strict=True)
        ]
        assert np.allclose(_col(x, name), want, rtol=1e-5)


@pytest.mark.parametrize("origin", [24 * 14, 24 * 20 + 13, 24 * 41])
def test_features_ignore_everything_at_or_after_the_origin(origin):
    # given features for every horizon 1-168 from one origin
    panel = _panel()
    feats = ForecastFeatures("CN").fit(panel)
    g, t, o = feats.forecast_rows(len(panel.grid_ids), origin, origin, 168)
    before = feats.rows(panel.counts, g, t, o)
    # when every count at or after the origin is replaced by garbage
    perturbed = panel.counts.copy()
    perturbed[:, origin:] = np.random.default_rng(9).poisson(50, perturbed[:, origin:].shape)
    after = feats.rows(perturbed, g, t, o)
    # then no feature changes
    assert np.array_equal(before, after, equal_nan=True)


def test_training_rows_use_only_hours_before_their_own_origin():
    panel = _panel(hours=24 * 28)
    feats = ForecastFeatures("CN").fit(panel)
    g, t, o = feats.training_rows(panel.counts, first_target=0, last_target=panel.n_hours)
    assert (t >= o).all() and (t - o + 1 <= 168).all() and (o >= 168).all()
    x = feats.rows(panel.counts, g, t, o)
    # rows sharing one origin are unchanged when hours from that origin on are perturbed
    pick = o == np.bincount(o).argmax()
    perturbed = panel.counts.copy()
    perturbed[:, o[pick][0] :] += 7
    y = feats.rows(perturbed, g[pick], t[pick], o[pick])
    assert np.array_equal(x[pick], y, equal_nan=True)


def test_calendar_marks_chinese_holidays_and_makeup_days():
    panel = _panel()
    feats = ForecastFeatures("CN").fit(panel)
    hours = pd.date_range("2025-09-28 12:00", periods=4 * 24, freq="6h", tz=TZ)
    cal = feats.calendar(hours)
    by_day = cal.groupby(hours.date).first()
    assert by_day.loc[pd.Timestamp("2025-10-01").date(), "is_holiday"] == 1
    assert by_day.loc[pd.Timestamp("2025-09-28").date(), "is_makeup_workday"] == 1  # a Sunday
    assert by_day.loc[pd.Timestamp("2025-09-29").date(), "days_to_holiday"] == 2
    assert (cal["hour_of_week"] == cal["day_of_week"] * 24 + cal["hour_of_day"]).all()
    us = (
        ForecastFeatures("US")
        .fit(panel)
        .calendar(pd.date_range("2025-07-04", periods=1, freq="h", tz=TZ))
    )
    assert us["is_holiday"].iloc[0] == 1


def test_history_feature_names_derive_from_their_specs():
    from features.history import (
        DAY,
        HISTORY_SPECS,
        WEEK,
        Lag,
        ProfileTimesLevel,
        SamePhaseMean,
        WindowMean,
    )

    # given specs, their names say what they read
    assert Lag(DAY).name == "lag_24h"
    assert WindowMean(28 * DAY).name == "roll_mean_28d"
    assert WindowMean(None).name == "level_all"
    assert SamePhaseMean(WEEK, 4).name == "how_mean_4w"
    assert SamePhaseMean(DAY, None).name == "hod_mean_all"
    assert ProfileTimesLevel(WEEK, 28 * DAY).name == "how_profile_x_28d"
    # and the model's columns are exactly the specs' names, each once
    names = [s.name for s in HISTORY_SPECS]
    assert len(set(names)) == len(names)
    assert [n for n in FEATURE_NAMES if n in names] == names


def test_profile_feature_is_long_run_shape_times_recent_level():
    x = _forecast_matrix(_panel(), origin=24 * 35, hours=3)
    want = _col(x, "how_mean_all") / _col(x, "level_all") * _col(x, "roll_mean_28d")
    assert np.allclose(_col(x, "how_profile_x_28d"), want, rtol=1e-5)


def test_city_features_read_the_city_total_before_the_origin():
    # given a panel of whole weeks and rows from an origin at a week boundary
    panel = _panel(hours=24 * 42)
    origin = 24 * 35
    x = _forecast_matrix(panel, origin=origin, hours=168)
    city = panel.counts[:, :origin].sum(axis=0)
    # then the city's recent swing is its last day over its last 28 days
    swing = _col(x, "city_roll_mean_24h_over_city_roll_mean_28d")
    assert np.allclose(swing, city[-24:].mean() / city[-672:].mean(), rtol=1e-5)
    # and level × city shape is the analysts' level-shape reference, row for row
    from features.baselines import LevelShape

    ref = LevelShape().predict_mean(panel.truncate(origin), origin, origin, 168).reshape(-1)
    name = "roll_mean_56d_x_city_how_mean_all_over_city_level_all"
    assert np.allclose(_col(x, name), ref, rtol=1e-4)


def test_a_model_fitted_with_fewer_specs_keeps_its_columns():
    from features.history import HISTORY_SPECS

    panel = _panel()
    feats = ForecastFeatures("CN").fit(panel)
    feats.specs_ = HISTORY_SPECS  # as pickled before the city features were added
    x = feats.rows(panel.counts, *feats.forecast_rows(3, 24 * 30, 24 * 30, 4))
    assert x.shape[1] == len(feats.names) == 1 + 8 + len(HISTORY_SPECS) + 2


def test_around_features_read_the_neighbours_counts_before_the_origin():
    from features.history import Around, WindowMean

    # given three grids where g0's neighbours are g1 and g2 (half each) and g1's is g0
    panel = _panel(hours=24 * 42)
    origin = 24 * 35
    weights = np.array([[0, 0.5, 0.5], [1, 0, 0], [0, 0, 0]], dtype=np.float64)
    feats = ForecastFeatures("CN").fit(panel)
    feats.specs_ = (*feats.specs_, WindowMean(8), Around(WindowMean(8)), Around(WindowMean(56)))
    feats.neighbours_ = weights
    g, t, o = feats.forecast_rows(3, origin, origin, 2)
    x = feats.rows(panel.counts, g, t, o)
    col = {n: x[:, i] for i, n in enumerate(feats.names)}
    last8 = panel.counts[:, origin - 8 : origin].mean(axis=1)
    last56 = panel.counts[:, origin - 56 : origin].mean(axis=1)
    # then each row sees its neighbours' mean of the last shift and of the last 7 shifts
    assert np.allclose(col["roll_mean_8h"], last8[g])
    assert np.allclose(col["around_roll_mean_8h"], (weights @ last8)[g], rtol=1e-5)
    assert np.allclose(col["around_roll_mean_56h"], (weights @ last56)[g], rtol=1e-5)
    # and a later call after the origin changes nothing
    later = panel.counts.copy()
    later[:, origin:] += 5
    assert np.array_equal(feats.rows(later, g, t, o), x, equal_nan=True)
    # without neighbours the spec is a clear error, not a silent zero
    feats.neighbours_ = None
    with pytest.raises(ValueError, match="neighbours"):
        feats.rows(panel.counts, g, t, o)
