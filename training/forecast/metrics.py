"""Forecast accuracy measures used by the backtests and the promotion rule."""

from __future__ import annotations

import numpy as np

from training.forecast.intervals import interval_coverage, pit_coverage

SHIFT_HOURS = 8
HOTSPOT_SHARE = 0.10


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


def score(
    y: np.ndarray, mean: np.ndarray, p10: np.ndarray, p90: np.ndarray, alpha: float
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
        "dispersion_alpha": float(alpha),
    }
