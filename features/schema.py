"""The calls table: validation and loading (see ../shared/CONTRACT.md, "The calls table").

Every entry point that reads calls — training, backtests, batch prediction, ``jingqing
validate`` — goes through ``load_calls``, so a defect is reported the same way everywhere:
one line per problem naming the row (and CSV file line) and the column, capped per kind.
Nothing downstream sees raw personal data: ``text`` is masked here.

Decisions worth knowing:

* Naive times are local in ``timezone``; times with a UTC offset are converted to it. A
  file mixing naive and offset times is a problem (which zone did the naive ones mean?).
  Offsets that disagree with each other are converted and reported as a warning.
* Daylight-saving time (e.g. America/Chicago): a naive time in the spring-forward gap is
  moved forward to the first valid instant; an ambiguous time in the autumn overlap is
  taken as its first (daylight-saving) occurrence. Both are counted in a warning.
* Times before 2000 or more than a year ahead are problems (epoch-zero and placeholder
  dates are the usual culprits).
* Text longer than 2,000 characters (the service's limit) is a warning; the text is cut to
  2,000 characters so training sees what serving can see.
* Rows with coordinates outside every grid (lattice outliers, far-off geocodes) are
  warnings; they keep no ``grid_id``. When forecasting, a missing ``grid_id``/``lat``/``lon``
  column is a problem; individual rows without any location are a warning when they are at
  most 1 % of the file (real exports have a few) and a problem beyond that. Rows without a
  grid are dropped from a forecasting load.
* Labels accept their Chinese names (刑事, 治安, 纠纷, 求助, 非警务; 移交, 现场处结, 分流)
  and any letter case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from features import labels
from features.errors import DataProblems, UserError
from features.io import ProblemLog, read_table, row_labels
from features.pii import SCREEN_PATTERN, mask_pii

if TYPE_CHECKING:
    from features.grids import GridSet

__all__ = [
    "SCHEMA_COLUMNS",
    "ValidationReport",
    "load_calls",
    "read_table",
    "resolve_require",
    "validate_calls",
]

SCHEMA_COLUMNS = (
    "call_id",
    "received_at",
    "grid_id",
    "lat",
    "lon",
    "text",
    "category",
    "disposition",
    "divert_to",
    "urgent",
    "source",
)
LOCATION = "location"  # pseudo-column: grid_id, or lat and lon
SHORTCUTS: dict[str, tuple[str, ...]] = {
    "triage": ("received_at", "text", "category"),
    "forecast": ("received_at", LOCATION),
    "router": ("received_at", "text", "category", "disposition", "divert_to", "urgent"),
}
MAX_TEXT_CHARS = 2000
MIN_TIME = pd.Timestamp("2000-01-01")
UNLOCATED_TOLERANCE = 0.01

_CATEGORY_ALIASES = {"刑事": "criminal", "治安": "public_order", "纠纷": "dispute"}
_CATEGORY_ALIASES |= {"求助": "assistance", "非警务": "non_police", "other": "non_police"}
_DISPOSITION_ALIASES = {"移交": "transfer", "移交派出所": "transfer", "现场处结": "on_scene"}
_DISPOSITION_ALIASES |= {"分流": "divert", "社会化分流": "divert"}
_SOURCE_ALIASES = {"群众": "citizen", "市民": "citizen", "巡逻": "patrol", "巡查": "patrol"}
_TRUE = {"true", "t", "1", "1.0", "yes", "y", "是", "真"}
_FALSE = {"false", "f", "0", "0.0", "no", "n", "否", "假"}
_TIME_RE = (
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:[T ]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:[.,](\d{1,9}))?)?秒?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$"
)


@dataclass
class ValidationReport:
    """The cleaned frame (None when unusable), problem lines and warning lines."""

    frame: pd.DataFrame | None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.frame is not None


def resolve_require(require: str | Iterable[str] | None) -> set[str]:
    """Column names a use needs; ``"triage"``/``"forecast"`` shortcuts, comma lists allowed."""
    items: list[str] = []
    for part in [require] if isinstance(require, str) else list(require or []):
        items.extend(p.strip() for p in str(part).split(",") if p.strip())
    out = {"received_at"}
    for item in items:
        if item in SHORTCUTS:
            out.update(SHORTCUTS[item])
        elif item in SCHEMA_COLUMNS or item == LOCATION:
            out.add(item)
        else:
            raise UserError(
                f"unknown requirement {item!r}: use {', '.join(SHORTCUTS)} or column names "
                f"({', '.join(SCHEMA_COLUMNS)})"
            )
    return out


def _strings(series: pd.Series) -> pd.Series:
    """Stripped strings, '' for missing: uniform input for the checks whatever the dtype."""
    s = series.astype(object).where(series.notna(), "")
    return s.astype(str).str.strip()


class _Checker:
    """Shared state of one validation: the frame, row labels and the problem log."""

    def __init__(self, frame: pd.DataFrame, lines: np.ndarray | None) -> None:
        self.df = frame
        self.n = len(frame)
        self.lines = lines
        self.problems = ProblemLog()
        self.warnings: list[str] = []
        self.grids: GridSet | None = None  # set when grid_id is assigned from lat/lon
        self.needed: set[str] = set()

    def label(self, pos: int) -> str:
        return row_labels(np.array([pos]), self.lines)[0]

    def rows(self, kind: str, mask: np.ndarray, message) -> None:
        """One problem line per flagged row (capped); ``message(pos) -> str``."""
        idx = np.flatnonzero(mask)
        cap = self.problems.cap
        lines = [f"{self.label(p)}, {message(p)}" for p in idx[:cap]]
        self.problems.add_many(kind, lines, total=len(idx))

    def bad_values(self, col: str, values: pd.Series, mask: np.ndarray, what: str, valid) -> None:
        """One line per distinct bad value: first row, how many rows, the valid choices."""
        bad = values[mask]
        counts = bad.value_counts(sort=False)
        firsts = bad.drop_duplicates()
        positions = np.flatnonzero(mask)
        lookup = dict(zip(bad.index, positions, strict=True))
        lines = []
        for index, value in firsts.items():
            more = int(counts[value]) - 1
            tail = f" (and {more:,} more rows)" if more else ""
            lines.append(
                f"{self.label(lookup[index])}, column {col}: unknown {what} {value!r}{tail}; "
                f"valid: {', '.join(valid)}"
            )
        self.problems.add_many(f"unknown {what}", lines)


def validate_calls(
    raw: pd.DataFrame,
    *,
    mapping: dict[str, str] | None = None,
    require: str | Iterable[str] | None = ("received_at",),
    timezone: str = labels.DEFAULT_TIMEZONE,
    grids: GridSet | str | Path | None = None,
    cell_size_m: float | None = None,
    mask_text: bool = True,
    lines: np.ndarray | None = None,
) -> ValidationReport:
    """Check a raw calls table against the schema and return the cleaned frame.

    Args:
        raw: the table as read (strings from CSV, typed columns from Parquet).
        mapping: ``{schema column: file column}`` from ``--map COL=SRC``.
        require: columns the caller's use needs (see ``resolve_require``).
        timezone: zone of naive times and of the returned ``received_at``.
        grids: grid polygons (a ``GridSet`` or GeoJSON path) to assign ``grid_id`` from
            ``lat``/``lon``; or ``cell_size_m`` for a regular lattice over the data.
        mask_text: replace personal data in ``text`` (leave on outside tests).
        lines: file line of each row, so problems can cite it (CSV).
    """
    needed = resolve_require(require)
    try:
        tz = pd.Timestamp("2020-01-01").tz_localize(timezone).tz
    except Exception as exc:  # pytz/zoneinfo raise different types for unknown zones
        raise UserError(f"unknown time zone {timezone!r} (e.g. Asia/Shanghai)") from exc
    return _run_checks(
        raw,
        mapping=mapping or {},
        needed=needed,
        tz=tz,
        grids=grids,
        cell_size_m=cell_size_m,
        mask_text=mask_text,
        lines=lines,
    )


def load_calls(
    path: str | Path,
    *,
    mapping: dict[str, str] | None = None,
    require: str | Iterable[str] | None = ("received_at",),
    timezone: str = labels.DEFAULT_TIMEZONE,
    grids: GridSet | str | Path | None = None,
    cell_size_m: float | None = None,
    mask_text: bool = True,
) -> pd.DataFrame:
    """Read and validate a calls file; raise ``DataProblems`` listing every problem.

    Warnings are logged (module logger) and kept in ``frame.attrs["warnings"]``.
    """
    report = check_file(
        path,
        mapping=mapping,
        require=require,
        timezone=timezone,
        grids=grids,
        cell_size_m=cell_size_m,
        mask_text=mask_text,
    )
    if not report.ok:
        raise DataProblems(report.problems or ["no usable rows"], source=str(path))
    import logging

    log = logging.getLogger(__name__)
    for line in report.warnings:
        log.warning("%s", line)
    assert report.frame is not None
    report.frame.attrs["warnings"] = list(report.warnings)
    return report.frame


def check_file(path: str | Path, **kwargs) -> ValidationReport:
    """``read_table`` + ``validate_calls``: the report for a file (used by the CLI)."""
    table = read_table(path)
    if table.frame is None:
        return ValidationReport(None, table.problems, table.warnings)
    report = validate_calls(table.frame, lines=table.lines, **kwargs)
    report.problems = table.problems + report.problems
    report.warnings = table.warnings + report.warnings
    if report.problems:
        report.frame = None
    return report


def summarise(frame: pd.DataFrame, warnings: list[str]) -> str:
    """One line for ``jingqing validate``: rows, time range, columns, warnings."""
    times = frame["received_at"]
    fmt = "%Y-%m-%d %H:%M"
    span = f"{times.min().strftime(fmt)} – {times.max().strftime(fmt)} {times.dt.tz}"
    cols = ", ".join(frame.columns)
    n_warn = f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
    return f"ok: {len(frame):,} rows, {span}; columns: {cols}; {n_warn}"


# --------------------------------------------------------------------------- the checks
def _run_checks(
    raw: pd.DataFrame,
    *,
    mapping: dict[str, str],
    needed: set[str],
    tz,
    grids,
    cell_size_m: float | None,
    mask_text: bool,
    lines: np.ndarray | None,
) -> ValidationReport:
    frame = _apply_mapping(raw, mapping)
    if isinstance(frame, list):
        return ValidationReport(None, frame, [])
    c = _Checker(frame, lines)
    c.needed = needed
    _fix_header(c)
    df = c.df
    missing = [col for col in sorted(needed - {LOCATION}) if col not in df.columns]
    for col in missing:
        c.problems.add(
            "missing column",
            f"missing required column {col!r} (columns found: {', '.join(map(str, df.columns))});"
            f" use --map {col}=YOUR_COLUMN if it has another name",
        )
    out: dict[str, pd.Series | np.ndarray] = {}
    out["call_id"] = _check_call_id(c)
    if "received_at" in df.columns:
        out["received_at"] = _check_times(c, tz)
    _check_location(c, out, needed, grids, cell_size_m)
    if "text" in df.columns:
        out["text"] = _check_text(c, "text" in needed, mask_text)
    _check_labels(c, out, needed)
    rest = [col for col in df.columns if col not in out and col not in SCHEMA_COLUMNS]
    problems = c.problems.lines()
    if problems:
        return ValidationReport(None, problems, c.warnings)
    ordered = {col: out[col] for col in SCHEMA_COLUMNS if col in out}
    result = pd.DataFrame(ordered, index=pd.RangeIndex(c.n))
    for col in rest:
        result[col] = df[col].to_numpy()
    if LOCATION in needed and "grid_id" in result.columns:
        keep = result["grid_id"] != ""
        if not keep.all():
            result = result[keep.to_numpy()].reset_index(drop=True)
    return ValidationReport(result, [], c.warnings)


def _apply_mapping(raw: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame | list[str]:
    problems = []
    columns = [str(col) for col in raw.columns]
    for col, src in mapping.items():
        if col not in SCHEMA_COLUMNS:
            problems.append(
                f"--map {col}={src}: {col!r} is not a schema column ({', '.join(SCHEMA_COLUMNS)})"
            )
        elif src not in columns:
            problems.append(
                f"--map {col}={src}: the file has no column {src!r} "
                f"(columns: {', '.join(columns)})"
            )
        elif col in columns and col != src and col not in mapping.values():
            problems.append(
                f"--map {col}={src}: the file already has a column {col!r}; "
                f"rename or drop it first"
            )
    if problems:
        return problems
    frame = raw.copy()
    frame.columns = columns
    if mapping:
        moved = {col: frame[src] for col, src in mapping.items()}
        frame = frame.drop(columns=[s for s in set(mapping.values()) if s not in mapping])
        for col, series in moved.items():
            frame[col] = series
    return frame


def _fix_header(c: _Checker) -> None:
    """BOM characters and letter case in column names: fix and say so."""
    renames = {}
    present = set(c.df.columns)
    for col in c.df.columns:
        clean = col.replace("\ufeff", "").strip()
        if clean != col:
            c.warnings.append(f"column {col!r} has a byte-order mark or spaces; read as {clean!r}")
        low = clean.lower()
        if low in SCHEMA_COLUMNS and low != clean and low not in present:
            c.warnings.append(f"column {col!r} read as {low!r}")
            clean = low
        if clean != col:
            renames[col] = clean
    if renames:
        c.df = c.df.rename(columns=renames)


def _check_call_id(c: _Checker) -> pd.Series:
    if "call_id" not in c.df.columns:
        width = len(str(c.n))
        c.warnings.append(
            f"no call_id column: ids generated from row order (1…{c.n}); "
            "they will not match ids in other files"
        )
        return pd.Series(np.arange(1, c.n + 1)).astype(str).str.zfill(width)
    ids = _strings(c.df["call_id"])
    empty = (ids == "").to_numpy()
    c.rows("empty call_id", empty, lambda p: "column call_id: empty (every call needs an id)")
    dup = (ids.duplicated(keep="first") & ~(ids == "")).to_numpy()
    if dup.any():
        first = pd.Series(np.arange(c.n), index=ids.to_numpy())
        first = first[~first.index.duplicated(keep="first")]
        vals = ids.to_numpy()
        c.rows(
            "duplicate call_id",
            dup,
            lambda p: (
                f"column call_id: duplicate {vals[p]!r} (first in {c.label(first[vals[p]])})"
            ),
        )
    return ids


def _check_times(c: _Checker, tz) -> pd.Series:
    col = c.df["received_at"]
    if pd.api.types.is_datetime64_any_dtype(col):
        times = col.dt.tz_convert(tz) if col.dt.tz is not None else _localize(c, col, tz)
        _check_range(c, times, _strings(col.astype(str)))
        return times.reset_index(drop=True)
    text = _strings(col)
    fast = _fast_times(c, text, tz)
    if fast is not None:
        return fast
    empty = (text == "").to_numpy()
    parts = text.str.extract(_TIME_RE)
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
            f"column received_at: cannot parse {raw[p]!r} as a time "
            "(expected ISO 8601, e.g. 2025-03-05 08:30:00)"
        ),
    )
    c.rows("empty time", empty, lambda p: "column received_at: empty (every call needs a time)")
    offset = parts[7]
    aware = (offset.notna() & wall.notna()).to_numpy()
    naive = (offset.isna() & wall.notna()).to_numpy()
    result = pd.Series(pd.NaT, index=text.index, dtype=f"datetime64[ns, {tz}]")
    if aware.any() and naive.any():
        a, n = np.flatnonzero(aware)[0], np.flatnonzero(naive)[0]
        c.problems.add(
            "mixed zones",
            f"column received_at: mixes times with a UTC offset ({aware.sum():,} rows, e.g. "
            f"{c.label(a)} {raw[a]!r}) and without ({naive.sum():,} rows, e.g. {c.label(n)} "
            f"{raw[n]!r}); give all times in one form",
        )
    if aware.any():
        off = offset[aware].str.replace(":", "", regex=False)
        sign = np.where(off.str.startswith("-"), -1, 1)
        digits = off.str.lstrip("+-").where(~off.isin(["Z", "UTC", "GMT"]), "0000")
        digits = digits.str.ljust(4, "0")
        minutes = sign * (digits.str[:2].astype(int) * 60 + digits.str[2:].astype(int))
        utc = (wall[aware] - pd.to_timedelta(minutes, unit="min")).dt.tz_localize("UTC")
        local = utc.dt.tz_convert(tz)
        result[aware] = local
        zone_minutes = (local.dt.tz_localize(None) - utc.dt.tz_localize(None)).dt.total_seconds()
        differs = (zone_minutes / 60).round().astype(int).to_numpy() != minutes.to_numpy()
        if differs.any() and len(set(offset[aware])) > 1:
            kinds = offset[aware].value_counts()
            shown = ", ".join(f"{k} ×{v:,}" for k, v in kinds.head(5).items())
            c.warnings.append(
                f"column received_at: mixed time zones ({shown}); all converted to {tz}"
            )
    if naive.any():
        result[naive] = _localize(c, wall[naive], tz, raw=raw, positions=np.flatnonzero(naive))
    _check_range(c, result, text)
    return result


def _fast_times(c: _Checker, text: pd.Series, tz) -> pd.Series | None:
    """Vectorised ISO 8601 parse for the common clean file; None sends it the careful way.

    Taken only when every value is a full date-time that pandas parses into one dtype
    (all naive, or all with the same offset); anything else gets the per-part checks.
    """
    lengths = text.str.len()
    if len(text) == 0 or lengths.min() < 16:
        return None
    try:
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    except (ValueError, TypeError):
        return None
    if not pd.api.types.is_datetime64_any_dtype(parsed) or parsed.isna().any():
        return None
    if parsed.dt.tz is None:
        times = _localize(c, parsed, tz, raw=text.to_numpy())
    else:
        times = parsed.dt.tz_convert(tz)
    _check_range(c, times, text)
    return times.reset_index(drop=True)


def _localize(c: _Checker, wall: pd.Series, tz, raw=None, positions=None) -> pd.Series:
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
                f"column received_at: {mask.sum():,} times {what} in {tz} "
                f"(e.g. {c.label(p)}{example})"
            )
    return wall.dt.tz_localize(tz, ambiguous=first, nonexistent="shift_forward")


def _check_range(c: _Checker, times: pd.Series, text: pd.Series) -> None:
    tz = times.dt.tz
    lo = MIN_TIME.tz_localize(tz)
    hi = pd.Timestamp.now(tz=tz).normalize() + pd.Timedelta(days=366)
    out = (times.notna() & ((times < lo) | (times > hi))).to_numpy()
    raw = text.to_numpy()
    c.rows(
        "implausible time",
        out,
        lambda p: (
            f"column received_at: {raw[p]!r} is outside the plausible range "
            f"{lo:%Y-%m-%d} – {hi:%Y-%m-%d}"
        ),
    )


def _check_text(c: _Checker, required: bool, mask_text: bool) -> pd.Series:
    text = c.df["text"].astype(object).where(c.df["text"].notna(), "").astype(str)
    blank = (text.str.strip() == "").to_numpy()
    if required:
        c.rows("empty text", blank, lambda p: "column text: empty (triage needs a description)")
    lengths = text.str.len().to_numpy()
    long = lengths > MAX_TEXT_CHARS
    if long.any():
        p = int(np.flatnonzero(long)[0])
        c.warnings.append(
            f"column text: {long.sum():,} texts are longer than {MAX_TEXT_CHARS:,} characters "
            f"(e.g. {c.label(p)}, {lengths[p]:,}); cut to {MAX_TEXT_CHARS:,}, the service's limit"
        )
        text = text.str.slice(0, MAX_TEXT_CHARS)
    if mask_text:
        digits = text.str.contains(SCREEN_PATTERN, regex=True).to_numpy()
        if digits.any():
            values = text.to_numpy(dtype=object).copy()
            values[digits] = [mask_pii(t) for t in values[digits]]
            text = pd.Series(values, index=text.index)
    return text.reset_index(drop=True)


def _coordinate(c: _Checker, col: str, limit: float) -> np.ndarray:
    series = c.df[col]
    if pd.api.types.is_numeric_dtype(series):
        num = series.to_numpy(dtype=float)
        junk = np.zeros(c.n, dtype=bool)
    else:
        text = _strings(series)
        num = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
        junk = np.isnan(num) & (text != "").to_numpy()
        raw = text.to_numpy()
        c.rows(
            "non-numeric coordinate", junk, lambda p: f"column {col}: {raw[p]!r} is not a number"
        )
    far = np.abs(num) > limit
    c.rows(
        "coordinate out of range",
        far,
        lambda p: f"column {col}: {num[p]:g} is outside −{limit:g}…{limit:g} degrees",
    )
    num = num.copy()
    num[far | np.isinf(num)] = np.nan
    return num


def _check_location(c: _Checker, out: dict, needed: set[str], grids, cell_size_m) -> None:
    df = c.df
    has_lat, has_lon = "lat" in df.columns, "lon" in df.columns
    if has_lat != has_lon:
        given, other = ("lat", "lon") if has_lat else ("lon", "lat")
        c.problems.add("half coordinates", f"column {given!r} is given without {other!r}")
    lat = lon = None
    if has_lat and has_lon:
        lat, lon = _coordinate(c, "lat", 90), _coordinate(c, "lon", 180)
        one = np.isnan(lat) != np.isnan(lon)
        c.rows("half coordinates", one, lambda p: "columns lat/lon: only one of the two is given")
        zero = (lat == 0) & (lon == 0)
        if zero.any():
            c.warnings.append(f"{zero.sum():,} rows at lat 0, lon 0 treated as no coordinates")
            lat[zero] = lon[zero] = np.nan
        out["lat"], out["lon"] = lat, lon
    grid_id = _strings(df["grid_id"]) if "grid_id" in df.columns else None
    if (grids is not None or cell_size_m is not None) and not c.problems:
        if lat is None:
            c.problems.add(
                "no coordinates", "grids were given but the file has no lat/lon columns"
            )
            return
        grid_id = _assign_grids(c, lat, lon, grids, cell_size_m, grid_id is not None)
    if grid_id is not None:
        out["grid_id"] = grid_id
    if LOCATION not in needed:
        return
    if grid_id is None and lat is None:
        c.problems.add(
            "no location",
            "forecasting needs a grid_id column or lat/lon columns (with --grids or "
            "--cell-size); none found",
        )
        return
    if grid_id is None:
        c.problems.add(
            "no grids", "forecasting from lat/lon needs --grids GEOJSON or --cell-size METRES"
        )
        return
    unlocated = (grid_id == "").to_numpy()
    if lat is not None:
        unlocated = unlocated & np.isnan(lat)
    if unlocated.any():
        if unlocated.mean() <= UNLOCATED_TOLERANCE:
            p = int(np.flatnonzero(unlocated)[0])
            c.warnings.append(
                f"{unlocated.sum():,} rows have neither grid_id nor coordinates "
                f"(e.g. {c.label(p)}); left out of forecasting"
            )
        else:
            c.rows(
                "no location",
                unlocated,
                lambda p: "columns grid_id/lat/lon: no grid_id and no coordinates",
            )


def _assign_grids(c: _Checker, lat, lon, grids, cell_size_m, had_grid_id: bool) -> pd.Series:
    from features.grids import GridSet

    if grids is not None and cell_size_m is not None:
        raise UserError("give grid polygons or a cell size, not both")
    if grids is not None and not isinstance(grids, GridSet):
        grids = GridSet.from_geojson(grids)
    if grids is None:
        grids = GridSet.lattice(lat, lon, float(cell_size_m))
    assigned = grids.assign(lat, lon)
    outside = pd.isna(assigned) & ~np.isnan(lat)
    if had_grid_id:
        c.warnings.append("grid_id column replaced by grids assigned from lat/lon")
    if outside.any():
        dropped = "; left out of forecasting" if LOCATION in c.needed else ""
        idx = np.flatnonzero(outside)
        eg = ", ".join(f"{c.label(p)} at {lat[p]:.4f}, {lon[p]:.4f}" for p in idx[:3])
        c.warnings.append(
            f"{outside.sum():,} rows lie outside {grids.describe()}; they get no grid_id"
            f"{dropped} (e.g. {eg})"
        )
    c.grids = grids
    return pd.Series(assigned, dtype=object).fillna("").astype(str)


def _check_labels(c: _Checker, out: dict, needed: set[str]) -> None:
    df = c.df
    specs = (
        ("category", labels.CATEGORIES, _CATEGORY_ALIASES, "category"),
        ("disposition", labels.DISPOSITIONS, _DISPOSITION_ALIASES, "disposition"),
        ("divert_to", labels.DIVERT_TO, {}, "divert target"),
        ("source", labels.SOURCES, _SOURCE_ALIASES, "source"),
    )
    for col, valid, aliases, what in specs:
        if col not in df.columns:
            continue
        values = _strings(df[col]).str.lower()
        if col == "divert_to":
            values = values.str.replace(r"\.0$", "", regex=True)
        if aliases:
            values = values.replace(aliases)
        empty = (values == "").to_numpy()
        if col == "source":
            values = values.where(~empty, "citizen")
            empty = np.zeros(c.n, dtype=bool)
        unknown = ~empty & ~values.isin(valid).to_numpy()
        c.bad_values(col, values, unknown, what, valid)
        if col in needed:
            c.rows(f"empty {col}", empty, lambda p, col=col: f"column {col}: empty (required)")
        out[col] = values.reset_index(drop=True)
    if "source" not in out:
        out["source"] = pd.Series(["citizen"] * c.n)
    if "disposition" in out or "divert_to" in out:
        disp = out.get("disposition", pd.Series([""] * c.n))
        to = out.get("divert_to", pd.Series([""] * c.n))
        diverted = (disp == "divert").to_numpy()
        target = (to != "").to_numpy()
        shown_disp, shown_to = disp.to_numpy(), to.to_numpy()
        c.rows(
            "divert_to without divert",
            target & ~diverted,
            lambda p: (
                f"column divert_to: {shown_to[p]!r} given but disposition is "
                f"{shown_disp[p] or 'empty'!r} (divert_to is only for disposition 'divert')"
            ),
        )
        if "disposition" in out:
            c.rows(
                "divert without divert_to",
                diverted & ~target,
                lambda p: (
                    "column divert_to: empty but disposition is 'divert' "
                    f"(use one of {', '.join(labels.DIVERT_TO)})"
                ),
            )
        out["divert_to"] = to
    if "urgent" in df.columns:
        out["urgent"] = _check_urgent(c, "urgent" in needed)


def _check_urgent(c: _Checker, required: bool) -> pd.Series:
    series = c.df["urgent"]
    if pd.api.types.is_bool_dtype(series) and not series.isna().any():
        return series.astype(bool).reset_index(drop=True)
    values = _strings(series).str.lower()
    truthy = values.isin(_TRUE).to_numpy()
    falsy = values.isin(_FALSE).to_numpy()
    empty = (values == "").to_numpy()
    bad = ~(truthy | falsy | empty)
    c.bad_values(
        "urgent", values, bad, "urgent value", ["true", "false", "1", "0", "yes", "no", "是", "否"]
    )
    if empty.any():
        if required:
            c.rows("empty urgent", empty, lambda p: "column urgent: empty (required)")
        else:
            c.warnings.append(f"column urgent: {empty.sum():,} empty values taken as false")
    return pd.Series(truthy)
