"""What a planner reads at a glance: the forecast CSV, a heat map and a map of the grids.

``<stem>_heatmap.png`` shows grids × hours; ``<stem>_map.png`` colours the grid polygons
(from the GeoJSON the model was trained with) by expected calls, one labelled panel per
8-hour shift of the window (``training.forecast.maps``).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

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
    from training.forecast.maps import shift_map

    names = grid_names(geojson)
    heat = heatmap(frame, Path(f"{stem}_heatmap.png"), names=names)
    where = shift_map(frame, Path(f"{stem}_map.png"), geojson, centroids, names)
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
