"""From a forecast and a roster to the plan table: units per grid and shift, and what they reach.

``make_plan`` cuts the forecast into shifts of 8 hours from ``start``, holds the standby
share of each shift's units at posts (``allocate.standby_posts``), places the patrol units
by marginal allocation (``allocate.marginal_allocation``) with at least ``min_units`` per
grid, and evaluates the response model (``response.ShiftModel``) for the result. The
``ShiftPlan`` objects keep each shift's model so other allocations (the reference plans of
the benchmark) are scored by the same model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from features.deploy.allocate import marginal_allocation, split_standby, standby_posts
from features.deploy.geometry import GridGeometry
from features.deploy.response import ShiftModel, ShiftResult
from features.deploy.roster import Roster
from features.deploy.travel import TravelModel, TravelParams
from features.errors import UserError

__all__ = ["PLAN_COLUMNS", "PlanResult", "ShiftPlan", "make_plan"]

SHIFT_HOURS = 8
POST_TEAM = 3  # standby units held together at one post (Simao: 8 posts for the city)
PLAN_COLUMNS = (
    "shift",
    "shift_start",
    "grid_id",
    "expected_calls",
    "calls_p10",
    "calls_p90",
    "units",
    "standby",
    "standby_units",
    "share_within_target",
    "p90_response_min",
    "utilisation",
    "p_all_busy",
    "p_wait",
)
_Z90 = 2 * 1.2815515655446004


@dataclass
class ShiftPlan:
    """One shift: its model, the allocation, the standby posts and the evaluation."""

    shift: int
    start: pd.Timestamp
    model: ShiftModel
    minimum: np.ndarray
    patrol: int
    units: np.ndarray
    posts: np.ndarray
    post_units: np.ndarray
    result: ShiftResult

    def evaluate(self, units: np.ndarray) -> ShiftResult:
        """The same model and posts with another allocation (e.g. a reference plan)."""
        self.model.travel.set_posts(self.model.travel.geometry.centroids()[self.posts])
        return self.model.evaluate(np.asarray(units), self.post_units)


@dataclass
class PlanResult:
    table: pd.DataFrame
    shifts: list[ShiftPlan]
    params: TravelParams
    target: float
    summary: dict = field(default_factory=dict)


def shift_windows(forecast: pd.DataFrame, start, shifts: int) -> list[pd.DatetimeIndex]:
    """The hours of each shift; a start or shift outside the forecast is a ``UserError``."""
    if not isinstance(shifts, int) or isinstance(shifts, bool) or not 1 <= shifts <= 21:
        raise UserError(f"shifts must be a whole number from 1 to 21, got {shifts!r}")
    hours = pd.DatetimeIndex(pd.to_datetime(forecast["hour"]).unique()).sort_values()
    if len(hours) == 0:
        raise UserError("the forecast has no hours")
    try:
        first = pd.Timestamp(start) if start is not None else hours[0]
    except (ValueError, TypeError):
        raise UserError(f"start {start!r} is not a time") from None
    if first.tzinfo is None and hours.tz is not None:
        first = first.tz_localize(hours.tz)
    elif hours.tz is not None:
        first = first.tz_convert(hours.tz)
    first = first.floor("h")
    windows = []
    for s in range(shifts):
        want = pd.date_range(
            first + pd.Timedelta(hours=SHIFT_HOURS * s), periods=SHIFT_HOURS, freq="h"
        )
        if not want.isin(hours).all():
            raise UserError(
                f"start {first.isoformat()}: shift {s + 1} ({want[0]:%Y-%m-%d %H:%M}) is outside "
                f"the forecast window {hours[0].isoformat()} – "
                f"{(hours[-1] + pd.Timedelta(hours=1)).isoformat()}"
            )
        windows.append(want)
    return windows


def make_plan(
    forecast: pd.DataFrame,
    geometry: GridGeometry,
    roster: Roster,
    *,
    start=None,
    shifts: int = 3,
    target: float = 5.0,
    min_units: int = 1,
    standby_share: float = 1 / 3,
    params: TravelParams | None = None,
    alpha: float | None = None,
    travel: TravelModel | None = None,
) -> PlanResult:
    """The plan for ``shifts`` shifts from ``start``.

    Args:
        forecast: ``grid_id, hour, mean, p10, p90`` per grid-hour (the forecast model's).
        geometry: polygons of (at least) the forecast's grids.
        roster: units on duty per shift.
        target: minutes from the call to a unit on scene.
        min_units: patrol units every grid keeps.
        standby_share: share of each shift's units held at standby posts.
        params: travel parameters (defaults, or calibrated from the calls).
        alpha: the forecast's negative-binomial dispersion (rate variance = alpha × mean²);
            estimated from p10/p90 when not given.
        travel: a prebuilt travel model for ``geometry`` (saves its sampling).
    """
    if not (isinstance(target, int | float) and math.isfinite(target) and 0 < target <= 120):
        raise UserError(f"target minutes must be between 0 and 120, got {target!r}")
    if not (isinstance(min_units, int) and 0 <= min_units <= 50):
        raise UserError(f"minimum units per grid must be 0-50, got {min_units!r}")
    if not (0 <= standby_share < 1):
        raise UserError(f"standby share must be in [0, 1), got {standby_share!r}")
    windows = shift_windows(forecast, start, shifts)
    grid_ids = sorted(pd.unique(forecast["grid_id"].astype(str)))
    roster.check(shifts, grid_ids)
    geo = geometry.subset(grid_ids)
    params = params or TravelParams()
    travel = travel if travel is not None and list(travel.geometry.ids) == grid_ids else None
    travel = travel or TravelModel(geo, params)
    frame = forecast.assign(
        grid_id=forecast["grid_id"].astype(str), hour=pd.to_datetime(forecast["hour"])
    )
    mean = frame.pivot_table(index="grid_id", columns="hour", values="mean", aggfunc="sum")
    mean = mean.reindex(grid_ids)
    if alpha is None:
        alpha = _alpha_from_interval(frame)
    cent = geo.centroids()
    plans, rows = [], []
    for s, hours in enumerate(windows, start=1):
        lam = np.nan_to_num(mean.reindex(columns=hours).to_numpy(dtype=float), nan=0.0)
        plan = _plan_shift(
            s,
            hours,
            lam,
            roster,
            grid_ids,
            travel,
            params,
            alpha,
            cent,
            target,
            min_units,
            standby_share,
        )
        plans.append(plan)
        rows.append(_rows(plan, grid_ids, lam, alpha))
    table = pd.concat(rows, ignore_index=True)[list(PLAN_COLUMNS)]
    calls = table["expected_calls"].to_numpy()
    summary = {
        "grids": len(grid_ids),
        "shifts": shifts,
        "target_minutes": float(target),
        "expected_calls": float(calls.sum()),
        "share_within_target": float(
            (table["share_within_target"] * calls).sum() / max(calls.sum(), 1e-12)
        ),
        "units_per_shift": [int(p.units.sum() + p.post_units.sum()) for p in plans],
        "standby_posts": [[grid_ids[i] for i in p.posts] for p in plans],
        "alpha": float(alpha),
    }
    return PlanResult(table, plans, params, float(target), summary)


def _alpha_from_interval(frame: pd.DataFrame) -> float:
    """Rate dispersion from the hourly p10–p90: var(count) − mean over mean², calls-weighted."""
    m = frame["mean"].to_numpy(dtype=float)
    if "p90" not in frame or "p10" not in frame or m.sum() <= 0:
        return 0.05
    var = ((frame["p90"].to_numpy(float) - frame["p10"].to_numpy(float)) / _Z90) ** 2
    busy = m >= 0.5  # integer quantiles say little about sparse hours
    if not busy.any():
        return 0.05
    a = np.maximum(var[busy] - m[busy], 0) / m[busy] ** 2
    return float(np.clip(np.average(a, weights=m[busy]), 0.005, 1.0))


def _plan_shift(
    s, hours, lam, roster, grid_ids, travel, params, alpha, cent, target, min_units, share
):
    entries = roster.for_shift(s)
    total = sum(e.units for e in entries)
    pos = {g: i for i, g in enumerate(grid_ids)}
    pinned = np.zeros(len(grid_ids), dtype=np.int64)
    speed_sum = np.zeros((len(grid_ids), len(hours)))
    free_speed, free = np.zeros(len(hours)), 0
    for e in entries:
        v = params.speed_m_per_min(e.kind, hours.hour)
        if e.grid_id is not None:
            pinned[pos[e.grid_id]] += e.units
            speed_sum[pos[e.grid_id]] += e.units * v
        else:
            free_speed += e.units * v
            free += e.units
    pool = free_speed / free if free else params.speed_m_per_min("car", hours.hour)
    standby = min(int(round(share * total)), free)
    patrol = total - standby
    minimum = np.maximum(pinned, min_units)
    if patrol < minimum.sum():
        raise UserError(
            f"shift {s}: {total} units leave {patrol} on patrol after the standby share "
            f"{share:.2f}, fewer than the minimum ({min_units} per grid × {len(grid_ids)} grids"
            f"{' plus pinned units' if pinned.any() else ''} = {int(minimum.sum())} units)"
        )
    # units of a grid drive at the mean speed of its pinned units and one pool unit
    speed = (speed_sum + pool[None, :]) / (pinned[:, None] + 1.0)
    calls = lam.sum(axis=1)
    n_posts = math.ceil(standby / POST_TEAM) if standby else 0
    posts = standby_posts(calls, cent, n_posts)
    post_units = (
        split_standby(standby, posts, calls, cent) if len(posts) else np.zeros(0, np.int64)
    )
    travel.set_posts(cent[posts])
    model = ShiftModel(
        travel,
        lam,
        hours.hour,
        shift_cv2(lam, alpha),
        speed,
        params.speed_m_per_min("car", hours.hour),
        target,
    )
    units = marginal_allocation(model, patrol, minimum, post_units)
    result = model.evaluate(units, post_units)
    return ShiftPlan(s, hours[0], model, minimum, patrol, units, posts, post_units, result)


def shift_cv2(lam: np.ndarray, alpha: float) -> np.ndarray:
    """Squared coefficient of variation of each grid's rate over the shift ``(G,)``.

    The forecast's negative binomial gives each hour's count a gamma-mixed rate with
    variance ``alpha × mean²``; the response model scales the whole shift by one draw, so
    it needs the variance of the shift's rate, ``alpha × Σ mean_h² / (Σ mean_h)²`` for
    hours mixed independently (about ``alpha / 8`` for an even shift). Taking ``alpha``
    itself had every grid's whole shift at 1.85 times its forecast one time in six.
    """
    lam = np.asarray(lam, dtype=float)
    total = lam.sum(axis=1)
    share = np.where(total > 0, (lam**2).sum(axis=1) / np.maximum(total, 1e-12) ** 2, 1.0)
    return alpha * share


def _rows(plan: ShiftPlan, grid_ids, lam, alpha) -> pd.DataFrame:
    m = lam.sum(axis=1)
    var = m + shift_cv2(lam, alpha) * m**2  # the hours' sum, as the forecast's shift totals
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.where(var > m, m**2 / (var - m), np.inf)
        p = np.where(var > m, m / var, 1.0)
    lo = np.where(np.isfinite(n), stats.nbinom.ppf(0.1, n, p), stats.poisson.ppf(0.1, m))
    hi = np.where(np.isfinite(n), stats.nbinom.ppf(0.9, n, p), stats.poisson.ppf(0.9, m))
    standby_units = np.zeros(len(grid_ids), dtype=np.int64)
    standby_units[plan.posts] = plan.post_units
    r = plan.result
    return pd.DataFrame(
        {
            "shift": plan.shift,
            "shift_start": plan.start.isoformat(),
            "grid_id": grid_ids,
            "expected_calls": m.round(3),
            "calls_p10": np.nan_to_num(lo).astype(int),
            "calls_p90": np.nan_to_num(hi).astype(int),
            "units": plan.units,
            "standby": standby_units > 0,
            "standby_units": standby_units,
            "share_within_target": r.share.round(4),
            "p90_response_min": r.p90.round(2),
            "utilisation": np.round(r.utilisation, 4),
            "p_all_busy": r.p_all_busy.round(4),
            "p_wait": r.p_wait.round(5),
        }
    )
