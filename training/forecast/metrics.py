"""Forecast accuracy measures used by the backtests and the promotion rule."""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.intervals import interval_coverage, pit_coverage
from features.shifts import SHIFT_HOURS, pmf_pit_coverage, shift_groups, total_pmf

HOTSPOT_SHARE = 0.10
HOTSPOT_SHARES = (0.05, 0.10, 0.20)


def poisson_deviance(y: np.ndarray, mu: np.ndarray) -> float:
    """Mean Poisson deviance ``2 * (y log(y/mu) - (y - mu))``; the promotion metric."""
    y = np.asarray(y, dtype=np.float64)
    mu = np.maximum(np.asarray(mu, dtype=np.float64), 1e-9)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(np.mean(2.0 * (term - (y - mu))))


def hotspot_capture(
    y: np.ndarray, mu: np.ndarray, shift: int = SHIFT_HOURS, share: float = HOTSPOT_SHARE
) -> tuple[float, float]:
    """Share of calls falling in the grids forecast highest, per 8-hour shift.

    Args:
        y, mu: ``(grids, hours)`` outcomes and forecast means from one origin.

    Returns:
        (pooled capture over every whole shift in the horizon, capture of the next shift).
        The top ``ceil(share * grids)`` grids by forecast shift total are the hotspots (the
        PAI idea from crime-forecasting challenges: a patrol can only cover a few grids).
    """
    n_grids, hours = y.shape
    k = max(1, int(np.ceil(share * n_grids)))
    caught, total, first = 0.0, 0.0, float("nan")
    for s in range(0, hours - shift + 1, shift):
        pred = mu[:, s : s + shift].sum(axis=1)
        act = y[:, s : s + shift].sum(axis=1)
        top = np.argsort(-pred, kind="stable")[:k]
        c, tot = float(act[top].sum()), float(act.sum())
        caught += c
        total += tot
        if s == 0:
            first = c / tot if tot > 0 else float("nan")
    return (caught / total if total > 0 else float("nan")), first


def full_shifts(hours: pd.DatetimeIndex | None, n_hours: int) -> list[np.ndarray]:
    """Hour positions of every whole local 8-hour shift (00/08/16 h) in the horizon; without
    hours, consecutive 8-hour blocks from the origin."""
    if hours is None:
        return [
            np.arange(s, s + SHIFT_HOURS) for s in range(0, n_hours - SHIFT_HOURS + 1, SHIFT_HOURS)
        ]
    return [pos for pos in shift_groups(hours)[1] if len(pos) == SHIFT_HOURS]


def hotspot_scores(
    act: np.ndarray, pred: np.ndarray, shares: tuple[float, ...] = HOTSPOT_SHARES
) -> dict[str, float]:
    """PAI and PEI of the top ``share`` grids by forecast, pooled over shifts.

    ``act`` and ``pred`` are ``(grids, shifts)`` totals. PEI is the calls caught over the
    most any choice of as many grids could have caught (1 is perfect); PAI is the share of
    calls caught over the share of grids flagged (grids count as equal areas: exact on a
    lattice, a simplification for police beats).
    """
    n_grids = act.shape[0]
    total = float(act.sum())
    best_order = np.sort(act, axis=0)[::-1]
    pred_order = np.argsort(-pred, axis=0, kind="stable")
    out = {}
    for share in shares:
        k = max(1, int(np.ceil(share * n_grids)))
        caught = float(np.take_along_axis(act, pred_order[:k], axis=0).sum())
        best = float(best_order[:k].sum())
        pct = int(round(share * 100))
        out[f"pei_{pct}"] = caught / best if best > 0 else float("nan")
        out[f"pai_{pct}"] = (caught / total) / (k / n_grids) if total > 0 else float("nan")
    return out


def shift_scores(
    y: np.ndarray, mean: np.ndarray, alpha: float, hours: pd.DatetimeIndex | None = None
) -> dict[str, float]:
    """Deviance and calibration of 8-hour shift totals per grid, plus PAI/PEI per shift."""
    shifts = full_shifts(hours, y.shape[1])
    if not shifts:
        return {}
    act = np.stack([y[:, pos].sum(axis=1) for pos in shifts], axis=1)
    pred = np.stack([mean[:, pos].sum(axis=1) for pos in shifts], axis=1)
    block = np.concatenate([mean[:, pos] for pos in shifts], axis=0)
    pmf = total_pmf(block, alpha)
    flat = np.concatenate([y[:, pos].sum(axis=1) for pos in shifts])
    return {
        "shift_poisson_deviance": poisson_deviance(act, pred),
        "shift_coverage80": pmf_pit_coverage(pmf, flat),
        **hotspot_scores(act, pred),
    }


def score(
    y: np.ndarray,
    mean: np.ndarray,
    p10: np.ndarray,
    p90: np.ndarray,
    alpha: float,
    hours: pd.DatetimeIndex | None = None,
) -> dict[str, float]:
    """All backtest metrics for one fold; ``y`` and forecasts are ``(grids, hours)``."""
    err = mean - y
    capture, capture_next = hotspot_capture(y, mean)
    return {
        "mae": float(np.mean(np.abs(err))),
        "rmse": float(np.sqrt(np.mean(err**2))),
        "poisson_deviance": poisson_deviance(y, mean),
        "coverage80": pit_coverage(y, mean, alpha),
        "coverage80_interval": interval_coverage(y, p10, p90),
        "hotspot_capture": capture,
        "hotspot_capture_next_shift": capture_next,
        **shift_scores(y, mean, alpha, hours),
        "dispersion_alpha": float(alpha),
    }
