"""Multi-caller incidents in the synthetic city: ground truth for the call linker."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from training.simulator import run_simulate
from training.simulator.incidents import MAX_EXTRA, multi_caller_share


@pytest.fixture(scope="module")
def calls(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("incidents")
    result = run_simulate(out, grids=51, days=21, start="2025-06-01", seed=5, progress=False)
    frame = pd.read_csv(result.calls_path, dtype=str, keep_default_na=False)
    frame["t"] = pd.to_datetime(frame["received_at"])
    frame[["lat", "lon"]] = frame[["lat", "lon"]].astype(float)
    return frame


def test_every_call_has_an_incident_named_after_its_first_call(calls: pd.DataFrame) -> None:
    assert calls["incident_id"].isin(set(calls["call_id"])).all()
    first = calls.groupby("incident_id")["call_id"].first()
    assert (first.index == first).all()


def test_incidents_bring_two_to_ten_calls_within_minutes_from_nearby(calls: pd.DataFrame) -> None:
    size = calls.groupby("incident_id")["call_id"].transform("size")
    multi = calls[size > 1]
    assert 100 < multi["incident_id"].nunique() < 1000
    assert size.max() <= MAX_EXTRA + 2
    grouped = multi.groupby("incident_id")
    assert (grouped["category"].nunique() == 1).all()
    assert (grouped["subtype"].nunique() == 1).all()
    span = grouped["t"].max() - grouped["t"].min()
    assert span.max() <= pd.Timedelta(minutes=15)
    assert span.median() >= pd.Timedelta(minutes=1)
    lat0 = grouped["lat"].transform("first")
    lon0 = grouped["lon"].transform("first")
    metres = np.hypot((multi["lat"] - lat0) * 111_320, (multi["lon"] - lon0) * 101_000)
    assert metres.max() < 750
    assert 0.0 < (grouped["grid_id"].nunique() > 1).mean() < 0.3  # some cross a grid border
    # told again, not copied: other voices and words
    assert (grouped["text"].nunique() == grouped["text"].size()).mean() > 0.95
    assert (grouped["voice"].nunique() > 1).mean() > 0.4


def test_fights_and_parties_bring_more_callers_than_thefts(calls: pd.DataFrame) -> None:
    assert multi_caller_share("fight_no_injury") > 10 * multi_caller_share("pickpocket")
    assert multi_caller_share("party_noise") > multi_caller_share("family_quarrel")
    n = calls.groupby("incident_id")["call_id"].size()
    firsts = calls.drop_duplicates("incident_id").set_index("incident_id")
    firsts["multi"] = n.reindex(firsts.index) > 1
    by_sub = firsts.groupby("subtype")["multi"].mean()
    assert by_sub["fight_no_injury"] > 0.15
    assert by_sub[["pickpocket", "burglary", "ebike_theft"]].max() < 0.06


def test_patrol_records_start_no_incident(calls: pd.DataFrame) -> None:
    size = calls.groupby("incident_id")["call_id"].transform("size")
    assert (size[calls["source"] == "patrol"] == 1).all()


def test_the_oracle_counts_the_follow_up_calls(tmp_path) -> None:
    result = run_simulate(tmp_path, grids=20, days=60, seed=2, progress=False)
    expected = pd.read_parquet(result.intensity_path)["expected"].sum()
    # Poisson noise on ~8,000 calls is ~1 %; without the follow-ups the oracle is ~5 % short
    assert result.n_citizen == pytest.approx(expected, rel=0.03)
