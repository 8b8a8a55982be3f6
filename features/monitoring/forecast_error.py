"""Forecast error once the hours have passed: realised calls per grid and 8-hour shift
against the champion's forecast of that shift and the interval of its total.

The reference is the forecast's own distribution: a calibrated forecast holds 80 % of
shift totals inside ``[p10, p90]`` (a little more for sparse integer counts) and its mean
Poisson deviance matches the deviance expected when counts are drawn from the forecast's
count law (``features.shifts.total_pmf``). A ratio well above 1 says the forecast is wrong
by more than its own noise, without a number remembered from training.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import xlogy

from features.contract import MAX_HOURS
from features.monitoring.config import ForecastThresholds
from features.monitoring.drift import pct
from features.shifts import SHIFT_HOURS, pmf_pit_coverage, pmf_quantiles, shift_groups, total_pmf


def _deviance(y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    mu = np.maximum(mu, 1e-9)
    return 2.0 * (xlogy(y, y / mu) - (y - mu))


def _window(forecaster, received_at: pd.Series, until) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Whole shifts from the first call's shift to the last passed hour the model can reach."""
    tz = forecaster.history_end.tz
    local = received_at.dt.tz_convert(tz)
    first = local.min().floor("h")
    first -= pd.Timedelta(hours=first.hour % SHIFT_HOURS)
    last = local.max().floor("h") if until is None else pd.Timestamp(until).tz_convert(tz)
    last -= pd.Timedelta(hours=last.hour % SHIFT_HOURS)  # end of the last whole shift
    reach = forecaster.history_end + pd.Timedelta(hours=MAX_HOURS)
    return first, min(last, reach)


def forecast_error(forecaster, calls: pd.DataFrame, th: ForecastThresholds, until=None) -> dict:
    """Coverage, deviance and unknown grids of ``calls`` (``received_at``, ``grid_id``)."""
    known = set(forecaster.grid_ids)
    grid = calls["grid_id"].astype(str)
    unknown = grid[~grid.isin(known)]
    out: dict = {
        "n_calls": int(len(calls)),
        "unknown_grid_calls": int(len(unknown)),
        "unknown_grids": sorted(unknown.unique().tolist())[:20],
        "shifts": [],
        "alerts": [],
    }
    share = len(unknown) / max(len(calls), 1)
    if len(calls) and share > th.max_unknown_grid_share:
        shown = ", ".join(out["unknown_grids"][:3])
        out["alerts"].append(
            f"{pct(share)} of calls are in {unknown.nunique()} grids the forecast does not know "
            f"({shown}{', …' if unknown.nunique() > 3 else ''}): retrain on the new grids"
        )
    start, end = _window(forecaster, calls["received_at"], until)
    if end <= start:
        out["note"] = "no whole 8-hour shift inside the forecast's reach"
        return out
    ids = list(forecaster.grid_ids)
    hour = calls["received_at"].dt.tz_convert(start.tz).dt.floor("h")
    counts = (
        pd.DataFrame({"grid_id": grid, "hour": hour})[grid.isin(known).to_numpy()]
        .value_counts()
        .rename("y")
    )
    rows = []
    cursor = start
    while cursor < end:
        hours = int(min((end - cursor) / pd.Timedelta(hours=1), MAX_HOURS // 24 * 24))
        # the hours as the shift forecast has them (blended with the shift-total model)
        frame = getattr(forecaster, "shift_hours", forecaster.forecast)(cursor, hours, None)
        stamps = pd.DatetimeIndex(frame["hour"].iloc[:hours])
        mu = frame["mean"].to_numpy(dtype=float).reshape(len(ids), hours)
        index = pd.MultiIndex.from_product([ids, stamps], names=["grid_id", "hour"])
        y = counts.reindex(index, fill_value=0).to_numpy().reshape(len(ids), hours)
        for shift_start, pos in zip(*shift_groups(stamps), strict=True):
            pmf = total_pmf(mu[:, pos], float(forecaster.alpha_))
            total_mu = mu[:, pos].sum(axis=1)
            total_y = y[:, pos].sum(axis=1)
            p10, _, p90 = pmf_quantiles(pmf)
            support = np.arange(pmf.shape[1], dtype=float)
            expected = (pmf * _deviance(support[None, :], total_mu[:, None])).sum(axis=1)
            rows.append(
                pd.DataFrame(
                    {
                        "grid_id": ids,
                        "shift_start": shift_start,
                        "y": total_y,
                        "mean": total_mu,
                        "p10": p10,
                        "p90": p90,
                        "deviance": _deviance(total_y.astype(float), total_mu),
                        "expected_deviance": expected,
                        "pit_coverage": [
                            pmf_pit_coverage(pmf[i : i + 1], total_y[i : i + 1])
                            for i in range(len(ids))
                        ],
                    }
                )
            )
        cursor += pd.Timedelta(hours=hours)
    table = pd.concat(rows, ignore_index=True)
    inside = (table["y"] >= table["p10"]) & (table["y"] <= table["p90"])
    n = len(table)
    out.update(
        {
            "n_grid_shifts": n,
            "window": [start.isoformat(), end.isoformat()],
            "coverage80_interval": float(inside.mean()),
            "coverage80_pit": float(table["pit_coverage"].mean()),
            "above_p90": float((table["y"] > table["p90"]).mean()),
            "below_p10": float((table["y"] < table["p10"]).mean()),
            "poisson_deviance": float(table["deviance"].mean()),
            "expected_deviance": float(table["expected_deviance"].mean()),
            "realised_calls": int(table["y"].sum()),
            "forecast_calls": float(table["mean"].sum()),
        }
    )
    out["deviance_ratio"] = out["poisson_deviance"] / max(out["expected_deviance"], 1e-9)
    by_shift = table.groupby("shift_start").agg(
        y=("y", "sum"), mean=("mean", "sum"), coverage=("pit_coverage", "mean")
    )
    out["shifts"] = [
        {
            "shift_start": k.isoformat(),
            "realised": int(r.y),
            "forecast": float(r["mean"]),
            "coverage80_pit": float(r.coverage),
        }
        for k, r in by_shift.iterrows()
    ]
    if n >= th.min_shifts:
        if out["coverage80_pit"] < th.min_coverage:
            out["alerts"].append(
                f"only {pct(out['coverage80_pit'])} of {n:,} grid-shift totals fell inside "
                f"the 80 % interval (alert below {pct(th.min_coverage)}); "
                f"{pct(out['above_p90'])} above p90, {pct(out['below_p10'])} below p10"
            )
        if out["deviance_ratio"] > th.max_deviance_ratio:
            out["alerts"].append(
                f"forecast deviance {out['deviance_ratio']:.1f}× what its own interval expects "
                f"({out['realised_calls']:,} calls realised vs {out['forecast_calls']:,.0f} "
                "forecast)"
            )
    return out
