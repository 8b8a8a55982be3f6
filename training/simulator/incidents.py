"""Multi-caller incidents: a fire or a fight on a main road brings several calls.

After every call has its text, some citizen calls become the first call of an incident that
other callers report too. The share depends on the sub-type (what people around can see or
hear): fires, accidents, street fights, loud parties and fireworks often; outages, drunk
people and injuries sometimes; thefts, frauds and disputes rarely. Such an incident brings
1–8 more calls (2–10 in all), each a few minutes after the first (20 s + a gamma delay,
median ~3 min, at most 15 min), from a point near it (about 120 m per axis, at most 500 m,
so a call may fall in the neighbouring grid), written independently by the same text
generator with the same category and sub-type: another voice, wording and often another
place name of its grid. Every call carries an ``incident_id``: the ``call_id`` of its
incident's first call (a single-call incident has its own).

The oracle (``intensity.parquet``) adds the expected follow-up calls of each grid-hour, so
forecasts are still scored against the true mean of what is counted.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from features.labels import CATEGORIES
from training.simulator.city import KINDS, City

__all__ = [
    "add_incidents",
    "expected_follow_ups",
    "follow_up_rates",
    "incident_ids",
    "multi_caller_share",
]

# Sub-type name patterns and the chance that such an incident is reported by several people.
_SHARES: tuple[tuple[re.Pattern[str], float], ...] = (
    (
        re.compile(r"fire|arson|traffic_accident|hit_run|crash|fight|brawl|stabbing|party|flood"),
        0.3,
    ),
    (
        re.compile(
            r"assault|drunk_trouble|square_dance|road_block|outage|gas_poison|collapsed"
            r"|drunk_lying|scrape|object_throwing|robbery|suicide|rescue"
        ),
        0.08,
    ),
)
RARE_SHARE = 0.01  # thefts, frauds, disputes: only now and then a second caller
MAX_EXTRA = 8  # up to 10 calls for one incident
_EXTRA_P = 0.45  # extra calls: min(MAX_EXTRA, Geometric(_EXTRA_P)), mean ~2.2
_SAME_PLACE = 0.6  # a follow-up names the first caller's place, else one of its grid's
_OFFSET_M = 120.0
_MAX_OFFSET_M = 500.0
_MAX_DELAY_S = 900


def multi_caller_share(subtype: str) -> float:
    """Chance that an incident of this sub-type is reported by more than one caller."""
    for pattern, share in _SHARES:
        if pattern.search(subtype):
            return share
    return RARE_SHARE


def _mean_extra() -> float:
    """``E[min(MAX_EXTRA, K)]`` for ``K ~ Geometric(_EXTRA_P)``."""
    return float(sum((1 - _EXTRA_P) ** j for j in range(MAX_EXTRA)))


def follow_up_rates() -> np.ndarray:
    """Expected further calls per first call, per (kind, hour of day, category).

    From the text generator's sub-type mix, each sub-type's multi-caller share and the mean
    number of extra calls; the category mix is fitted with it so that the shares of *all*
    calls match the reference figures.
    """
    from training.simulator.texts import TextGenerator

    generator = TextGenerator()
    rates = np.zeros((len(KINDS), 24, len(CATEGORIES)))
    for k, kind in enumerate(KINDS):
        for h in range(24):
            for c, category in enumerate(CATEGORIES):
                sub = generator.subtype_mix(category, kind, h)
                rates[k, h, c] = sum(p * multi_caller_share(name) for name, p in sub.items())
    return rates * _mean_extra()


def expected_follow_ups(
    city: City, hours: pd.DatetimeIndex, expected: np.ndarray, mix: np.ndarray, rates: np.ndarray
) -> np.ndarray:
    """Expected follow-up calls per hour × grid, given ``expected`` first calls.

    Args:
        city: the grids (their kinds set the sub-type mix).
        hours: the simulated hours.
        expected: expected citizen calls, shape (hours, grids).
        mix: ``p[kind, hour, category]`` of citizen calls (``category_mix``).
        rates: ``follow_up_rates()``.

    Why: without it the oracle would miss the calls incidents add. Follow-ups that cross
    into the next hour or a neighbouring grid are counted where the incident began.
    """
    per_call = (mix * rates).sum(axis=2)
    kind_of_grid = np.array([KINDS.index(k) for k in city.kinds])
    return expected * per_call[kind_of_grid[None, :], hours.hour.to_numpy()[:, None]]


def add_incidents(
    calls: pd.DataFrame, city: City, rng: np.random.Generator, end: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Add the follow-up calls of multi-caller incidents, sorted by time.

    Args:
        calls: ``write_texts`` output (one row per call, with ``place``).
        city: the grids (follow-up points are assigned to the grid they fall in).
        rng: the only randomness used.
        end: follow-ups at or after this time (the end of the simulated days) are left out.

    Returns:
        The calls and their follow-ups, with an integer ``incident`` (the row number of the
        incident's first call in ``calls``).
    """
    from features.grids import GridSet
    from training.simulator.texts import TextGenerator

    calls = calls.reset_index(drop=True)
    n = len(calls)
    share = calls["subtype"].map(multi_caller_share).to_numpy(dtype=float, copy=True)
    share[(calls["source"] != "citizen").to_numpy()] = 0.0
    first = np.flatnonzero(rng.random(n) < share)
    extra = np.minimum(MAX_EXTRA, rng.geometric(_EXTRA_P, size=len(first)))
    parent = np.repeat(first, extra)
    m = len(parent)
    out = calls.assign(incident=np.arange(n))
    if m == 0:
        return out.drop(columns="place")

    delay = np.minimum(20 + rng.gamma(1.5, 120.0, size=m), _MAX_DELAY_S).round()
    received = calls["received_at"].iloc[parent].reset_index(drop=True) + pd.to_timedelta(
        delay, unit="s"
    )
    offset = np.clip(rng.normal(0.0, _OFFSET_M, size=(m, 2)), -_MAX_OFFSET_M, _MAX_OFFSET_M)
    lat0 = calls["lat"].to_numpy()[parent]
    lat = (lat0 + offset[:, 0] / 111_320.0).round(6)
    lon = (
        calls["lon"].to_numpy()[parent] + offset[:, 1] / (111_320.0 * np.cos(np.radians(lat0)))
    ).round(6)
    grids = GridSet(city.grid_ids, [g.polygon for g in city.grids])
    index = {gid: i for i, gid in enumerate(city.grid_ids)}
    found = grids.assign(lat, lon)
    grid = calls["grid"].to_numpy()[parent].copy()
    inside = pd.notna(found)
    grid[inside] = [index[g] for g in found[inside]]
    lat[~inside], lon[~inside] = lat0[~inside], calls["lon"].to_numpy()[parent][~inside]

    follow = pd.DataFrame(
        {
            "received_at": received,
            "grid": grid,
            "kind": city.kinds[grid],
            "lat": lat,
            "lon": lon,
            "category": calls["category"].to_numpy()[parent],
            "source": "citizen",
            "incident": parent,
        }
    )
    if end is not None:
        keep = (follow["received_at"] < end).to_numpy()
        follow, parent = follow[keep].reset_index(drop=True), parent[keep]
    follow["hour"] = follow["received_at"].dt.hour.to_numpy()
    _write_follow_up_texts(follow, calls, city, parent, rng, TextGenerator())
    out = pd.concat([out, follow[out.columns]], ignore_index=True)
    out = out.sort_values(["received_at", "grid", "source"], kind="stable")
    return out.drop(columns="place").reset_index(drop=True)


def _write_follow_up_texts(follow, calls, city, parent, rng, generator) -> None:
    """Each follow-up told anew: same category and sub-type, its own voice and words."""
    places = [g.places for g in city.grids]
    subtype = calls["subtype"].to_numpy()[parent]
    first_place = calls["place"].to_numpy()[parent]
    same_place = rng.random(len(follow)) < _SAME_PLACE
    place_u = rng.random(len(follow))
    columns = {k: [] for k in ("text", "subtype", "disposition", "divert_to", "urgent")}
    columns.update(voice=[], phrasing=[], place=[], police_class=[], police_type=[])
    rows = zip(
        follow["category"].to_numpy(),
        follow["grid"].to_numpy(),
        follow["kind"].to_numpy(),
        follow["hour"].to_numpy(),
        follow["received_at"].dt.minute.to_numpy(),
        strict=True,
    )
    for i, (category, grid, kind, hour, minute) in enumerate(rows):
        options = places[grid]
        place = first_place[i] if same_place[i] else options[int(place_u[i] * len(options))]
        call = generator.sample(
            category,
            rng,
            hour=int(hour),
            grid_kind=kind,
            place=place,
            minute=int(minute),
            subtype=subtype[i],
        )
        for key in (
            "text",
            "subtype",
            "disposition",
            "voice",
            "phrasing",
            "police_class",
            "police_type",
        ):
            columns[key].append(getattr(call, key))
        columns["divert_to"].append(call.divert_to)
        columns["urgent"].append(call.urgent)
        columns["place"].append(place)
    for key, values in columns.items():
        follow[key] = np.array(values, dtype=bool if key == "urgent" else object)


def incident_ids(call_ids: np.ndarray, incident: np.ndarray) -> np.ndarray:
    """``incident_id`` of every call: the ``call_id`` of its incident's first call.

    Args:
        call_ids: ids of the calls in time order.
        incident: integer incident label per call (``add_incidents``); the first call of
            each label in time order is the incident's first call.
    """
    firsts = pd.Series(call_ids).groupby(np.asarray(incident), sort=False).transform("first")
    return firsts.to_numpy(dtype=object)
