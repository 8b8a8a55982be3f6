"""Travel and service parameters fitted from ``dispatched_at`` / ``arrived_at`` / ``cleared_at``.

The data say when a unit was sent and when it arrived, not where it came from. The fit
therefore uses the model's own geometry: at each call's dispatch the number of calls of
its grid already being served tells how many of the grid's units were busy, and the grid's
fleet is estimated as the 90th percentile of that concurrency plus one. With ``k`` units
free, the expected straight-line distance from the nearest to the call is known from the
polygon (``TravelModel.near_``), so

    drive_i = t0 + beta_hour(i) × E[distance | grid, k_i] + noise

is a linear least-squares fit of the turnout ``t0`` and 24 hourly ``beta`` (minutes per
metre). Only ``road_factor / speed`` is identified: the road factor stays at its default
and the speeds absorb the rest. The log-normal spread is what the drives' log variance
leaves after the distances' own. Handling is the mean ``received → dispatched`` time of
calls that did not wait (below the 95th percentile); time on scene is the mean
``arrived → cleared``.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np
import pandas as pd

from features.deploy.travel import TravelModel, TravelParams

__all__ = ["MIN_CALLS", "calibrate"]

log = logging.getLogger(__name__)

MIN_CALLS = 200  # fewer calls with response times: keep the defaults
_MIN_PER_HOUR = 30
# a grid's fleet: the 90th percentile of its concurrent calls plus one (higher quantiles
# count calls its neighbours answered when it was full)
_FLEET_QUANTILE = 0.9
_DAY_HOURS = [10, 11, 12, 13, 14, 15]
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
    busy = _concurrency(grid, sent.to_numpy(), done.to_numpy())
    fleet = np.ones(len(travel.geometry), dtype=np.int64)
    for g in np.unique(grid):
        fleet[g] = int(np.quantile(busy[grid == g], _FLEET_QUANTILE, method="higher")) + 1
    free = fleet[grid] - busy
    use = free >= 1
    kmax = travel.kmax
    kidx = np.clip(free[use], 1, kmax) - 1
    mean_d = travel.near_.mean(axis=2)[grid[use], kidx]
    hour = sent.dt.tz_convert(zone).dt.hour.to_numpy()[use]
    t = drive[ok][use]
    x = np.zeros((len(t), 25))
    x[:, 0] = 1.0
    x[np.arange(len(t)), 1 + hour] = mean_d
    coef, *_ = np.linalg.lstsq(x, t, rcond=None)
    t0 = float(max(coef[0], 0.0))
    beta = coef[1:]
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
        spread = dist * np.exp(sig * z)
        for mult in np.geomspace(0.5, 2.0, 41):
            err = np.sum((np.quantile(t0 + mult * beta_ref * spread, qs) - target) ** 2)
            if err < best[0]:
                best = (err, mult * beta_ref, float(sig))
    _, beta_fit, sigma = best
    follow, by_grid = _follow_shares(frame, ok, times["received_at"], travel.geometry.ids)
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
        on_scene_min=float(scene[ok].mean()),
        dispatch_share=float(ok.sum() / max(citizen, 1)),
        follow_share=follow,
        follow_share_by_grid=by_grid,
        source=f"calibrated from {int(ok.sum()):,} calls with response times",
    )
    log.info(
        "travel calibrated from %d calls: handling %.2f min (turnout %.2f), car %.1f km/h at "
        "road factor %.2f, rush-hour factor %.2f, sigma %.2f, on scene %.1f min, %.0f%% "
        "of calls dispatched, fleet %d units (concurrency), %.1f%% follow-up calls",
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
        100 * follow,
    )
    return fitted


def _follow_shares(frame: pd.DataFrame, ok: np.ndarray, received: pd.Series, ids) -> tuple:
    """Share of dispatched calls that follow an earlier call of their incident, overall and
    per grid (shrunk towards the overall share with the weight of ``_FOLLOW_PRIOR`` calls).

    With an ``incident_id`` column a follow-up is a call whose incident is another call's;
    without one, the calls within ``_FOLLOW_MIN`` minutes of the previous dispatched call of
    their grid beyond the share a Poisson stream at the grid's rate would bring there (the
    near-repeats a second caller makes; chance coincidences are already in the queue).
    """
    grid = frame["grid_id"].astype(str).to_numpy()[ok]
    if "incident_id" in frame and "call_id" in frame:
        inc = frame["incident_id"].astype("string").to_numpy()[ok]
        own = frame["call_id"].astype("string").to_numpy()[ok]
        follow = np.asarray(pd.notna(inc) & (inc != own), dtype=float)
    else:
        t = received[ok].reset_index(drop=True)
        order = pd.DataFrame({"grid": grid, "t": t}).sort_values(["grid", "t"])
        gap = order.groupby("grid")["t"].diff() / pd.Timedelta(minutes=1)
        span = max((t.max() - t.min()) / pd.Timedelta(minutes=1), 1.0) if len(t) else 1.0
        rate = order.groupby("grid")["t"].transform("size") / span  # calls per minute
        chance = 1.0 - np.exp(-rate * _FOLLOW_MIN)
        follow = np.zeros(len(grid))
        follow[order.index.to_numpy()] = ((gap <= _FOLLOW_MIN) - chance).to_numpy()
    share = float(np.clip(follow.mean(), 0.0, 1.0)) if len(follow) else 0.0
    counts = pd.Series(follow).groupby(grid).agg(["sum", "size"])
    known = {str(g) for g in ids}
    by_grid = {
        str(g): float(
            np.clip((r["sum"] + _FOLLOW_PRIOR * share) / (r["size"] + _FOLLOW_PRIOR), 0.0, 1.0)
        )
        for g, r in counts.iterrows()
        if str(g) in known
    }
    return share, by_grid


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
