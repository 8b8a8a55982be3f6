"""Where a call happened: ``grid_id``, ``lat``/``lon``, and grids assigned from coordinates.

Rows with coordinates outside every grid are warnings and keep no ``grid_id``. When
forecasting, a missing location column is a problem; rows without any location are a
warning when they are at most ``UNLOCATED_TOLERANCE`` of the file, a problem beyond that.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.errors import UserError
from features.schema_checks import Checker, strings

LOCATION = "location"  # pseudo-column: grid_id, or lat and lon
UNLOCATED_TOLERANCE = 0.01


def _coordinate(c: Checker, col: str, limit: float) -> np.ndarray:
    series = c.df[col]
    if pd.api.types.is_numeric_dtype(series):
        num = series.to_numpy(dtype=float)
    else:
        text = strings(series)
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


def check_location(c: Checker, out: dict, needed: set[str], grids, cell_size_m):
    """Fill ``out["grid_id"]`` (and lat/lon); return the ``GridSet`` it assigned grids from
    (None when the file's own ``grid_id`` is used), so callers need not assign again."""
    df = c.df
    used = None
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
    grid_id = strings(df["grid_id"]) if "grid_id" in df.columns else None
    if (grids is not None or cell_size_m is not None) and not c.problems:
        if lat is None:
            given = (
                "a lattice (--cell-size) was asked for" if grids is None else "grids were given"
            )
            c.problems.add("no coordinates", f"{given} but the file has no lat/lon columns")
            return None
        grid_id, used = _assign_grids(c, lat, lon, grids, cell_size_m, grid_id is not None)
    if grid_id is not None:
        out["grid_id"] = grid_id
    if LOCATION not in needed:
        return used
    if grid_id is None and lat is None:
        c.problems.add(
            "no location",
            "forecasting needs a grid_id column or lat/lon columns (with --grids or "
            "--cell-size); none found",
        )
        return None
    if grid_id is None:
        c.problems.add(
            "no grids", "forecasting from lat/lon needs --grids GEOJSON or --cell-size METRES"
        )
        return None
    _check_unlocated(c, grid_id, lat)
    return used


def _check_unlocated(c: Checker, grid_id: pd.Series, lat: np.ndarray | None) -> None:
    unlocated = (grid_id == "").to_numpy()
    if lat is not None:
        unlocated = unlocated & np.isnan(lat)
    if not unlocated.any():
        return
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


def _assign_grids(c: Checker, lat, lon, grids, cell_size_m, had_grid_id: bool):
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
    return pd.Series(assigned, dtype=object).fillna("").astype(str), grids
