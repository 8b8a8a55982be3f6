"""Time columns of the calls table: parsing, time zones, daylight saving, plausible range.

Naive times are local in the load's zone; times with a UTC offset are converted to it. A
column mixing naive and offset times is a problem; offsets that disagree are converted and
reported as a warning. A naive time in a spring-forward gap moves to the first valid
instant; an ambiguous one in the autumn overlap is taken as its first occurrence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.schema_checks import Checker, strings

MIN_TIME = pd.Timestamp("2000-01-01")
TIME_RE = (
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:[T ]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:[.,](\d{1,9}))?)?秒?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$"
)


def check_times(c: Checker, tz, col: str = "received_at", required: bool = True) -> pd.Series:
    """Column ``col`` as times in ``tz``; empty cells are a problem when ``required``."""
    series = c.df[col]
    if pd.api.types.is_datetime64_any_dtype(series):
        if series.dt.tz is not None:
            times = series.dt.tz_convert(tz)
        else:
            times = localize(c, series, tz, col=col)
        _check_range(c, times, strings(series.astype(str)), col)
        return times.reset_index(drop=True)
    text = strings(series)
    fast = _fast_times(c, text, tz, col, required)
    if fast is not None:
        return fast
    empty = (text == "").to_numpy()
    parts = text.str.extract(TIME_RE)
    nums = parts[[0, 1, 2, 3, 4, 5]].astype(float).fillna({3: 0, 4: 0, 5: 0})
    frac = parts[6].fillna("").str.ljust(9, "0").replace("000000000", "0")
    frac = pd.to_numeric(frac.where(frac != "", "0"), errors="coerce").fillna(0)
    wall = pd.to_datetime(
        pd.DataFrame(
            {
                "year": nums[0],
                "month": nums[1],
                "day": nums[2],
                "hour": nums[3],
                "minute": nums[4],
                "second": nums[5],
            }
        ),
        errors="coerce",
    ) + pd.to_timedelta(frac, unit="ns")
    bad = (wall.isna() & ~empty).to_numpy()
    raw = text.to_numpy()
    c.rows(
        "unparsable time",
        bad,
        lambda p: (
            f"column {col}: cannot parse {raw[p]!r} as a time "
            "(expected ISO 8601, e.g. 2025-03-05 08:30:00)"
        ),
    )
    if required:
        c.rows("empty time", empty, lambda p: f"column {col}: empty (every call needs a time)")
    offset = parts[7]
    aware = (offset.notna() & wall.notna()).to_numpy()
    naive = (offset.isna() & wall.notna()).to_numpy()
    result = pd.Series(pd.NaT, index=text.index, dtype=f"datetime64[ns, {tz}]")
    if aware.any() and naive.any():
        a, n = np.flatnonzero(aware)[0], np.flatnonzero(naive)[0]
        c.problems.add(
            "mixed zones",
            f"column {col}: mixes times with a UTC offset ({aware.sum():,} rows, e.g. "
            f"{c.label(a)} {raw[a]!r}) and without ({naive.sum():,} rows, e.g. {c.label(n)} "
            f"{raw[n]!r}); give all times in one form",
        )
    if aware.any():
        result[aware] = _from_offsets(c, wall[aware], offset[aware], tz, col)
    if naive.any():
        result[naive] = localize(
            c, wall[naive], tz, raw=raw, positions=np.flatnonzero(naive), col=col
        )
    _check_range(c, result, text, col)
    return result


def _from_offsets(c: Checker, wall: pd.Series, offset: pd.Series, tz, col: str) -> pd.Series:
    """Wall times with a UTC offset → ``tz``; warns when the offsets disagree."""
    off = offset.str.replace(":", "", regex=False)
    sign = np.where(off.str.startswith("-"), -1, 1)
    digits = off.str.lstrip("+-").where(~off.isin(["Z", "UTC", "GMT"]), "0000")
    digits = digits.str.ljust(4, "0")
    minutes = sign * (digits.str[:2].astype(int) * 60 + digits.str[2:].astype(int))
    utc = (wall - pd.to_timedelta(minutes, unit="min")).dt.tz_localize("UTC")
    local = utc.dt.tz_convert(tz)
    zone_minutes = (local.dt.tz_localize(None) - utc.dt.tz_localize(None)).dt.total_seconds()
    differs = (zone_minutes / 60).round().astype(int).to_numpy() != minutes.to_numpy()
    if differs.any() and len(set(offset)) > 1:
        kinds = offset.value_counts()
        shown = ", ".join(f"{k} ×{v:,}" for k, v in kinds.head(5).items())
        c.warnings.append(f"column {col}: mixed time zones ({shown}); all converted to {tz}")
    return local


def _fast_times(c: Checker, text: pd.Series, tz, col: str, required: bool) -> pd.Series | None:
    """Vectorised ISO 8601 parse for the common clean file; None sends it the careful way.

    Taken only when every filled value is a full date-time that pandas parses into one
    dtype (all naive, or all with the same offset); anything else gets the per-part checks.
    Empty cells (``dispatched_at`` of a call no unit attended) are NaT, and a problem only
    when the column is required, as on the careful way.
    """
    empty = (text == "").to_numpy()
    filled = text[~empty]
    if len(filled) == 0 or filled.str.len().min() < 16:
        return None
    try:
        parsed = pd.to_datetime(filled, format="ISO8601", errors="coerce")
    except (ValueError, TypeError):
        return None
    if not pd.api.types.is_datetime64_any_dtype(parsed) or parsed.isna().any():
        return None
    positions = np.flatnonzero(~empty)
    if parsed.dt.tz is None:
        times = localize(c, parsed, tz, raw=text.to_numpy(), positions=positions, col=col)
    else:
        times = parsed.dt.tz_convert(tz)
    if empty.any():
        if required:
            c.rows("empty time", empty, lambda p: f"column {col}: empty (every call needs a time)")
        times = times.reindex(text.index)  # NaT in the empty cells
    _check_range(c, times, text, col)
    return times.reset_index(drop=True)


def localize(
    c: Checker, wall: pd.Series, tz, raw=None, positions=None, col: str = "received_at"
) -> pd.Series:
    """Naive wall-clock times → ``tz``; DST gaps move forward, overlaps take the first."""
    first = np.ones(len(wall), dtype=bool)  # True = daylight-saving side = first occurrence
    valid = wall.notna().to_numpy()
    gap = wall.dt.tz_localize(tz, ambiguous=first, nonexistent="NaT").isna().to_numpy() & valid
    overlap = wall.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward").isna()
    overlap = overlap.to_numpy() & valid
    positions = np.arange(len(wall)) if positions is None else positions
    for mask, what in (
        (gap, "fall in the daylight-saving gap (clocks skipped them); moved forward"),
        (overlap, "are ambiguous (clocks went back); taken as the first occurrence"),
    ):
        if mask.any():
            p = positions[np.flatnonzero(mask)[0]]
            example = f" {raw[p]!r}" if raw is not None else ""
            c.warnings.append(
                f"column {col}: {mask.sum():,} times {what} in {tz} (e.g. {c.label(p)}{example})"
            )
    return wall.dt.tz_localize(tz, ambiguous=first, nonexistent="shift_forward")


def _check_range(c: Checker, times: pd.Series, text: pd.Series, col: str) -> None:
    tz = times.dt.tz
    lo = MIN_TIME.tz_localize(tz)
    hi = pd.Timestamp.now(tz=tz).normalize() + pd.Timedelta(days=366)
    out = (times.notna() & ((times < lo) | (times > hi))).to_numpy()
    raw = text.to_numpy()
    c.rows(
        "implausible time",
        out,
        lambda p: (
            f"column {col}: {raw[p]!r} is outside the plausible range "
            f"{lo:%Y-%m-%d} – {hi:%Y-%m-%d}"
        ),
    )
