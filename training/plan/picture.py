"""The plan's map, in Chinese: grids coloured by the share of calls reached within the
target, one panel per shift of the plan (three to a row), units written in each grid and
standby posts starred; titles give the shift's date, weekday and time zone."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from features.deploy.geometry import GridGeometry
from features.deploy.plan import PlanResult


def plan_map(result: PlanResult, geometry: GridGeometry, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd
    from matplotlib.cm import ScalarMappable
    from matplotlib.collections import PatchCollection
    from matplotlib.colors import Normalize
    from matplotlib.patches import Polygon

    from training.cjk import day_hour_label, use_cjk_font

    use_cjk_font()
    table = result.table
    shifts = sorted(table["shift"].unique())
    cols = min(3, len(shifts))
    rows = -(-len(shifts) // cols)
    geo = geometry.subset(sorted(table["grid_id"].unique()))
    cent = geo.centroids() / 1000.0
    cmap = plt.get_cmap("RdYlGn")
    norm = Normalize(vmin=0.5, vmax=1.0)
    fig, axes = plt.subplots(rows, cols, figsize=(5.5 * cols, 5.6 * rows), squeeze=False)
    for ax in axes.flat[len(shifts) :]:
        ax.set_visible(False)
    label = len(geo) <= 120
    for ax, shift in zip(axes.flat, shifts, strict=False):
        part = table[table["shift"] == shift].set_index("grid_id").loc[list(geo.ids)]
        patches, colours = [], []
        for poly, share in zip(geo.polygons, part["share_within_target"], strict=True):
            for piece in getattr(poly, "geoms", [poly]):
                patches.append(Polygon(np.asarray(piece.exterior.coords) / 1000.0, closed=True))
                colours.append(cmap(norm(share)))
        ax.add_collection(PatchCollection(patches, facecolor=colours, edgecolor="#444", lw=0.4))
        if label:
            for (x, y), units in zip(cent, part["units"], strict=True):
                ax.text(x, y, str(int(units)), ha="center", va="center", fontsize=6)
        posts = part["standby_units"].to_numpy() > 0
        ax.scatter(
            cent[posts, 0],
            cent[posts, 1] + 0.25,
            marker="*",
            s=70,
            c="#1f3b99",
            edgecolors="white",
            linewidths=0.5,
            label="备勤点",
        )
        ax.autoscale_view()
        ax.set_aspect("equal", adjustable="datalim")
        w = part["expected_calls"].to_numpy()
        overall = float(np.average(part["share_within_target"], weights=w)) if w.sum() else 0.0
        start = pd.Timestamp(part["shift_start"].iloc[0])
        ax.set_title(
            f"第 {shift} 班 {day_hour_label(start)}（{start.tzname() or ''}）\n"
            f"{result.target:g} 分钟内到达 {overall:.1%}",  # two lines: panels sit side by side
            fontsize=9,
        )
        ax.set_xlabel("东向（公里）")
        ax.set_ylabel("北向（公里）")
        ax.legend(loc="lower left", fontsize=7)
    fig.colorbar(
        ScalarMappable(norm=norm, cmap=cmap),
        ax=axes.ravel().tolist(),
        label=f"{result.target:g} 分钟内到达的警情比例（格内数字：巡逻单元数）",
    )
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
