"""What a planner reads at a glance: the forecast CSV, a heat map and a map of the grids.

``<stem>_heatmap.png`` shows grids × hours; ``<stem>_map.png`` colours the grid polygons
(from the GeoJSON the model was trained with) by expected calls in the next 8-hour shift,
or draws centroids / a plain tile layout when no polygons are known.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from training.forecast.metrics import SHIFT_HOURS

log = logging.getLogger(__name__)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def write_csv(frame: pd.DataFrame, path: Path, geojson: str | None = None) -> None:
    """Write the forecast for Excel (UTF-8 with BOM): hours as ISO 8601 with their UTC
    offset plus ``local_time`` (a date to Excel), and ``grid_name`` when ``geojson`` names
    the grids."""
    from features.excel import for_people, grid_names, write_excel_csv

    times = {"hour": "local_time", "shift_start": "local_time"}
    out = for_people(frame, grid_names(geojson), times)
    for col in ("hour", "shift_start"):  # hourly rows, or shift totals (by=shift)
        if col in out.columns:
            out[col] = pd.DatetimeIndex(out[col]).map(lambda ts: ts.isoformat())
    for col in ("mean",):
        out[col] = out[col].round(4)
    for col in ("p10", "p50", "p90"):
        out[col] = out[col].astype(int)
    write_excel_csv(out, path)


def heatmap(
    frame: pd.DataFrame,
    path: Path,
    title: str = "各网格每小时预计警情",
    names: dict[str, str] | None = None,
) -> Path:
    """Grids (rows, busiest on top, by name when known) × hours (columns: date, weekday,
    hour) coloured by expected calls, in Chinese with the installed CJK font."""
    from training.cjk import day_hour_label, use_cjk_font

    plt = _pyplot()
    use_cjk_font()
    table = frame.pivot_table(index="grid_id", columns="hour", values="mean", aggfunc="sum")
    table = table.loc[table.sum(axis=1).sort_values(ascending=False).index]
    height = min(max(3.0, 0.12 * len(table) + 1.5), 30.0)
    fig, ax = plt.subplots(figsize=(min(max(6.0, 0.08 * table.shape[1] + 3), 20.0), height))
    im = ax.imshow(table.to_numpy(), aspect="auto", cmap="magma_r", interpolation="nearest")
    hours = pd.DatetimeIndex(table.columns)
    step = max(1, len(hours) // 14)
    ax.set_xticks(range(0, len(hours), step))
    ax.set_xticklabels([day_hour_label(h) for h in hours[::step]], rotation=60, fontsize=7)
    zone = str(hours.tz) if hours.tz is not None else "local"
    ax.set_xlabel(f"时间（{zone}）")
    ystep = max(1, len(table) // 40)
    ax.set_yticks(range(0, len(table), ystep))
    shown = [(names or {}).get(str(g), str(g)) for g in table.index[::ystep]]
    ax.set_yticklabels(shown, fontsize=6)
    ax.set_ylabel("网格（警情多者在上）")
    ax.set_title(f"{title}（{hours.min():%Y-%m-%d} 起 {len(hours)} 小时）")
    fig.colorbar(im, ax=ax, label="预计警情（起/小时）")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _shift_totals(frame: pd.DataFrame) -> pd.Series:
    first = pd.DatetimeIndex(frame["hour"]).min()
    hours = pd.DatetimeIndex(frame["hour"])
    in_shift = (hours - first) < pd.Timedelta(hours=SHIFT_HOURS)
    return frame.loc[in_shift].groupby("grid_id")["mean"].sum()


def shift_map(
    frame: pd.DataFrame,
    path: Path,
    geojson: str | None = None,
    centroids: dict[str, tuple[float, float]] | None = None,
) -> Path:
    """Grid polygons coloured by expected calls in the next 8-hour shift (Chinese labels)."""
    from training.cjk import day_hour_label, use_cjk_font

    plt = _pyplot()
    use_cjk_font()
    from matplotlib.cm import ScalarMappable
    from matplotlib.collections import PatchCollection
    from matplotlib.colors import Normalize
    from matplotlib.patches import Polygon

    totals = _shift_totals(frame)
    norm = Normalize(vmin=0.0, vmax=max(float(totals.max()), 1e-6))
    cmap = plt.get_cmap("YlOrRd")
    start = pd.DatetimeIndex(frame["hour"]).min()
    fig, ax = plt.subplots(figsize=(8, 7))
    drawn = False
    if geojson:
        from shapely.geometry import shape

        patches, colours = [], []
        for feature in json.loads(geojson).get("features", []):
            gid = str((feature.get("properties") or {}).get("grid_id", ""))
            if gid not in totals.index:
                continue
            geom = shape(feature["geometry"])
            parts = getattr(geom, "geoms", [geom])
            for part in parts:
                if part.geom_type == "Polygon":
                    patches.append(Polygon(np.asarray(part.exterior.coords), closed=True))
                    colours.append(cmap(norm(totals[gid])))
        if patches:
            ax.add_collection(
                PatchCollection(patches, facecolor=colours, edgecolor="#555", lw=0.4)
            )
            ax.autoscale_view()
            ax.set_aspect("equal", adjustable="datalim")
            drawn = True
    if not drawn and centroids:
        known = [g for g in totals.index if g in centroids]
        if known:
            xy = np.array([centroids[g] for g in known])
            ax.scatter(
                xy[:, 0],
                xy[:, 1],
                c=[cmap(norm(totals[g])) for g in known],
                s=60,
                marker="s",
                edgecolors="#555",
                linewidths=0.3,
            )
            ax.set_xlabel("longitude")
            ax.set_ylabel("latitude")
            drawn = True
    if not drawn:  # no geometry at all: tiles in grid-id order, labelled
        side = int(np.ceil(np.sqrt(len(totals))))
        for i, (gid, value) in enumerate(totals.items()):
            r, c = divmod(i, side)
            ax.add_patch(
                Polygon(
                    [(c, -r), (c + 1, -r), (c + 1, -r - 1), (c, -r - 1)],
                    facecolor=cmap(norm(value)),
                    edgecolor="#555",
                    lw=0.4,
                )
            )
            if side <= 16:
                ax.text(c + 0.5, -r - 0.5, gid, ha="center", va="center", fontsize=5)
        ax.set_xlim(0, side)
        ax.set_ylim(-side, 0)
        ax.set_axis_off()
    fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, label="预计警情（起/班次）")
    end = start + pd.Timedelta(hours=SHIFT_HOURS)
    zone = f"（{start.tz}）" if getattr(start, "tz", None) is not None else ""
    ax.set_title(f"班次预计警情 {start:%Y-%m-%d} {day_hour_label(start)[6:]} – {end:%H:%M}{zone}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_planner_outputs(
    frame: pd.DataFrame,
    output: str | Path,
    geojson: str | None = None,
    centroids: dict[str, tuple[float, float]] | None = None,
    shifts: pd.DataFrame | None = None,
) -> list[Path]:
    """CSV plus ``<stem>_heatmap.png`` and ``<stem>_map.png`` beside it; with ``shifts``
    (totals per grid and shift) the CSV holds those instead of the hourly rows."""
    output = Path(output)
    write_csv(frame if shifts is None else shifts, output, geojson)
    stem = output.with_suffix("")
    from features.excel import grid_names

    heat = heatmap(frame, Path(f"{stem}_heatmap.png"), names=grid_names(geojson))
    where = shift_map(frame, Path(f"{stem}_map.png"), geojson, centroids)
    log.info("wrote %s, %s, %s", output, heat, where)
    return [output, heat, where]


def backtest_plot(actual: np.ndarray, pred, path: Path, title: str) -> Path:
    """City-wide calls per hour in one fold: outcomes against the forecast mean."""
    plt = _pyplot()
    hours = pred.hours
    fig, ax = plt.subplots(figsize=(10, 3.5))
    ax.plot(hours, actual.sum(axis=0), color="black", lw=0.8, label="calls")
    ax.plot(hours, pred.mean.sum(axis=0), color="tab:red", lw=1.2, label="forecast mean")
    ax.set_ylabel("calls per hour (all grids)")
    ax.set_title(title)
    ax.legend(loc="upper right")
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
