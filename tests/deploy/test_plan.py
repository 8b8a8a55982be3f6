"""The plan table and every kind of bad input named in one line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.deploy.plan import PLAN_COLUMNS, make_plan
from features.deploy.roster import Roster
from features.errors import UserError


def test_plan_table_has_every_grid_and_shift(forecast, geometry, travel):
    res = make_plan(forecast, geometry, Roster.uniform(36, 3), shifts=3, travel=travel)
    t = res.table
    assert list(t.columns) == list(PLAN_COLUMNS)
    assert len(t) == 3 * 12 and sorted(t["shift"].unique()) == [1, 2, 3]
    per_shift = t.groupby("shift")[["units", "standby_units"]].sum().sum(axis=1)
    assert per_shift.tolist() == [36, 36, 36]
    assert (t.groupby("shift")["standby_units"].sum() == 12).all()  # a third on standby
    assert (t["units"] >= 1).all()
    assert t["share_within_target"].between(0, 1).all()
    assert (t["calls_p10"] <= t["expected_calls"] + 1e-9).all()
    assert (t["calls_p90"] >= np.floor(t["expected_calls"])).all()
    # the day shift (08-16) is busier than the night shift (00-08) in this forecast
    calls = t.groupby("shift")["expected_calls"].sum()
    assert calls[2] > calls[1]
    assert 0 < res.summary["share_within_target"] < 1


def test_pinned_roster_units_stay_in_their_grid(forecast, geometry, travel):
    roster = Roster.from_records(
        [
            {"shift": 1, "units": 20},
            {"shift": 1, "units": 3, "kind": "foot", "grid_id": "G05"},
        ]
    )
    t = make_plan(forecast, geometry, roster, shifts=1, travel=travel).table
    assert int(t.loc[t["grid_id"] == "G05", "units"].iloc[0]) >= 3


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([{"shift": 1, "units": -2}], "roster.0.units: -2 is negative"),
        ([{"shift": 1}], "roster.0.units: missing"),
        ([{"shift": 1, "units": "many"}], "roster.0.units: must be a whole number"),
        ([{"shift": 0, "units": 3}], "roster.0.shift"),
        ([{"shift": 1, "units": 3, "kind": "horse"}], "roster.0.kind"),
        ([{"shift": 1, "units": 3, "colour": "red"}], "roster.0.colour: unknown field"),
        ([], "roster: needs at least one row"),
    ],
)
def test_bad_roster_records_name_the_field(records, message):
    with pytest.raises(UserError, match=message.replace(".", r"\.")):
        Roster.from_records(records)


def test_roster_file_errors_name_line_and_column(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("shift,units\n1,30\n2,-1\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"line 3, column units: -1 is negative"):
        Roster.from_file(path)


def test_unknown_grid_too_few_units_and_start_outside(forecast, geometry, travel):
    unknown = Roster.from_records([{"shift": 1, "units": 30, "grid_id": "G99"}])
    with pytest.raises(
        UserError, match=r"roster\.0\.grid_id: 'G99' is not a grid of the forecast"
    ):
        make_plan(forecast, geometry, unknown, shifts=1, travel=travel)
    with pytest.raises(UserError, match="fewer than the minimum"):
        make_plan(forecast, geometry, Roster.uniform(12, 1), shifts=1, travel=travel)
    late = pd.Timestamp("2025-06-02 20:00", tz="Asia/Shanghai")
    with pytest.raises(UserError, match="outside the forecast window"):
        make_plan(forecast, geometry, Roster.uniform(36, 1), start=late, shifts=1, travel=travel)
    with pytest.raises(UserError, match="no units for shift 2"):
        make_plan(forecast, geometry, Roster.uniform(36, 1), shifts=2, travel=travel)


def test_the_shift_s_rate_uncertainty_is_that_of_its_hours_summed(forecast, geometry, travel):
    from features.deploy.plan import shift_cv2
    from features.shifts import shift_totals

    # one draw scales the whole shift: eight even hours mixed independently vary an
    # eighth as much as one hour; a single busy hour keeps the hour's dispersion
    assert shift_cv2(np.ones((1, 8)), 0.5) == pytest.approx([0.5 / 8])
    assert shift_cv2(np.array([[4.0, 0, 0, 0, 0, 0, 0, 0]]), 0.5) == pytest.approx([0.5])
    # the plan's 80 % interval of the shift's calls is the forecast's own shift total's
    alpha = 0.3
    res = make_plan(
        forecast, geometry, Roster.uniform(36, 3), shifts=3, travel=travel, alpha=alpha
    )
    hours = pd.DatetimeIndex(pd.to_datetime(forecast["hour"]).unique()).sort_values()
    mu = forecast.pivot_table(index="grid_id", columns="hour", values="mean").reindex(
        columns=hours
    )
    want = shift_totals(list(mu.index), hours, mu.to_numpy(), alpha)
    got = res.table.assign(shift_start=pd.to_datetime(res.table["shift_start"]))
    both = got.merge(want, on=["grid_id", "shift_start"])
    assert len(both) == len(got)
    assert (both["calls_p10"] - both["p10"]).abs().max() <= 1
    assert (both["calls_p90"] - both["p90"]).abs().max() <= 1
