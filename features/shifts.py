"""8-hour shift totals and their count distribution.

Planners staff shifts (00-08, 08-16, 16-24 local time), so they need the total expected
calls per grid and shift with an interval *of the total*. Summing hourly p10s and p90s gives
a range no total ever has; here the total's distribution is the convolution of the hourly
count distributions (negative binomial with the forecaster's dispersion ``alpha``, Poisson
when ``alpha`` is 0), computed exactly on a truncated support by FFT. Hours are taken as
independent given their means, the forecaster's own assumption; the backtests measure how
well that holds (``shift_coverage80``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

SHIFT_HOURS = 8
TAIL = 1e-9  # probability mass left out of the truncated support
POISSON_ALPHA = 1e-8  # below this the negative binomial is a Poisson for all purposes
SHIFT_COLUMNS = ("grid_id", "shift_start", "hours", "mean", "p10", "p50", "p90")


def hourly_dist(mu: np.ndarray, alpha: float):
    """The hourly count law: NB2 with variance ``mu + alpha mu^2`` (Poisson for alpha 0)."""
    mu = np.maximum(np.asarray(mu, dtype=np.float64), 1e-9)
    if alpha <= POISSON_ALPHA:
        return stats.poisson(mu)
    n = 1.0 / alpha
    return stats.nbinom(n, n / (n + mu))


def total_pmf(mu: np.ndarray, alpha: float, chunk: int = 4096) -> np.ndarray:
    """Distribution of row sums: ``mu`` is ``(rows, hours)``; returns ``(rows, support)``.

    The support runs from 0 to a count the total exceeds with probability below ``TAIL``
    (for the largest row). Rows are done in chunks so memory stays small for big panels.
    """
    mu = np.asarray(mu, dtype=np.float64)
    if mu.ndim != 2 or mu.shape[0] == 0:
        raise ValueError("mu must be a non-empty (rows, hours) array")
    tot = mu.sum(axis=1)
    var = (mu + alpha * mu**2).sum(axis=1)
    top = int(np.argmax(tot))
    # a bound from the moment-matched negative binomial of the largest total
    support = int(_moment_dist(tot[top : top + 1], var[top : top + 1]).ppf(1 - TAIL)[0]) + 2
    length = 1 << int(np.ceil(np.log2(max(2, support * 2))))
    grid = np.arange(support, dtype=np.float64)
    out = np.empty((mu.shape[0], support), dtype=np.float64)
    for lo in range(0, mu.shape[0], chunk):
        block = mu[lo : lo + chunk]
        pmf = hourly_dist(block[..., None], alpha).pmf(grid)  # (rows, hours, support)
        spec = np.fft.rfft(pmf, n=length, axis=-1).prod(axis=1)
        dens = np.fft.irfft(spec, n=length, axis=-1)[:, :support]
        out[lo : lo + chunk] = np.clip(dens, 0.0, None)
    return out


def _moment_dist(mean: np.ndarray, var: np.ndarray):
    mean = np.maximum(mean, 1e-9)
    excess = np.maximum(var - mean, 1e-12)
    n = mean**2 / excess
    return stats.nbinom(n, n / (n + mean))


def pmf_quantiles(pmf: np.ndarray, probs: tuple[float, ...] = (0.1, 0.5, 0.9)) -> list[np.ndarray]:
    """Smallest count whose CDF reaches each probability (scipy's ``ppf`` convention)."""
    cdf = np.cumsum(pmf, axis=1)
    return [np.argmax(cdf >= p - 1e-12, axis=1).astype(np.float64) for p in probs]


def pmf_pit_coverage(pmf: np.ndarray, y: np.ndarray, lo: float = 0.1, hi: float = 0.9) -> float:
    """Expected share of totals whose randomised PIT falls in ``[lo, hi]`` (0.8 if calibrated)."""
    cdf = np.cumsum(pmf, axis=1)
    y = np.asarray(y, dtype=np.int64)
    inside = y < cdf.shape[1]
    idx = np.minimum(y, cdf.shape[1] - 1)
    rows = np.arange(len(y))
    upper = np.where(inside, cdf[rows, idx], 1.0)
    lower = np.where(y > 0, cdf[rows, np.maximum(idx - 1, 0)], 0.0)
    lower = np.where(inside, lower, 1.0 - 1e-12)
    width = np.maximum(upper - lower, 1e-12)
    share = np.clip(np.minimum(upper, hi) - np.maximum(lower, lo), 0.0, None) / width
    return float(np.mean(share))


def shift_labels(hours: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Start of the local 8-hour shift (00, 08 or 16 h) that each hour belongs to."""
    offset = np.asarray(hours.hour % SHIFT_HOURS)
    return hours - pd.to_timedelta(offset, unit="h")


def shift_groups(hours: pd.DatetimeIndex) -> tuple[pd.DatetimeIndex, list[np.ndarray]]:
    """The shifts an hour range touches (in time order) and the positions of their hours."""
    labels = shift_labels(hours)
    starts = labels.unique().sort_values()
    return starts, [np.flatnonzero(labels == s) for s in starts]


def shift_totals(
    grid_ids: list[str], hours: pd.DatetimeIndex, mu: np.ndarray, alpha: float
) -> pd.DataFrame:
    """Per grid and shift: ``mean, p10, p50, p90`` of the total calls in the shift's hours.

    ``mu`` is ``(grids, hours)``. A shift cut by the start or end of ``hours`` counts only
    the hours inside (``hours`` column), so a partial shift is never passed off as a full one.
    """
    mu = np.asarray(mu, dtype=np.float64)
    starts, groups = shift_groups(hours)
    frames = []
    for start, pos in zip(starts, groups, strict=True):
        block = mu[:, pos]
        pmf = total_pmf(block, alpha)
        p10, p50, p90 = pmf_quantiles(pmf)
        frames.append(
            pd.DataFrame(
                {
                    "grid_id": list(grid_ids),
                    "shift_start": start,
                    "hours": len(pos),
                    "mean": block.sum(axis=1),
                    "p10": p10,
                    "p50": p50,
                    "p90": p90,
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    # grid-major like the hourly rows: every shift of the first grid, then the next grid
    order = np.arange(len(out)).reshape(len(starts), len(grid_ids)).T.reshape(-1)
    return out.iloc[order].reset_index(drop=True)[list(SHIFT_COLUMNS)]


def forecast_shifts(forecaster, start, hours: int, grid_ids: list[str] | None = None):
    """Shift totals of a fitted forecaster's hourly forecast (``forecaster.forecast`` rows
    and its dispersion ``alpha_``): what ``"by": "shift"`` answers."""
    frame = forecaster.forecast(start, hours, grid_ids)
    grids = list(dict.fromkeys(frame["grid_id"]))
    stamps = pd.DatetimeIndex(frame["hour"].iloc[: len(frame) // len(grids)])
    mu = frame["mean"].to_numpy(dtype=np.float64).reshape(len(grids), len(stamps))
    return shift_totals(grids, stamps, mu, float(forecaster.alpha_))
