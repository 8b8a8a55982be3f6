"""The plan's map: grids coloured by the share of calls reached within the target, one panel
per shift (up to three), units written in each grid and standby posts starred."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from features.deploy.geometry import GridGeometry
from features.deploy.plan import PlanResult


def plan_map(result: PlanResult, geometry: GridGeometry, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.cm import ScalarMappable
    from matplotlib.collections import PatchCollection
    from matplotlib.colors import Normalize
    from matplotlib.patches import Polygon

    table = result.table
    shifts = sorted(table["shift"].unique())[:3]
    geo = geometry.subset(sorted(table["grid_id"].unique()))
    cent = geo.centroids() / 1000.0
    cmap = plt.get_cmap("RdYlGn")
    norm = Normalize(vmin=0.5, vmax=1.0)
    fig, axes = plt.subplots(1, len(shifts), figsize=(5.5 * len(shifts), 5.6), squeeze=False)
    label = len(geo) <= 120
    for ax, shift in zip(axes[0], shifts, strict=True):
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
            label="standby post",
        )
        ax.autoscale_view()
        ax.set_aspect("equal", adjustable="datalim")
        w = part["expected_calls"].to_numpy()
        overall = float(np.average(part["share_within_target"], weights=w)) if w.sum() else 0.0
        start = str(part["shift_start"].iloc[0])[:16].replace("T", " ")
        ax.set_title(
            f"shift {shift} from {start}: {overall:.1%} within {result.target:g} min", fontsize=9
        )
        ax.set_xlabel("km east")
        ax.set_ylabel("km north")
        ax.legend(loc="lower left", fontsize=7)
    fig.colorbar(
        ScalarMappable(norm=norm, cmap=cmap),
        ax=axes[0].tolist(),
        label=f"share of calls reached within {result.target:g} min (numbers: units)",
    )
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
