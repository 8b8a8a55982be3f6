"""Drawing the calls of the synthetic city: when, where, what category, and the text.

Given the hour-by-grid counts, each call gets a second within its hour, a point inside its
grid polygon, a category from a kind x hour mix, a place name from its grid's list and a
text with routing labels from ``TextGenerator``.

Category mix. ``p(category | kind, hour)`` is proportional to ``w[c] * A[kind, c] *
B[hour, c]``: ``A`` carries what kinds attract (nightlife: public order x2.2; residential:
disputes x1.35; hubs and malls: theft and fraud, lost people and belongings), ``B`` blends
a day and a night profile by a smooth night weight (night: public order x1.9, criminal
x1.4; day: non-police x1.3, assistance x1.1). The city-wide weights ``w`` are fitted
(iterative proportional fitting) on the simulated hours so that all calls, citizen and
patrol together, match the Simao shares in TAXONOMY.md (criminal 6.5%, public order 9.1%,
dispute 25.5%, assistance 44.4%, non-police 14.6%) scaled to 80 %, plus 20 % traffic and
fire calls (non-police): ``CITY_SHARES``. Firework nights double public-order and
raise assistance calls (illegal fireworks, burns).

Routing (``disposition``, ``divert_to``, ``urgent``) comes from the text generator, which is
calibrated per category to the Simao transfer figures (21.6% transferred overall).

Patrol records (``source=patrol``) use a fixed, street-heavy mix (public order 46%,
assistance 20%: drunk people, lost children) and are written as dispatch records.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import shapely

from features.labels import CATEGORIES
from training.simulator.city import KINDS, City
from training.simulator.intensity import NIGHT_WEIGHT

SIMAO_SHARES = {
    "criminal": 327 / 5046,
    "public_order": 459 / 5046,
    "dispute": 1286 / 5046,
    "assistance": 2239 / 5046,
    "non_police": 735 / 5046,
}
SIMAO_TRANSFER_RATE = 1088 / 5046
# Real exports code about 15 % of calls as traffic and 5 % as fire and rescue
# (docs/TAXONOMY.md), both non-police; the five categories keep Simao's proportions in the
# other 80 %. Simao's non-police calls were transferred 51 times in 735, and so are these.
TRAFFIC_FIRE_SHARE = 0.20
CITY_SHARES = {
    c: s * (1 - TRAFFIC_FIRE_SHARE) + (TRAFFIC_FIRE_SHARE if c == "non_police" else 0.0)
    for c, s in SIMAO_SHARES.items()
}
CITY_TRANSFER_RATE = SIMAO_TRANSFER_RATE * (1 - TRAFFIC_FIRE_SHARE) + TRAFFIC_FIRE_SHARE * 51 / 735
PATROL_MIX = {
    "criminal": 0.14,
    "public_order": 0.46,
    "dispute": 0.08,
    "assistance": 0.20,
    "non_police": 0.12,
}
_PATROL_LEADS = (
    "巡逻中发现：",
    "巡逻民警报告：",
    "网格巡逻发现，",
    "巡逻时群众拦车反映，",
    "夜巡发现：",
    "【巡逻发现】",
    "",
)
# Affinity of each kind for each category (columns in CATEGORIES order).
_KIND_AFFINITY = {
    "commercial": (1.3, 1.0, 1.1, 0.85, 1.15),
    "residential": (0.85, 0.8, 1.35, 1.0, 1.0),
    "nightlife": (1.3, 2.2, 1.0, 0.8, 0.6),
    "industrial": (1.1, 0.9, 1.3, 0.8, 1.0),
    "village": (0.8, 0.8, 1.1, 1.1, 1.0),
    "transport_hub": (1.35, 1.0, 0.85, 1.25, 0.9),
}
_DAY = np.array([0.9, 0.7, 1.0, 1.1, 1.3])
_NIGHT = np.array([1.4, 1.9, 0.85, 0.95, 0.6])
_FIREWORK = np.array([1.0, 2.0, 1.0, 1.2, 1.0])


def category_mix(
    kind_hour_weight: np.ndarray, patrol_share: float, follow_ups: np.ndarray | None = None
) -> np.ndarray:
    """``p[kind, hour, category]`` for citizen calls, fitted to the Simao shares.

    Args:
        kind_hour_weight: expected citizen calls per (kind, hour of day), shape (6, 24), in
            ``KINDS`` order; the fit weights each cell by how many calls it really has.
        patrol_share: share of all records that are patrol records (their fixed mix is
            taken out of the targets so the whole table matches Simao).
        follow_ups: expected further calls per first call of an incident, per (kind, hour,
            category) (``incidents.follow_up_rates``), so the shares of all calls match.
    """
    target = np.array([CITY_SHARES[c] for c in CATEGORIES])
    patrol = np.array([PATROL_MIX[c] for c in CATEGORIES])
    citizen_target = (target - patrol_share * patrol) / (1 - patrol_share)
    citizen_target = np.clip(citizen_target, 1e-3, None)
    citizen_target /= citizen_target.sum()
    affinity = np.array([_KIND_AFFINITY[k] for k in KINDS])  # (6, 5)
    hourly = _DAY + (_NIGHT - _DAY) * NIGHT_WEIGHT[:, None]  # (24, 5)
    raw = affinity[:, None, :] * hourly[None, :, :]  # (6, 24, 5)
    w = np.ones(len(CATEGORIES))
    grow = 1.0 if follow_ups is None else 1.0 + follow_ups
    for _ in range(50):
        p = raw * w
        p /= p.sum(axis=2, keepdims=True)
        calls = p * kind_hour_weight[:, :, None] * grow
        share = calls.sum(axis=(0, 1)) / calls.sum()
        w *= citizen_target / share
    p = raw * w
    return p / p.sum(axis=2, keepdims=True)


def points_in(polygon: shapely.Polygon, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points (lon, lat), rounded to 6 decimals, uniformly inside ``polygon``."""
    minx, miny, maxx, maxy = polygon.bounds
    out = np.empty((0, 2))
    shapely.prepare(polygon)
    while len(out) < n:
        want = max(16, int((n - len(out)) * 1.6))
        xy = np.column_stack([rng.uniform(minx, maxx, want), rng.uniform(miny, maxy, want)]).round(
            6
        )
        inside = shapely.contains_xy(polygon, xy[:, 0], xy[:, 1])
        out = np.vstack([out, xy[inside]])
    return out[:n]


def _draw_categories(probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One category index per row of ``probs`` (inverse CDF, vectorised)."""
    cum = probs.cumsum(axis=1)
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1)


def draw_calls(
    city: City,
    hours: pd.DatetimeIndex,
    citizen: np.ndarray,
    patrol: np.ndarray,
    mix: np.ndarray,
    firework: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Everything about each call except its text, sorted by time.

    Columns: ``received_at`` (tz-aware), ``grid`` (index), ``kind``, ``hour``, ``lat``,
    ``lon``, ``category``, ``source``.
    """
    frames = []
    for source, counts in (("citizen", citizen), ("patrol", patrol)):
        t_idx, g_idx = np.nonzero(counts)
        reps = counts[t_idx, g_idx]
        frames.append(
            pd.DataFrame(
                {
                    "t": np.repeat(t_idx, reps),
                    "grid": np.repeat(g_idx, reps),
                    "source": source,
                }
            )
        )
    calls = pd.concat(frames, ignore_index=True)
    n = len(calls)
    seconds = rng.integers(0, 3600, size=n)
    calls["received_at"] = hours[calls["t"].to_numpy()] + pd.to_timedelta(seconds, unit="s")
    kind_index = {k: i for i, k in enumerate(KINDS)}
    kinds = np.array([kind_index[k] for k in city.kinds])
    grid_kind = kinds[calls["grid"].to_numpy()]
    hour = hours.hour.to_numpy()[calls["t"].to_numpy()]
    is_patrol = (calls["source"] == "patrol").to_numpy()
    probs = mix[grid_kind, hour].copy()
    fire = firework[calls["t"].to_numpy()] & ~is_patrol
    probs[fire] *= _FIREWORK
    probs[is_patrol] = np.array([PATROL_MIX[c] for c in CATEGORIES])
    probs /= probs.sum(axis=1, keepdims=True)
    calls["category"] = np.asarray(CATEGORIES, dtype=object)[_draw_categories(probs, rng)]
    calls["kind"] = np.asarray(KINDS, dtype=object)[grid_kind]
    calls["hour"] = hour

    lon = np.empty(n)
    lat = np.empty(n)
    grid_col = calls["grid"].to_numpy()
    order = np.argsort(grid_col, kind="stable")
    bounds = np.searchsorted(grid_col[order], np.arange(len(city.grids) + 1))
    for g, grid in enumerate(city.grids):
        rows = order[bounds[g] : bounds[g + 1]]
        if len(rows):
            pts = points_in(grid.polygon, len(rows), rng)
            lon[rows], lat[rows] = pts[:, 0], pts[:, 1]
    calls["lat"], calls["lon"] = lat, lon
    calls = calls.sort_values(["received_at", "grid", "source"], kind="stable")
    return calls.drop(columns="t").reset_index(drop=True)


def write_texts(
    calls: pd.DataFrame,
    city: City,
    rng: np.random.Generator,
    progress: Iterable | None = None,
) -> pd.DataFrame:
    """Add ``text`` and the routing labels to every call, using ``TextGenerator``.

    Args:
        calls: output of ``draw_calls``.
        city: gives each call's grid its list of place names.
        rng: the only randomness used (texts are deterministic given it).
        progress: optional wrapper for the row iterator (a tqdm bar).
    """
    from training.simulator.texts import TextGenerator

    generator = TextGenerator()
    places = [g.places for g in city.grids]
    n = len(calls)
    text = np.empty(n, dtype=object)
    subtype = np.empty(n, dtype=object)
    disposition = np.empty(n, dtype=object)
    divert_to = np.empty(n, dtype=object)
    urgent = np.zeros(n, dtype=bool)
    voice = np.empty(n, dtype=object)
    phrasing = np.empty(n, dtype=object)
    codes = np.empty((n, 2), dtype=object)
    named = np.empty(n, dtype=object)
    rows = zip(
        calls["category"].to_numpy(),
        calls["grid"].to_numpy(),
        calls["kind"].to_numpy(),
        calls["hour"].to_numpy(),
        calls["source"].to_numpy(),
        calls["received_at"].dt.minute.to_numpy(),
        strict=True,
    )
    iterator = progress(rows) if progress is not None else rows
    place_u = rng.random(n)
    for i, (category, grid, kind, hour, source, minute) in enumerate(iterator):
        options = places[grid]
        place = named[i] = options[int(place_u[i] * len(options))]
        kw = {"hour": int(hour), "grid_kind": kind, "place": place, "minute": int(minute)}
        call = generator.sample(category, rng, **kw)
        if source == "patrol":
            for _ in range(12):  # patrol records are written as dispatch records
                if call.voice == "record":
                    break
                call = generator.sample(category, rng, **kw)
            lead = _PATROL_LEADS[int(rng.integers(len(_PATROL_LEADS)))]
            text[i] = lead + call.text
        else:
            text[i] = call.text
        subtype[i] = call.subtype
        disposition[i] = call.disposition
        divert_to[i] = call.divert_to
        urgent[i] = call.urgent
        voice[i] = call.voice
        phrasing[i] = call.phrasing
        codes[i] = (call.police_class, call.police_type)
    out = calls.copy()
    out["text"] = text
    out["subtype"] = subtype
    out["disposition"] = disposition
    out["divert_to"] = divert_to
    out["urgent"] = urgent
    out["voice"] = voice
    out["phrasing"] = phrasing  # event clause the text came from (grouped validation)
    out["police_class"] = codes[:, 0]  # the police's own coding, as a real export has it
    out["police_type"] = codes[:, 1]
    out["place"] = named  # the grid's place name the text uses (other callers may repeat it)
    return out


def iso_seconds(received_at: pd.Series) -> np.ndarray:
    """ISO 8601 local times with their UTC offset, e.g. ``2025-01-01T00:13:45+08:00``.

    Vectorised (``strftime`` costs seconds on a year of calls).
    """
    local = received_at.dt.tz_localize(None).to_numpy().astype("datetime64[s]")
    utc = received_at.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[s]")
    text = np.datetime_as_string(local, unit="s").astype(object)
    offset = (local - utc).astype(np.int64) // 60
    sign = np.where(offset < 0, "-", "+")
    hh, mm = np.abs(offset) // 60, np.abs(offset) % 60
    tail = np.char.add(
        np.char.add(sign, np.char.zfill(hh.astype(str), 2)),
        np.char.add(":", np.char.zfill(mm.astype(str), 2)),
    ).astype(object)
    return text + tail


def call_ids(stamps: np.ndarray) -> np.ndarray:
    """``C`` + local date + a per-day sequence number, e.g. ``C2025010100001``.

    Args:
        stamps: ISO local times from ``iso_seconds``, sorted by time.
    """
    day = np.array([s[:10].replace("-", "") for s in stamps], dtype=object)
    seq = pd.Series(day).groupby(day, sort=False).cumcount().to_numpy() + 1
    width = max(5, len(str(int(seq.max())))) if len(seq) else 5
    return np.array([f"C{d}{s:0{width}d}" for d, s in zip(day, seq, strict=True)], dtype=object)
