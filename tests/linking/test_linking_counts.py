"""Forecasts can count incidents instead of calls (``--count incidents``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from features.errors import UserError
from features.linking_counts import first_calls
from training.cli import main
from training.forecast.data import load_forecast_data


def test_first_calls_keep_one_call_per_incident(link_calls_frame) -> None:
    got = first_calls(link_calls_frame)
    assert len(got) == link_calls_frame["incident_id"].nunique()
    assert got["incident_id"].is_unique
    times = pd.to_datetime(link_calls_frame["received_at"])
    earliest = times.groupby(link_calls_frame["incident_id"]).transform("min")
    assert (times[got.index] == earliest[got.index]).all()


def test_without_incident_ids_the_linker_finds_them(link_calls_frame) -> None:
    truth = link_calls_frame["incident_id"].nunique()
    got = first_calls(link_calls_frame.drop(columns="incident_id"))
    assert len(link_calls_frame) > len(got)
    assert abs(len(got) - truth) / truth < 0.03


def test_counting_incidents_needs_ids_or_texts(link_calls_frame) -> None:
    with pytest.raises(UserError, match="incident_id column or a text column"):
        first_calls(link_calls_frame.drop(columns=["incident_id", "text"]))


def test_forecast_data_counts_incidents(link_city: Path, link_calls_frame) -> None:
    calls = load_forecast_data(link_city / "calls.csv")
    incidents = load_forecast_data(link_city / "calls.csv", count="incidents")
    citizen = link_calls_frame[link_calls_frame["source"] == "citizen"]
    assert int(calls.panel.counts.sum()) == len(citizen)
    assert int(incidents.panel.counts.sum()) == citizen["incident_id"].nunique()


def test_backtest_forecast_accepts_count_incidents(link_city: Path, tmp_path: Path) -> None:
    out = tmp_path / "bt.csv"
    code = main(
        [
            "backtest",
            "forecast",
            "--calls",
            str(link_city / "calls.csv"),
            "--count",
            "incidents",
            "--model",
            "seasonal-naive",
            "--horizon",
            "24",
            "--output",
            str(out),
        ]
    )
    assert code == 0
    got = pd.read_csv(out)
    assert set(got["model"]) == {"seasonal-naive", "oracle"}  # oracle: expected incidents
    assert len(got) == 2 * 24 * 20
