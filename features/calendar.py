"""Public-holiday calendars used by the simulator and the forecasting features.

China moves working days around its holidays (调休): a Sunday can be a make-up working day
and a Tuesday a day off. ``chinese_calendar`` carries the State Council schedule for the
years it knows (2004-2026 in the pinned release); outside them we fall back to the
``holidays`` package, which knows the holiday dates (lunar ones included) but not the
make-up days. Other countries (the Houston data) use ``holidays`` directly.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np
import pandas as pd

_MAX_DISTANCE = 15  # days; beyond this "distance to a holiday" carries no signal


def _cn_day(day: dt.date) -> tuple[bool, bool, str]:
    """(is_holiday, is_makeup_workday, name) for one Chinese date."""
    import chinese_calendar

    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        is_workday = chinese_calendar.is_workday(day)
    except NotImplementedError:
        return _fallback_day(day, "CN")
    is_weekend = day.weekday() >= 5
    # A statutory holiday is a listed holiday; a weekend with no name is just a weekend.
    is_holiday = bool(on_holiday and name is not None)
    is_makeup = bool(is_workday and is_weekend)
    return is_holiday, is_makeup, (str(name) if is_holiday else "")


@lru_cache(maxsize=16)
def _holidays_for(country: str, year: int) -> dict[dt.date, str]:
    import holidays

    return dict(holidays.country_holidays(country, years=[year]))


def _fallback_day(day: dt.date, country: str) -> tuple[bool, bool, str]:
    name = _holidays_for(country, day.year).get(day)
    return (name is not None, False, name or "")


def holiday_table(start: str | dt.date, end: str | dt.date, country: str = "CN") -> pd.DataFrame:
    """One row per calendar day in ``[start, end]`` (inclusive) with holiday flags.

    ``days_to_holiday`` / ``days_since_holiday`` count days to the next / since the last
    holiday, capped at 15, so a model can learn the rush before and the lull after.
    """
    days = pd.date_range(pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize(), freq="D")
    # Look a little beyond the range so distances near the edges are right.
    pad = pd.date_range(
        days[0] - pd.Timedelta(days=_MAX_DISTANCE),
        days[-1] + pd.Timedelta(days=_MAX_DISTANCE),
        freq="D",
    )
    lookup = _cn_day if country.upper() == "CN" else (lambda d: _fallback_day(d, country.upper()))
    flags = [lookup(d.date()) for d in pad]
    is_holiday = np.array([f[0] for f in flags])
    is_makeup = np.array([f[1] for f in flags])
    names = np.array([f[2] for f in flags], dtype=object)
    weekend = pad.dayofweek.to_numpy() >= 5
    is_offday = (is_holiday | weekend) & ~is_makeup

    idx = np.arange(len(pad))
    hol_idx = idx[is_holiday]
    to_next = np.full(len(pad), _MAX_DISTANCE)
    since_last = np.full(len(pad), _MAX_DISTANCE)
    if len(hol_idx):
        pos = np.searchsorted(hol_idx, idx, side="left")
        has_next = pos < len(hol_idx)
        to_next[has_next] = hol_idx[pos[has_next]] - idx[has_next]
        pos_prev = np.searchsorted(hol_idx, idx, side="right") - 1
        has_prev = pos_prev >= 0
        since_last[has_prev] = idx[has_prev] - hol_idx[pos_prev[has_prev]]
    frame = pd.DataFrame(
        {
            "date": pad,
            "is_holiday": is_holiday,
            "is_makeup_workday": is_makeup,
            "is_offday": is_offday,
            "holiday_name": names,
            "days_to_holiday": np.minimum(to_next, _MAX_DISTANCE).astype("int16"),
            "days_since_holiday": np.minimum(since_last, _MAX_DISTANCE).astype("int16"),
        }
    )
    keep = (frame["date"] >= days[0]) & (frame["date"] <= days[-1])
    return frame.loc[keep].reset_index(drop=True)


def prophet_holidays(
    start: str | dt.date, end: str | dt.date, country: str = "CN"
) -> pd.DataFrame:
    """Holidays in Prophet's ``holidays`` frame format (``holiday``, ``ds``)."""
    table = holiday_table(start, end, country)
    hol = table.loc[table["is_holiday"], ["holiday_name", "date"]]
    hol = hol.rename(columns={"holiday_name": "holiday", "date": "ds"})
    makeup = table.loc[table["is_makeup_workday"], ["date"]].rename(columns={"date": "ds"})
    makeup.insert(0, "holiday", "makeup_workday")
    return pd.concat([hol, makeup], ignore_index=True)
