"""Read a calls file and turn it into the hourly panel the forecasters train on.

The calls schema (``features.schema.load_calls``) does the checking and the grid
assignment; this module only selects the rows forecasts use (citizen calls by default, so
patrol activity does not feed itself) and keeps the grid geometry for the planner's map.
"""

from __future__ import annotations

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


def load_calls_for(path: Path, **options) -> tuple[pd.DataFrame, object | None]:
    """The schema loader (``load_calls`` keywords; ``require`` defaults to "forecast") and
    the grids it assigned calls to: polygons, or the lattice it built for ``cell_size_m``.
    Text is not needed for counts, so it is not masked here (and never stored: only counts
    per grid-hour leave this module)."""
    from features.schema import load_calls_with_grids

    options.setdefault("require", "forecast")
    return load_calls_with_grids(path, mask_text=False, **options)


def load_forecast_data(
    path: str | Path,
    *,
    mapping: dict[str, str] | None = None,
    timezone: str = "Asia/Shanghai",
    grids_geojson: str | Path | None = None,
    cell_size_m: float | None = None,
    include_patrol: bool = False,
    count: str = "calls",
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
    if grids is not None and cell_size_m is not None:
        raise UserError("give --grids-geojson or --cell-size, not both")
    if cell_size_m is not None:
        calls, grids, geojson_text = _lattice_calls(path, mapping, timezone, cell_size_m)
    else:
        calls, _ = load_calls_for(path, mapping=mapping, timezone=timezone, grids=grids)
    if "source" in calls.columns and not include_patrol:
        before = len(calls)
        calls = calls[calls["source"].astype(str).str.lower() != "patrol"]
        log.info(
            "using %d citizen calls (%d patrol calls left out)", len(calls), before - len(calls)
        )
    if count == "incidents":  # several callers, one incident: count it once
        from features.linking_counts import first_calls

        calls = first_calls(calls)
    calls = calls[calls["grid_id"].notna() & (calls["grid_id"].astype(str) != "")]
    if calls.empty:
        raise UserError(f"{path}: no calls with a grid_id to forecast from")
    grid_ids, kinds = None, None
    if grids is not None:
        grid_ids = [str(g) for g in grids.ids]
        kinds = dict(zip(grid_ids, (str(k) for k in grids.kinds), strict=True))
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


def _lattice_calls(
    path: Path, mapping: dict[str, str] | None, timezone: str, cell_size_m: float
) -> tuple[pd.DataFrame, object, str]:
    """Calls with ``grid_id`` from a regular lattice, the lattice, and its GeoJSON text.

    The loader builds the lattice over the calls' coordinates and assigns them once; the
    model keeps those very cells for the planner's map. Rows without coordinates or outside
    the lattice are left out (the loader's warning counts them).
    """
    calls, lattice = load_calls_for(
        path, mapping=mapping, timezone=timezone, require=("received_at",), cell_size_m=cell_size_m
    )
    return calls, lattice, lattice.geojson_text()


def load_intensity(path: str | Path, panel: Panel, column: str = "expected") -> Panel:
    """The simulator's true expected calls (or ``expected_incidents``), aligned to ``panel``."""
    if not Path(path).is_file():
        raise UserError(f"--intensity {path}: file not found")
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a file that is not Parquet
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise UserError(f"--intensity {path}: not a readable Parquet file ({first})") from None
    missing = {"grid_id", "hour", column} - set(frame.columns)
    if missing:
        raise UserError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    hours = pd.to_datetime(frame["hour"])
    if hours.dt.tz is None:
        hours = hours.dt.tz_localize(panel.start.tz)
    t = ((hours.dt.tz_convert(panel.start.tz) - panel.start) // pd.Timedelta(hours=1)).to_numpy()
    g = pd.Categorical(frame["grid_id"].astype(str), categories=panel.grid_ids).codes
    keep = (g >= 0) & (t >= 0) & (t < panel.n_hours)
    expected = np.full(panel.counts.shape, np.nan, dtype=np.float64)
    expected[g[keep], t[keep].astype(np.int64)] = frame[column].to_numpy(np.float64)[keep]
    return Panel(list(panel.grid_ids), panel.start, expected, list(panel.kinds))


def default_holiday_country(timezone: str) -> str:
    """US holidays for American time zones (the Houston data), Chinese ones otherwise."""
    return "US" if timezone.startswith(("America/", "US/")) else "CN"
