"""The planners' shift map: one panel per 8-hour shift of the forecast window.

Panels sit in a day × shift table (rows: local dates, columns: the 00/08/16 h shifts), so a
week reads like a duty roster; all panels share one colour scale in 起/班次. Each grid is
labelled with its name (or id) where the map has room, else the busiest grids of the shift
are. A shift cut by the window says how many of its hours it holds. Without polygons the
grids are drawn at their centroids, without those as labelled tiles.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from features.shifts import SHIFT_HOURS, shift_groups

LABEL_ALL_UP_TO = 40  # grids per panel that still leave room for every name
LABEL_BUSIEST = 5  # otherwise the names of the shift's busiest grids
PANEL_INCHES = (4.2, 3.8)


def shift_table(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[int]]:
    """Expected calls per grid (rows) and shift (columns: shift starts), and the hours of
    each shift inside the window."""
    table = frame.pivot_table(index="grid_id", columns="hour", values="mean", aggfunc="sum")
    starts, groups = shift_groups(pd.DatetimeIndex(table.columns))
    values = np.column_stack([table.to_numpy()[:, pos].sum(axis=1) for pos in groups])
    return pd.DataFrame(values, index=table.index, columns=starts), [len(p) for p in groups]


def _outlines(geojson: str | None, grid_ids) -> tuple[list[np.ndarray], list[str], dict]:
    """Polygon rings (lon, lat) with the grid of each, and a label point per grid."""
    if not geojson:
        return [], [], {}
    from shapely.geometry import shape

    wanted = set(grid_ids)
    rings, owners, points = [], [], {}
    for feature in json.loads(geojson).get("features", []):
        gid = str((feature.get("properties") or {}).get("grid_id", ""))
        if gid not in wanted or not feature.get("geometry"):
            continue
        geom = shape(feature["geometry"])
        for part in getattr(geom, "geoms", [geom]):
            if part.geom_type == "Polygon":
                rings.append(np.asarray(part.exterior.coords))
                owners.append(gid)
        point = geom.representative_point()
        points[gid] = (point.x, point.y)
    return rings, owners, points


def _tiles(grid_ids) -> tuple[list[np.ndarray], list[str], dict]:
    """No geometry at all: square tiles in grid-id order."""
    side = max(1, math.ceil(math.sqrt(len(grid_ids))))
    rings, points = [], {}
    for i, gid in enumerate(grid_ids):
        r, c = divmod(i, side)
        rings.append(np.array([(c, -r), (c + 1, -r), (c + 1, -r - 1), (c, -r - 1)], float))
        points[gid] = (c + 0.5, -r - 0.5)
    return rings, list(grid_ids), points


def _labelled(values: pd.Series) -> list[str]:
    if len(values) <= LABEL_ALL_UP_TO:
        return list(values.index)
    return list(values.sort_values(ascending=False).index[:LABEL_BUSIEST])


def shift_map(
    frame: pd.DataFrame,
    path: Path,
    geojson: str | None = None,
    centroids: dict[str, tuple[float, float]] | None = None,
    names: dict[str, str] | None = None,
) -> Path:
    """``frame`` (``grid_id, hour, mean``) as one map panel per shift, written to ``path``."""
    from training.cjk import day_hour_label, use_cjk_font
    from training.forecast.planner import _pyplot

    plt = _pyplot()
    use_cjk_font()
    from matplotlib.cm import ScalarMappable
    from matplotlib.collections import PolyCollection
    from matplotlib.colors import Normalize

    table, held = shift_table(frame)
    names = names or {}
    rings, owners, points = _outlines(geojson, table.index)
    mode = "polygons" if rings else "points" if centroids else "tiles"
    if mode == "points":
        points = {g: centroids[g] for g in table.index if g in centroids}
        if not points:
            mode = "tiles"
    if mode == "tiles":
        rings, owners, points = _tiles(list(table.index))
    starts = pd.DatetimeIndex(table.columns)
    days = sorted({s.normalize() for s in starts})
    n_cols = 3 if len(starts) > 1 else 1
    fig, axes = plt.subplots(
        len(days),
        n_cols,
        figsize=(PANEL_INCHES[0] * n_cols + 1.2, PANEL_INCHES[1] * len(days) + 0.8),
        squeeze=False,
    )
    norm = Normalize(vmin=0.0, vmax=max(float(table.to_numpy().max()), 1e-6))
    cmap = plt.get_cmap("YlOrRd")
    used = set()
    for k, start in enumerate(starts):
        row = days.index(start.normalize())
        col = start.hour // SHIFT_HOURS if n_cols == 3 else 0
        ax = axes[row][col]
        used.add((row, col))
        values = table.iloc[:, k]
        if mode == "points":
            known = list(points)
            xy = np.array([points[g] for g in known])
            ax.scatter(
                xy[:, 0],
                xy[:, 1],
                c=values.loc[known].to_numpy(),
                cmap=cmap,
                norm=norm,
                s=60,
                marker="s",
                edgecolors="#555",
                linewidths=0.3,
            )
        else:
            shapes = PolyCollection(rings, cmap=cmap, norm=norm, edgecolors="#555", linewidths=0.4)
            shapes.set_array(values.loc[owners].to_numpy())
            ax.add_collection(shapes)
            ax.autoscale_view()
        if mode != "tiles":
            ax.set_aspect("equal", adjustable="datalim")
        for gid in _labelled(values):
            if gid in points:
                x, y = points[gid]
                ax.text(
                    x,
                    y,
                    f"{names.get(gid, gid)}\n{values[gid]:.1f}",
                    ha="center",
                    va="center",
                    fontsize=5.5,
                )
        end = start + pd.Timedelta(hours=SHIFT_HOURS)
        part = f"（窗口内 {held[k]} 小时）" if held[k] < SHIFT_HOURS else ""
        ax.set_title(f"{day_hour_label(start)}–{end:%H:%M}{part}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    for r in range(len(days)):
        for c in range(n_cols):
            if (r, c) not in used:
                axes[r][c].set_axis_off()
    zone = f"（{starts[0].tz}）" if starts.tz is not None else ""
    fig.suptitle(f"各网格班次预计警情：{starts[0]:%Y-%m-%d} 起 {len(starts)} 个班次{zone}")
    fig.colorbar(
        ScalarMappable(norm=norm, cmap=cmap), ax=axes.ravel().tolist(), label="预计警情（起/班次）"
    )
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
