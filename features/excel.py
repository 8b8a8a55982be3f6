"""CSV files a person opens in Excel or WPS: UTF-8 with a byte-order mark (so Chinese text
is not mojibake) and local times as ``YYYY-MM-DD HH:MM`` (which Excel reads as a date).

Every reader in the project strips the BOM (:mod:`features.io`, ``encoding="utf-8-sig"``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

EXCEL_ENCODING = "utf-8-sig"
EXCEL_TIME = "%Y-%m-%d %H:%M"


def local_time_text(values) -> list[str]:
    """Times as local wall-clock text Excel parses as a date (aware times in their own
    zone, ISO 8601 text with its offset as written); blanks stay blank."""
    series = pd.Series(values)
    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(series):
        return series.dt.strftime(EXCEL_TIME).fillna("").tolist()
    out = []
    for value in series:
        stamp = pd.Timestamp(value) if isinstance(value, str) and value.strip() else None
        out.append("" if stamp is None or pd.isna(stamp) else stamp.strftime(EXCEL_TIME))
    return out


def write_excel_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """``frame`` as CSV for people: UTF-8 with BOM, no index column."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, encoding=EXCEL_ENCODING)
    return path


def grid_names(geojson: str | None) -> dict[str, str]:
    """``grid_id -> name`` from grid polygons (GeoJSON text); empty when none are known."""
    import json

    if not geojson:
        return {}
    try:
        doc = json.loads(geojson)
    except ValueError:
        return {}
    names: dict[str, str] = {}
    for feature in doc.get("features", []) if isinstance(doc, dict) else []:
        props = feature.get("properties") or {}
        gid, name = props.get("grid_id"), props.get("name")
        if gid is not None and name:
            names[str(gid)] = str(name)
    return names


def for_people(
    frame: pd.DataFrame, names: dict[str, str] | None = None, times: dict[str, str] | None = None
) -> pd.DataFrame:
    """``frame`` with ``grid_name`` after ``grid_id`` (when names are known) and, for each
    ``{time column: new column}`` in ``times``, the local wall-clock time Excel reads as a
    date right after the (unchanged, ISO 8601 with offset) original."""
    out = frame.copy()
    if names and "grid_id" in out.columns:
        at = out.columns.get_loc("grid_id") + 1
        out.insert(at, "grid_name", out["grid_id"].astype(str).map(names).fillna(""))
    for col, new in (times or {}).items():
        if col in out.columns:
            out.insert(out.columns.get_loc(col) + 1, new, local_time_text(out[col]))
    return out
