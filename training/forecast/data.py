"""Read a calls file and turn it into the hourly panel the forecasters train on.

The calls schema (``features.schema.load_calls``) does the checking and the grid
assignment; this module only selects the rows forecasts use (citizen calls by default, so
patrol activity does not feed itself) and keeps the grid geometry for the planner's map.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from features.errors import UserError
from features.timeseries import Panel, hourly_panel

log = logging.getLogger(__name__)


@dataclass
class ForecastData:
    """A panel plus what the planner's map needs to draw it."""

    panel: Panel
    geojson: str | None = None  # FeatureCollection text of the grid polygons, if known
    centroids: dict[str, tuple[float, float]] = field(default_factory=dict)  # grid → lon, lat
    n_calls: int = 0


def _read_calls(
    path: Path,
    mapping: dict[str, str] | None,
    timezone: str,
    grids: object | None,
    cell_size_m: float | None,
) -> pd.DataFrame:
    try:
        from features.schema import load_calls
    except ModuleNotFoundError:  # schema module not in this build yet
        return _read_calls_minimal(path, mapping, timezone)
    return load_calls(
        path,
        mapping=mapping,
        require="forecast",
        timezone=timezone,
        grids=grids,
        cell_size_m=cell_size_m,
        mask_text=False,
    )


def _read_calls_minimal(path: Path, mapping: dict[str, str] | None, timezone: str) -> pd.DataFrame:
    """Bare reader used only when ``features.schema`` is unavailable."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col, src in (mapping or {}).items():
        if src not in frame.columns:
            raise UserError(f"--map {col}={src}: no column {src!r} in {path}")
        frame[col] = frame[src]
    for col in ("received_at", "grid_id"):
        if col not in frame.columns:
            raise UserError(f"{path}: missing column {col!r}")
    when = pd.to_datetime(frame["received_at"], errors="coerce", format="mixed")
    if when.isna().any():
        row = int(np.flatnonzero(when.isna().to_numpy())[0]) + 2
        raise UserError(f"{path}: row {row}, column received_at: unparsable time")
    if when.dt.tz is None:
        when = when.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="shift_forward")
    frame["received_at"] = when.dt.tz_convert(timezone)
    for col in ("lat", "lon"):
        if col in frame.columns:
            frame[col] = pd.to_numeric(frame[col], errors="coerce")
    return frame.dropna(subset=["received_at"])


def load_forecast_data(
    path: str | Path,
    *,
    mapping: dict[str, str] | None = None,
    timezone: str = "Asia/Shanghai",
    grids_geojson: str | Path | None = None,
    cell_size_m: float | None = None,
    include_patrol: bool = False,
) -> ForecastData:
    """Load calls and count them per grid per local hour (zeros where no calls came)."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"calls file not found: {path}")
    grids = None
    geojson_text = None
    if grids_geojson is not None:
        from features.grids import GridSet

        gpath = Path(grids_geojson)
        if not gpath.exists():
            raise UserError(f"grids file not found: {gpath}")
        grids = GridSet.from_geojson(gpath)
        geojson_text = gpath.read_text(encoding="utf-8")
    calls = _read_calls(path, mapping, timezone, grids, cell_size_m)
    if "source" in calls.columns and not include_patrol:
        before = len(calls)
        calls = calls[calls["source"].astype(str).str.lower() != "patrol"]
        log.info(
            "using %d citizen calls (%d patrol calls left out)", len(calls), before - len(calls)
        )
    calls = calls[calls["grid_id"].notna() & (calls["grid_id"].astype(str) != "")]
    if calls.empty:
        raise UserError(f"{path}: no calls with a grid_id to forecast from")
    grid_ids, kinds = None, None
    if grids is not None:
        grid_ids, kinds = _grid_list(geojson_text)
    elif cell_size_m is not None:
        geojson_text = _lattice_geojson(calls, cell_size_m)
    panel = hourly_panel(calls, grid_ids=grid_ids, kinds=kinds)
    centroids: dict[str, tuple[float, float]] = {}
    if {"lat", "lon"} <= set(calls.columns):
        pts = calls.dropna(subset=["lat", "lon"])
        if len(pts):
            med = pts.groupby(pts["grid_id"].astype(str))[["lon", "lat"]].median()
            centroids = {g: (float(r.lon), float(r.lat)) for g, r in med.iterrows()}
    log.info(
        "panel: %d grids × %d hours (%s → %s), %d calls",
        len(panel.grid_ids),
        panel.n_hours,
        panel.start,
        panel.end,
        int(panel.counts.sum()),
    )
    return ForecastData(panel, geojson_text, centroids, int(len(calls)))


def _grid_list(geojson_text: str | None) -> tuple[list[str] | None, dict[str, str] | None]:
    if not geojson_text:
        return None, None
    doc = json.loads(geojson_text)
    ids, kinds = [], {}
    for feature in doc.get("features", []):
        props = feature.get("properties") or {}
        gid = str(props.get("grid_id", ""))
        if gid:
            ids.append(gid)
            kinds[gid] = str(props.get("kind") or "")
    return (sorted(set(ids)) or None), kinds


def _lattice_geojson(calls: pd.DataFrame, cell_size_m: float) -> str | None:
    """Polygons of the lattice cells used, for the planner's map (None if unavailable)."""
    try:
        from features.grids import GridSet

        pts = calls.dropna(subset=["lat", "lon"])
        lattice = GridSet.lattice(
            pts["lat"].to_numpy(np.float64), pts["lon"].to_numpy(np.float64), cell_size_m
        )
        return lattice.to_geojson()
    except Exception as exc:  # the map falls back to centroids; never fail a forecast
        log.warning("lattice polygons unavailable for the map (%s); using centroids", exc)
        return None


def load_intensity(path: str | Path, panel: Panel) -> Panel:
    """The simulator's true expected calls, aligned to ``panel``'s grids and hours."""
    frame = pd.read_parquet(path)
    missing = {"grid_id", "hour", "expected"} - set(frame.columns)
    if missing:
        raise UserError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    hours = pd.to_datetime(frame["hour"])
    if hours.dt.tz is None:
        hours = hours.dt.tz_localize(panel.start.tz)
    t = ((hours.dt.tz_convert(panel.start.tz) - panel.start) // pd.Timedelta(hours=1)).to_numpy()
    g = pd.Categorical(frame["grid_id"].astype(str), categories=panel.grid_ids).codes
    keep = (g >= 0) & (t >= 0) & (t < panel.n_hours)
    expected = np.full(panel.counts.shape, np.nan, dtype=np.float64)
    expected[g[keep], t[keep].astype(np.int64)] = frame["expected"].to_numpy(np.float64)[keep]
    return Panel(list(panel.grid_ids), panel.start, expected, list(panel.kinds))


def default_holiday_country(timezone: str) -> str:
    """US holidays for American time zones (the Houston data), Chinese ones otherwise."""
    return "US" if timezone.startswith(("America/", "US/")) else "CN"
