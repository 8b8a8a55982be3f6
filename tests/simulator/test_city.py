"""The synthetic city: layout, file contract, determinism and calibration to the reference figures."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from features.labels import CATEGORIES, DISPOSITIONS, DIVERT_TO, SOURCES
from training.simulator import CALL_COLUMNS, SimulationResult, run_simulate
from training.simulator.city import CENTRE_LAT, CENTRE_LON, KINDS, build_city, kind_counts
from training.simulator.intensity import excite
from training.simulator.sample import CITY_SHARES, CITY_TRANSFER_RATE
from training.simulator.slots import mask_place


def _read_calls(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _hourly_counts(calls: pd.DataFrame) -> pd.DataFrame:
    """Citizen calls per (grid_id, hour) as a frame keyed like intensity.parquet."""
    citizen = calls[calls["source"] == "citizen"]
    hour = pd.to_datetime(citizen["received_at"]).dt.floor("h").dt.tz_convert("Asia/Shanghai")
    return citizen.assign(hour=hour).groupby(["grid_id", "hour"]).size().rename("n").reset_index()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> SimulationResult:
    """8 grids x 28 days."""
    out = tmp_path_factory.mktemp("small-city")
    return run_simulate(out, grids=8, days=28, start="2025-03-01", seed=3, progress=False)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> SimulationResult:
    """The default 51-grid city over its first 60 days (includes Spring Festival 2025)."""
    out = tmp_path_factory.mktemp("big-city")
    return run_simulate(out, grids=51, days=60, start="2025-01-01", seed=0, progress=False)


@pytest.fixture(scope="module")
def big_calls(big: SimulationResult) -> pd.DataFrame:
    return _read_calls(big.calls_path)


@pytest.fixture(scope="module")
def big_intensity(big: SimulationResult) -> pd.DataFrame:
    frame = pd.read_parquet(big.intensity_path)
    grids = json.loads(big.grids_path.read_text(encoding="utf-8"))
    kinds = {f["properties"]["grid_id"]: f["properties"]["kind"] for f in grids["features"]}
    return frame.assign(kind=frame["grid_id"].map(kinds))


# ---- layout ---------------------------------------------------------------------------------
def test_default_layout_has_every_kind_in_a_realistic_mix() -> None:
    city = build_city(51, seed=0)
    counts = Counter(city.kinds)
    assert set(counts) == set(KINDS)
    assert counts["residential"] == max(counts.values())
    assert counts["transport_hub"] <= 4
    assert city.grid_ids == [f"G{i:02d}" for i in range(1, 52)]
    assert len({g.name for g in city.grids}) == 51


def test_layout_is_concentric_core_commercial_edge_industry_and_villages() -> None:
    city = build_city(51, seed=0)
    dist = {
        g.grid_id: np.hypot(g.polygon.centroid.x - CENTRE_LON, g.polygon.centroid.y - CENTRE_LAT)
        for g in city.grids
    }
    by_kind = {k: np.mean([dist[g.grid_id] for g in city.grids if g.kind == k]) for k in KINDS}
    assert by_kind["commercial"] < by_kind["residential"] < by_kind["village"]
    assert by_kind["nightlife"] < by_kind["residential"] < by_kind["industrial"]


def test_polygons_tile_the_city_with_1_to_3_km_cells() -> None:
    city = build_city(51, seed=0)
    polys = [g.polygon for g in city.grids]
    assert all(p.is_valid and p.geom_type == "Polygon" for p in polys)
    km2 = np.array([p.area for p in polys]) * 111.3 * 101.1  # degrees^2 at lat 24.8 -> km^2
    assert km2.min() > 0.5 and np.median(km2) < 9 and km2.max() < 30
    union = shapely.union_all(polys)
    assert union.area == pytest.approx(sum(p.area for p in polys), rel=1e-6)  # no overlaps
    assert abs(union.centroid.y - CENTRE_LAT) < 0.03 and abs(union.centroid.x - CENTRE_LON) < 0.03


def test_base_rates_are_heavy_tailed_and_sum_to_jining_volume() -> None:
    rates = np.sort(build_city(51, seed=0).base_rates)[::-1]
    assert rates.sum() == pytest.approx(330, rel=1e-9)
    top5 = rates[: len(rates) // 10].sum() / rates.sum()
    assert top5 > 0.18  # the busiest 10% of grids carry far more than 10% of calls
    assert rates.max() / rates.min() > 8


@pytest.mark.parametrize("n", [1, 2, 5, 6, 8, 51, 300])
def test_any_number_of_grids_gets_a_layout(n: int) -> None:
    counts = kind_counts(n)
    assert sum(counts.values()) == n
    if n >= len(KINDS):
        assert min(counts.values()) >= 1
    city = build_city(n, seed=1)
    assert len(city.grids) == n
    assert len(set(city.grid_ids)) == n


# ---- files and contract ---------------------------------------------------------------------
def test_files_parse_and_columns_follow_the_contract(small: SimulationResult) -> None:
    calls = _read_calls(small.calls_path)
    assert tuple(calls.columns) == CALL_COLUMNS
    assert len(calls) == small.n_calls > 1000
    assert calls["call_id"].is_unique
    assert calls["call_id"].str.fullmatch(r"C202503\d{2}\d{5}").all()
    assert calls["received_at"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00").all()
    times = pd.to_datetime(calls["received_at"])
    assert times.is_monotonic_increasing
    assert times.min() >= pd.Timestamp("2025-03-01T00:00+08:00")
    assert times.max() < pd.Timestamp("2025-03-29T00:00+08:00")
    assert set(calls["category"]) == set(CATEGORIES)
    assert set(calls["disposition"]) <= set(DISPOSITIONS)
    assert set(calls["source"]) == set(SOURCES)
    assert set(calls["urgent"]) == {"true", "false"}
    diverted = calls["disposition"] == "divert"
    assert set(calls.loc[diverted, "divert_to"]) <= set(DIVERT_TO)
    assert (calls.loc[~diverted, "divert_to"] == "").all()
    assert not ((calls["urgent"] == "true") & diverted).any()  # urgent never diverted
    assert (calls["text"].str.len() > 5).all()
    assert set(calls["voice"]) == {"record", "note", "speech"}
    assert (calls.loc[calls["source"] == "patrol", "voice"] == "record").all()
    assert set(calls["grid_id"]) <= {f"G{i}" for i in range(1, 9)}


def test_every_call_lies_inside_its_grid_polygon(small: SimulationResult) -> None:
    calls = _read_calls(small.calls_path)
    collection = json.loads(small.grids_path.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    polys = {}
    for feature in collection["features"]:
        props = feature["properties"]
        assert set(props) >= {"grid_id", "kind", "name", "base_rate"}
        assert props["kind"] in KINDS
        polys[props["grid_id"]] = shape(feature["geometry"])
    assert len(polys) == 8
    for grid_id, rows in calls.groupby("grid_id"):
        lon, lat = rows["lon"].astype(float), rows["lat"].astype(float)
        assert shapely.contains_xy(polys[grid_id], lon, lat).all(), grid_id


def test_texts_mention_places_of_their_own_grid(small: SimulationResult) -> None:
    city = build_city(8, seed=3)
    places = {g.grid_id: g.places for g in city.grids}
    calls = _read_calls(small.calls_path)
    # verbatim, or masked as a dispatch record writes it (XX路125号, XX路XX号)
    forms = {
        g: [f for p in ps for f in (p, mask_place(p, lambda: 0.9), mask_place(p, lambda: 0.0))]
        for g, ps in places.items()
    }
    own = calls.apply(lambda r: any(p in r["text"] for p in forms[r["grid_id"]]), axis=1)
    assert own.mean() > 0.8


def test_intensity_covers_every_grid_hour(small: SimulationResult) -> None:
    frame = pd.read_parquet(small.intensity_path)
    assert list(frame.columns) == ["grid_id", "hour", "expected", "expected_incidents"]
    assert len(frame) == 8 * 28 * 24
    assert str(frame["hour"].dt.tz) == "Asia/Shanghai"
    assert frame["hour"].min() == pd.Timestamp("2025-03-01", tz="Asia/Shanghai")
    assert not frame.duplicated(["grid_id", "hour"]).any()
    assert (frame["expected"] > 0).all()


# ---- determinism ----------------------------------------------------------------------------
def test_same_seed_same_files_different_seed_different_calls(tmp_path: Path) -> None:
    runs = {}
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        run_simulate(tmp_path / name, grids=4, days=5, seed=seed, progress=False)
        runs[name] = {
            f: (tmp_path / name / f).read_bytes()
            for f in ("calls.csv", "grids.geojson", "intensity.parquet")
        }
    assert runs["a"] == runs["b"]
    assert runs["a"]["calls.csv"] != runs["c"]["calls.csv"]
    assert runs["a"]["grids.geojson"] != runs["c"]["grids.geojson"]


# ---- self-excitation ------------------------------------------------------------------------
def test_excitation_mean_is_background_plus_decaying_memory_of_calls() -> None:
    background = np.full((2000, 3), 0.5)
    eta = np.array([0.0, 0.15, 0.3])
    expected, counts = excite(background, eta, np.random.default_rng(0))
    assert np.allclose(expected[:, 0], 0.5)  # no excitation without a branching ratio
    assert np.allclose(expected[0], 0.5)
    # Long-run mean is background / (1 - eta).
    assert expected[100:, 1].mean() == pytest.approx(0.5 / 0.85, rel=0.05)
    assert expected[100:, 2].mean() == pytest.approx(0.5 / 0.7, rel=0.05)
    # A call raises the next hour's mean of its own grid.
    after_call = expected[1:, 2][counts[:-1, 2] > 0].mean()
    after_none = expected[1:, 2][counts[:-1, 2] == 0].mean()
    assert after_call > after_none + 0.05


# ---- calibration (51 grids x 60 days) -------------------------------------------------------
def test_volume_matches_jining(big: SimulationResult) -> None:
    per_day = big.n_citizen / big.days
    assert abs(per_day - 330) / 330 < 0.15
    assert 0.03 < big.n_patrol / big.n_calls < 0.07


def test_category_shares_match_the_city_targets(
    big: SimulationResult, big_calls: pd.DataFrame
) -> None:
    shares = big_calls["category"].value_counts(normalize=True)
    for category, target in CITY_SHARES.items():
        assert abs(shares[category] - target) < 0.025, category
    assert big.category_shares == pytest.approx(shares.to_dict(), abs=1e-12)


def test_transfer_rate_is_reported_near_target(big: SimulationResult) -> None:
    assert abs(big.transfer_rate - CITY_TRANSFER_RATE) < 0.04
    assert 0.0 < big.divert_share < 0.4  # Jiulongpo diverted 37.4 % after its reform
    assert "transferred to police stations" in big.summary()


def test_category_mix_depends_on_hour_and_kind(big_calls: pd.DataFrame) -> None:
    hour = pd.to_datetime(big_calls["received_at"]).dt.hour
    night = big_calls[(hour >= 22) | (hour < 4)]
    day = big_calls[(hour >= 9) & (hour < 17)]
    share = lambda frame, c: (frame["category"] == c).mean()  # noqa: E731
    assert share(night, "public_order") > 1.4 * share(day, "public_order")
    assert share(day, "non_police") > share(night, "non_police")
    kinds = {g.grid_id: g.kind for g in build_city(51, seed=0).grids}
    kind = big_calls["grid_id"].map(kinds)
    assert share(big_calls[kind == "residential"], "dispute") > share(
        big_calls[kind == "nightlife"], "dispute"
    )


def test_city_is_quietest_before_dawn(big_calls: pd.DataFrame) -> None:
    by_hour = pd.to_datetime(big_calls["received_at"]).dt.hour.value_counts().sort_index()
    assert 2 <= by_hour.idxmin() <= 7
    assert by_hour.max() > 2.5 * by_hour.min()


def test_kind_profiles_peak_when_they_should(big_intensity: pd.DataFrame) -> None:
    frame = big_intensity
    hour = frame["hour"].dt.hour
    peak = frame.groupby(["kind", hour])["expected"].mean().groupby("kind").idxmax()
    assert peak["nightlife"][1] in (21, 22, 23, 0, 1, 2)
    assert 7 <= peak["transport_hub"][1] <= 19
    assert 9 <= peak["industrial"][1] <= 17
    assert 18 <= peak["residential"][1] <= 22
    # Nightlife: Friday and Saturday nights beat Monday-Wednesday nights (ordinary weeks).
    ordinary = frame["hour"] >= pd.Timestamp("2025-02-10", tz="Asia/Shanghai")
    night = frame[(frame["kind"] == "nightlife") & (hour >= 21) & ordinary]
    dow = night["hour"].dt.day_of_week
    assert night.loc[dow.isin([4, 5]), "expected"].mean() > 1.3 * (
        night.loc[dow.isin([0, 1, 2]), "expected"].mean()
    )


def test_holidays_and_makeup_days_change_volume(big_intensity: pd.DataFrame) -> None:
    frame = big_intensity
    daytime = frame[frame["hour"].dt.hour.between(9, 17)]
    date = daytime["hour"].dt.date
    per_day = daytime.groupby(["kind", date])["expected"].mean()
    industrial, hub = per_day["industrial"], per_day["transport_hub"]
    spring = [dt.date(2025, 1, 29) + dt.timedelta(days=i) for i in range(6)]
    weekdays = [d for d in industrial.index if d.weekday() < 5 and d.month == 2 and d.day > 9]
    sundays = [d for d in industrial.index if d.weekday() == 6 and d != dt.date(2025, 1, 26)]
    # Factories shut for Spring Festival.
    assert industrial[spring].mean() < 0.7 * industrial[weekdays].mean()
    # Make-up working Sunday (2025-01-26) works like a weekday, not like a Sunday.
    assert industrial[dt.date(2025, 1, 26)] > 1.4 * industrial[sundays].mean()
    # Hubs are busier on holidays than on ordinary weekends.
    weekends = [d for d in hub.index if d.weekday() >= 5 and d.month == 2 and d.day > 9]
    assert hub[spring].mean() > 1.1 * hub[weekends].mean()
    # New Year's Eve (2025-01-28) fireworks: residential evening far above other evenings.
    evening = frame[(frame["kind"] == "residential") & frame["hour"].dt.hour.between(20, 23)]
    by_date = evening.groupby(evening["hour"].dt.date)["expected"].mean()
    assert by_date[dt.date(2025, 1, 28)] > 1.4 * by_date.drop(dt.date(2025, 1, 28)).median()


def test_counts_are_poisson_draws_from_expected(
    big_calls: pd.DataFrame, big_intensity: pd.DataFrame
) -> None:
    counts = _hourly_counts(big_calls)
    merged = big_intensity.merge(counts, on=["grid_id", "hour"], how="left").fillna({"n": 0})
    assert len(merged) == len(big_intensity)  # every call falls in a simulated grid-hour
    assert merged["n"].sum() == pytest.approx(merged["expected"].sum(), rel=0.03)
    pearson = ((merged["n"] - merged["expected"]) ** 2 / merged["expected"]).mean()
    assert 1.05 < pearson < 1.5  # several callers for one incident: over-dispersed calls
    firsts = _hourly_counts(big_calls.drop_duplicates("incident_id")).rename(columns={"n": "k"})
    merged = merged.merge(firsts, on=["grid_id", "hour"], how="left").fillna({"k": 0})
    lam = merged["expected_incidents"]
    assert 0.9 < ((merged["k"] - lam) ** 2 / lam).mean() < 1.1  # incidents are Poisson draws
    # Calibrated across the range: in every decile of expected, the calls counted are the
    # expected number within sampling noise (4 standard errors of the over-dispersed count;
    # a fixed 10 % failed by chance in the lowest decile, ~150 calls, when the draws moved).
    decile = pd.qcut(merged["expected"], 10, labels=False, duplicates="drop")
    by_bin = merged.groupby(decile)[["n", "expected"]].sum()
    z = (by_bin["n"] - by_bin["expected"]) / np.sqrt(pearson * by_bin["expected"])
    assert (z.abs() < 4).all(), z
