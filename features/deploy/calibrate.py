"""Travel and service parameters fitted from ``dispatched_at`` / ``arrived_at`` / ``cleared_at``.

The data say when a unit was sent and when it arrived, not where it came from. The fit
therefore uses the model's own geometry: at each call's dispatch the number of calls of
its grid already being served tells how many of the grid's units were busy. With ``k``
units free, the expected straight-line distance from the nearest to the call is known from
the polygon (``TravelModel.near_``), so

    drive_i = t0 + beta_hour(i) × E[distance | grid, k_i] + noise

is a linear least-squares fit of the turnout ``t0`` and 24 hourly ``beta`` (minutes per
metre). ``k_i`` is the grid's fleet minus the busy count, and the fleet is not in the data:
it is fitted too, from the jump in the drives where a grid runs out of units (a call that
finds all of them busy is answered from a neighbour, much further away). Starting from the
90th percentile of the grid's concurrency plus one, each round fits the drives of all calls
(the overflow calls with their own intercept and slope on the nearest neighbour's
distance) and gives every grid the fleet with the smallest squared error, until the fleets
stop changing. A fleet guessed one too large counts overflow drives as short local ones
and flattens the slope (errors in the regressor): the turnout comes out too large and the
speed about 10 % too fast, so large grids were predicted too well and small ones too badly.
Only ``road_factor / speed`` is identified: the road factor stays at its default and the
speeds absorb the rest. The log-normal spread and the scale are fitted by matching the
drive-time quantiles of the calls a local unit answered. Handling is the mean ``received →
dispatched`` time of calls that did not wait (below the 95th percentile); time on scene is
the mean ``arrived → cleared``.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np
import pandas as pd

from features.deploy.travel import TravelModel, TravelParams

__all__ = ["MIN_CALLS", "calibrate", "fit_fleet"]

log = logging.getLogger(__name__)

MIN_CALLS = 200  # fewer calls with response times: keep the defaults
_MIN_PER_HOUR = 30
# a grid's fleet: the 90th percentile of its concurrent calls plus one (higher quantiles
# count calls its neighbours answered when it was full)
_FLEET_QUANTILE = 0.9
_DAY_HOURS = [10, 11, 12, 13, 14, 15]
_FOLLOW_DEPTH = 4  # follow-ups with 4 or more earlier calls of their incident in service
_FOLLOW_PRIOR = 50.0  # calls: a grid's own follow-up share is trusted from about this many
_FOLLOW_MIN = 15.0  # minutes: without incident ids, a call this soon after its grid's last


def _minutes(later: pd.Series, earlier: pd.Series) -> np.ndarray:
    return ((later - earlier) / pd.Timedelta(minutes=1)).to_numpy(dtype=float)


def calibrate(calls: pd.DataFrame, travel: TravelModel) -> TravelParams:
    """Parameters fitted from the calls' response times (defaults when there are too few).

    ``calls`` needs ``received_at``, ``grid_id`` and the three response columns (tz-aware
    or parsed times); rows without them, and patrol-initiated calls, are ignored.
    """
    base = travel.params
    need = ("received_at", "dispatched_at", "arrived_at", "cleared_at", "grid_id")
    if any(c not in calls for c in need):
        return base
    frame = calls
    if "source" in frame:
        frame = frame[frame["source"].astype(str) != "patrol"]
    zone = _zone(frame["received_at"])
    times = {c: _times(frame[c], zone) for c in need[:4]}
    citizen = len(frame)
    ok = np.ones(len(frame), bool)
    for c in need[:4]:
        ok &= times[c].notna().to_numpy()
    handling = _minutes(times["dispatched_at"], times["received_at"])
    drive = _minutes(times["arrived_at"], times["dispatched_at"])
    scene = _minutes(times["cleared_at"], times["arrived_at"])
    ok &= (handling >= 0) & (drive > 0) & (scene >= 0)
    known = np.isin(frame["grid_id"].astype(str).to_numpy(), travel.geometry.ids)
    ok &= known
    if ok.sum() < MIN_CALLS:
        log.info("travel: %d calls with response times (< %d); defaults kept", ok.sum(), MIN_CALLS)
        return base
    grid = travel.geometry.index_of(frame["grid_id"].astype(str).to_numpy()[ok])
    sent = times["dispatched_at"][ok]
    done = times["cleared_at"][ok]
    busy = _concurrency(grid, _instants(sent), _instants(done))
    hour_all = sent.dt.tz_convert(zone).dt.hour.to_numpy()
    fleet = fit_fleet(travel, grid, busy, hour_all, drive[ok])
    free = fleet[grid] - busy
    use = free >= 1
    kmax = travel.kmax
    kidx = np.clip(free[use], 1, kmax) - 1
    hour = hour_all[use]
    t = drive[ok][use]
    coef = _drive_fit(_design(travel, fleet, grid, busy, hour_all)[use][:, :25], t)
    t0 = float(max(coef[0], 0.0))
    beta = coef[1:25]
    counts = np.bincount(hour, minlength=24)
    good = (counts >= _MIN_PER_HOUR) & (beta > 0)
    if not good.any():
        return base
    day = [h for h in _DAY_HOURS if good[h]] or list(np.flatnonzero(good))
    beta_ref = float(np.median(beta[day]))
    factor = np.where(good, beta_ref / np.where(good, beta, 1.0), 1.0)
    # scale and spread: match the quantiles of the drives the model would produce
    rng = np.random.default_rng(0)
    pick = rng.integers(travel.samples, size=len(t))
    dist = travel.near_[grid[use], kidx, pick].astype(float) / factor[hour]
    z = rng.standard_normal(len(t))
    qs = np.linspace(0.05, 0.95, 19)
    target = np.quantile(t, qs)
    best = (np.inf, beta_ref, base.sigma)
    for sig in np.linspace(0.05, 1.0, 20):
        # quantiles of t0 + m × spread are t0 + m × those of spread (m > 0)
        spread_q = np.quantile(dist * np.exp(sig * z), qs)
        for mult in np.geomspace(0.5, 2.0, 41):
            err = np.sum((t0 + mult * beta_ref * spread_q - target) ** 2)
            if err < best[0]:
                best = (err, mult * beta_ref, float(sig))
    _, beta_fit, sigma = best
    follow, by_grid, depth = _follow_shares(frame, ok, times, travel.geometry.ids)
    # a grid's units are busy with its own mix: more calls dispatched (nightlife: fights
    # rather than calls diverted to 12345) and longer on scene (crimes handed over)
    ids = travel.geometry.ids
    all_grids = frame["grid_id"].astype(str).to_numpy()
    dispatch_share = float(ok.sum() / max(citizen, 1))
    dispatch_by_grid = shrunk_by_grid(ok[known], all_grids[known], dispatch_share, ids, (0, 1))
    on_scene = float(scene[ok].mean())
    on_scene_by_grid = shrunk_by_grid(scene[ok], all_grids[ok], on_scene, ids)
    ref = base.road_factor / beta_fit  # metres per minute at daytime
    scale = ref * 60 / 1000 / base.speed_kmh["car"]
    fitted = replace(
        base,
        handling_min=float(
            np.mean(handling[ok][handling[ok] <= np.quantile(handling[ok], 0.95)]) + t0
        ),
        speed_kmh={k: v * scale for k, v in base.speed_kmh.items()},
        hour_factor=tuple(float(f) for f in factor),
        sigma=sigma,
        on_scene_min=on_scene,
        on_scene_by_grid=on_scene_by_grid,
        dispatch_share=dispatch_share,
        dispatch_share_by_grid=dispatch_by_grid,
        follow_share=follow,
        follow_share_by_grid=by_grid,
        follow_depth=depth,
        history_fleet={str(g): int(n) for g, n in zip(travel.geometry.ids, fleet, strict=True)},
        source=f"calibrated from {int(ok.sum()):,} calls with response times",
    )
    log.info(
        "travel calibrated from %d calls: handling %.2f min (turnout %.2f), car %.1f km/h at "
        "road factor %.2f, rush-hour factor %.2f, sigma %.2f, on scene %.1f min, %.0f%% "
        "of calls dispatched, fleet %d units (fitted from the drives: %s), %.1f%% follow-up "
        "calls (finding 1/2/3/4+ earlier calls of their incident in service: %s)",
        ok.sum(),
        fitted.handling_min,
        t0,
        fitted.speed_kmh["car"],
        fitted.road_factor,
        min(factor),
        sigma,
        fitted.on_scene_min,
        100 * fitted.dispatch_share,
        int(fleet.sum()),
        " ".join(f"{g}:{n}" for g, n in zip(travel.geometry.ids, fleet, strict=True)),
        100 * follow,
        "/".join(f"{100 * x:.0f}%" for x in depth),
    )
    return fitted


def _design(travel: TravelModel, fleet, grid, busy, hour) -> np.ndarray:
    """Regressors of the drive: intercept, 24 hourly columns of the local distance for the
    calls a free local unit answered, and the overflow calls' own intercept and distance
    (the nearest neighbour grid's unit to the grid's calls)."""
    k = fleet[grid] - busy
    own = k >= 1
    near = travel.near_.mean(axis=2)[grid, np.clip(k, 1, travel.kmax) - 1]
    x = np.zeros((len(grid), 27))
    x[:, 0] = 1.0
    x[np.arange(len(grid)), 1 + hour] = np.where(own, near, 0.0)
    x[:, 25] = np.where(own, 0.0, travel.nb_.mean(axis=2).min(axis=1)[grid])
    x[:, 26] = ~own
    return x


def _drive_fit(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    coef, *_ = np.linalg.lstsq(x, t, rcond=None)
    return coef


def fit_fleet(travel: TravelModel, grid, busy, hour, drive, rounds: int = 6) -> np.ndarray:
    """Units per grid in the history, from where its drives jump to a neighbour's.

    Starts at the 90th percentile of the grid's concurrent calls plus one; each round fits
    the drives of every call (``_design``) and gives each grid the fleet (1 up to its
    largest concurrency plus one) with the smallest squared error of its calls' drives.
    """
    g = len(travel.geometry)
    kmax = travel.kmax
    fleet = np.ones(g, dtype=np.int64)
    top = np.ones(g, dtype=np.int64)
    for i in np.unique(grid):
        b = busy[grid == i]
        fleet[i] = int(np.quantile(b, _FLEET_QUANTILE, method="higher")) + 1
        top[i] = int(b.max()) + 1
    fleet = np.minimum(fleet, kmax)
    top = np.minimum(top, kmax)
    for _ in range(rounds):
        coef = _drive_fit(_design(travel, fleet, grid, busy, hour), drive)
        sse = np.full((g, kmax), np.inf)
        near = travel.near_.mean(axis=2)
        away = coef[0] + coef[26] + coef[25] * travel.nb_.mean(axis=2).min(axis=1)[grid]
        slope = coef[1 + hour]
        for c in range(1, kmax + 1):
            k = c - busy
            local = coef[0] + slope * near[grid, np.clip(k, 1, kmax) - 1]
            err = (drive - np.where(k >= 1, local, away)) ** 2
            sse[:, c - 1] = np.where(c <= top, np.bincount(grid, err, minlength=g), np.inf)
        new = np.argmin(sse, axis=1) + 1
        if np.array_equal(new, fleet):
            break
        fleet = new
    return fleet


def _follow_shares(frame: pd.DataFrame, ok: np.ndarray, times: dict, ids) -> tuple:
    """Share of dispatched calls that follow an earlier call of their incident, overall and
    per grid (shrunk towards the overall share with the weight of ``_FOLLOW_PRIOR`` calls),
    and the shares of those follow-ups that find 1, 2, 3, 4+ earlier calls of their
    incident in their grid still being served.

    With an ``incident_id`` column a follow-up is a call dispatched while an earlier call
    of its incident in its grid is still being served; without one, the calls within ``_FOLLOW_MIN`` minutes of the previous dispatched call of
    their grid beyond the share a Poisson stream at the grid's rate would bring there (the
    near-repeats a second caller makes; chance coincidences are already in the queue).
    """
    grid = frame["grid_id"].astype(str).to_numpy()[ok]
    sent, done = times["dispatched_at"][ok], times["cleared_at"][ok]
    if "incident_id" in frame and "call_id" in frame:
        inc = frame["incident_id"].astype("string").to_numpy()[ok]
        own = frame["call_id"].astype("string").to_numpy()[ok]
        later = pd.notna(inc) & (inc != own)
        # it finds a unit taken only while an earlier call of its incident in its grid is
        # still being served (a quarter of the simulated city's follow-ups do not: the
        # other call was in another grid, not dispatched, or already cleared)
        rows = pd.DataFrame(
            {"inc": inc, "grid": grid, "sent": _instants(sent), "done": _instants(done)}
        )
        pairs = rows[later].reset_index().merge(rows, on=["inc", "grid"], suffixes=("", "_o"))
        taken = (pairs["sent_o"] < pairs["sent"]) & (pairs["done_o"] > pairs["sent"])
        follow = np.zeros(len(grid))
        held = pairs.loc[taken].groupby("index").size()  # earlier calls still in service
        follow[held.index.to_numpy()] = 1.0
        counts = np.bincount(
            np.minimum(held.to_numpy(), _FOLLOW_DEPTH), minlength=_FOLLOW_DEPTH + 1
        )
        depth = tuple(float(x) for x in counts[1:] / counts.sum()) if len(held) else (1.0,)
    else:
        t = times["received_at"][ok].reset_index(drop=True)
        order = pd.DataFrame({"grid": grid, "t": t}).sort_values(["grid", "t"])
        gap = order.groupby("grid")["t"].diff() / pd.Timedelta(minutes=1)
        span = max((t.max() - t.min()) / pd.Timedelta(minutes=1), 1.0) if len(t) else 1.0
        rate = order.groupby("grid")["t"].transform("size") / span  # calls per minute
        chance = 1.0 - np.exp(-rate * _FOLLOW_MIN)
        follow = np.zeros(len(grid))
        follow[order.index.to_numpy()] = ((gap <= _FOLLOW_MIN) - chance).to_numpy()
        depth = (1.0,)  # without incidents only the previous call is known
    share = float(np.clip(follow.mean(), 0.0, 1.0)) if len(follow) else 0.0
    return share, shrunk_by_grid(follow, grid, share, ids, (0.0, 1.0)), depth


def shrunk_by_grid(values, grid, city: float, ids, bounds=(0.0, np.inf)) -> dict[str, float]:
    """Each grid's mean of ``values``, shrunk towards the city's value ``city`` with the
    weight of ``_FOLLOW_PRIOR`` calls (a sparse grid keeps close to the city)."""
    counts = (
        pd.Series(np.asarray(values, dtype=float)).groupby(np.asarray(grid)).agg(["sum", "size"])
    )
    known = {str(g) for g in ids}
    return {
        str(g): float(
            np.clip((r["sum"] + _FOLLOW_PRIOR * city) / (r["size"] + _FOLLOW_PRIOR), *bounds)
        )
        for g, r in counts.iterrows()
        if str(g) in known
    }


def _zone(received: pd.Series):
    try:
        tz = pd.to_datetime(received, errors="coerce").dt.tz
    except (TypeError, ValueError):  # mixed offsets: parse as UTC
        tz = None
    return tz or "UTC"


def _times(values: pd.Series, zone) -> pd.Series:
    """Times as UTC; naive ones are local in ``zone`` (the schema's convention)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC")
    text = values.astype("string")
    has_offset = text.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$", regex=True, na=False)
    out = pd.to_datetime(text.where(has_offset), errors="coerce", utc=True, format="ISO8601")
    naive = pd.to_datetime(text.where(~has_offset), errors="coerce", format="ISO8601")
    if naive.notna().any():
        local = naive.dt.tz_localize(zone, ambiguous="NaT", nonexistent="shift_forward")
        out = out.fillna(local.dt.tz_convert("UTC"))
    return out


def _instants(times: pd.Series) -> np.ndarray:
    """UTC times as ``datetime64[ns]`` (``to_numpy()`` of tz-aware times makes one
    ``Timestamp`` object per call, and sorting those is slow)."""
    return times.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[ns]")


def _concurrency(grid: np.ndarray, sent: np.ndarray, done: np.ndarray) -> np.ndarray:
    """For each call: calls of the same grid dispatched before it and not yet cleared."""
    out = np.zeros(len(grid), dtype=np.int64)
    for g in np.unique(grid):
        idx = np.flatnonzero(grid == g)
        s, d = sent[idx], done[idx]
        started = np.searchsorted(np.sort(s), s, side="left")
        ended = np.searchsorted(np.sort(d), s, side="right")
        out[idx] = np.maximum(started - ended, 0)
    return out
