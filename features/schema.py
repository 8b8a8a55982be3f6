"""The calls table: the column table, loading and validation (../shared/CONTRACT.md).

Every entry point that reads calls — training, backtests, batch prediction, ``jingqing
validate`` — goes through ``load_calls``, so a defect is reported the same way everywhere:
one line per problem naming the row (and CSV file line) and the column, capped per kind.
Nothing downstream sees raw personal data: ``text`` is masked here.

The checks live by job: ``features.schema_times`` (time columns, zones, daylight saving),
``features.schema_location`` (grid_id, lat/lon, grid assignment), ``features.schema_checks``
(ids, text, labels, yes/no, plain strings); label words and aliases in ``features.labels``.

Decisions worth knowing:

* Times before 2000 or more than a year ahead are problems (epoch-zero and placeholder
  dates are the usual culprits); zones and daylight saving: ``features.schema_times``.
* Text longer than ``contract.MAX_TEXT_CHARS`` (the service's limit) is a warning; the text
  is cut so training sees what serving can see.
* Rows without a grid are dropped from a forecasting load (``features.schema_location``).
* Labels accept their Chinese names (刑事, 治安, 纠纷, 求助, 非警务; 移交, 现场处结, 分流)
  and any letter case.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from features import labels
from features.errors import DataProblems, UserError
from features.io import read_table
from features.schema_checks import Checker, check_call_id, check_labels, check_string, check_text
from features.schema_location import LOCATION, check_location
from features.schema_times import check_times

if TYPE_CHECKING:
    from features.grids import GridSet

__all__ = [
    "COLUMNS",
    "SCHEMA_COLUMNS",
    "Column",
    "ValidationReport",
    "load_calls",
    "load_calls_with_grids",
    "read_table",
    "resolve_require",
    "validate_calls",
]

log = logging.getLogger(__name__)

Kind = Literal["id", "time", "location", "text", "label", "bool", "string"]


@dataclass(frozen=True)
class Column:
    """One column of the calls table and how it is checked.

    ``time`` and ``string`` columns are checked generically, so a new optional column of
    those kinds is one line in ``COLUMNS``; a ``label`` column also needs its vocabulary in
    ``features.labels.VOCABULARIES``.
    """

    name: str
    kind: Kind
    doc: str = ""


# The calls table, in output order. An optional column is one line here.
COLUMNS: tuple[Column, ...] = (
    Column("call_id", "id", "unique; generated from row order if absent"),
    Column("received_at", "time", "ISO 8601; naive times are local"),
    Column("grid_id", "location", "dispatch grid"),
    Column("lat", "location", "WGS84 degrees"),
    Column("lon", "location", "WGS84 degrees"),
    Column("text", "text", "the call description, masked on load"),
    Column("category", "label", "one of the five categories"),
    Column("disposition", "label", "transfer / on_scene / divert"),
    Column("divert_to", "label", "where a diverted call goes"),
    Column("urgent", "bool", "yes/no"),
    Column("source", "label", "citizen or patrol (default citizen)"),
    Column("dispatched_at", "time", "when a unit was sent (blank: none was)"),
    Column("arrived_at", "time", "when the unit reached the scene"),
    Column("cleared_at", "time", "when the unit was free again"),
    Column("police_class", "string", "警情类别, name or two-digit code (features.label_map)"),
    Column("police_type", "string", "警情类型 under the class"),
    Column("incident_id", "string", "calls of one incident share it: its first call's call_id"),
)
SCHEMA_COLUMNS: tuple[str, ...] = tuple(col.name for col in COLUMNS)
SHORTCUTS: dict[str, tuple[str, ...]] = {
    "triage": ("received_at", "text", "category"),
    "forecast": ("received_at", LOCATION),
    "router": ("received_at", "text", "category", "disposition", "divert_to", "urgent"),
}


@dataclass
class ValidationReport:
    """The cleaned frame (None when unusable), problem lines and warning lines."""

    frame: pd.DataFrame | None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    grids: GridSet | None = None  # the grids ``grid_id`` was assigned from, if any

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
    label_map: str | Path | None = None,
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
        label_map: a city's label-map file for ``police_class``/``police_type`` (extends
            the shipped national map; see ``features.label_map``).
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
        label_map=label_map,
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
    label_map: str | Path | None = None,
) -> pd.DataFrame:
    """Read and validate a calls file; raise ``DataProblems`` listing every problem.

    Warnings are logged (module logger) and kept in ``frame.attrs["warnings"]``.
    """
    frame, _ = load_calls_with_grids(
        path,
        mapping=mapping,
        require=require,
        timezone=timezone,
        grids=grids,
        cell_size_m=cell_size_m,
        mask_text=mask_text,
        label_map=label_map,
    )
    return frame


def load_calls_with_grids(path: str | Path, **kwargs) -> tuple[pd.DataFrame, GridSet | None]:
    """``load_calls`` (same keywords) and the grids it assigned ``grid_id`` from: the
    polygons given, or the lattice it built for ``cell_size_m`` (None when neither)."""
    report = check_file(path, **kwargs)
    if not report.ok:
        raise DataProblems(report.problems or ["no usable rows"], source=str(path))
    for line in report.warnings:
        log.warning("%s", line)
    assert report.frame is not None
    report.frame.attrs["warnings"] = list(report.warnings)
    return report.frame, report.grids


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
    label_map: str | Path | None = None,
) -> ValidationReport:
    from features.label_map import fill_from_codes, format_table

    frame = _apply_mapping(raw, mapping)
    if isinstance(frame, list):
        return ValidationReport(None, frame, [])
    c = Checker(frame, lines)
    c.needed = needed
    _fix_header(c)
    c.df, coded, class_table, used_map = fill_from_codes(c.df, label_map, c.label)
    for line in coded:
        c.problems.add("unmapped police class", line)
    if coded:  # rows without a mapped class already have their one line
        needed = needed - {"category"}
        c.needed = needed
    df = c.df
    missing = [col for col in sorted(needed - {LOCATION}) if col not in df.columns]
    for col in missing:
        c.problems.add(
            "missing column",
            f"missing required column {col!r} (columns found: {', '.join(map(str, df.columns))});"
            f" use --map {col}=YOUR_COLUMN if it has another name",
        )
    out: dict[str, pd.Series | np.ndarray] = {}
    out["call_id"] = check_call_id(c)
    for col in COLUMNS:
        if col.name not in df.columns:
            continue
        if col.kind == "time":
            out[col.name] = check_times(c, tz, col.name, required=col.name in needed)
        elif col.kind == "string":
            out[col.name] = check_string(c, col.name, required=col.name in needed)
    used_grids = check_location(c, out, needed, grids, cell_size_m)
    if "text" in df.columns:
        out["text"] = check_text(c, "text" in needed, mask_text)
    check_labels(c, out, needed)
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
    if class_table is not None:
        result.attrs["police_classes"] = format_table(class_table, used_map)
    return ValidationReport(result, [], c.warnings, used_grids)


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


def _fix_header(c: Checker) -> None:
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
