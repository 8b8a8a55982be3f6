"""Scale benchmark: LightGBM forecaster on 2,000 grids × 1 year (17.5 M grid-hours).

The panel is drawn directly (Poisson counts around grid level × kind-specific hour-of-week
profile × a slow season), because the benchmark is about training, not about parsing a
4-million-row calls file. Target: fit ≤ 15 min and ≤ 8 GB peak RSS on 2 cores.

    .venv/bin/python benchmarks/forecast/scale.py [--grids 2000] [--days 365]

Writes benchmarks/results/forecast_scale.json and prints a summary.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from features.timeseries import Panel  # noqa: E402

KINDS = ("commercial", "residential", "nightlife", "industrial", "village", "transport")


def synthetic_panel(n_grids: int, days: int, seed: int = 0) -> tuple[Panel, np.ndarray]:
    """Counts (float32) and the true intensity's city-wide mean, built in grid chunks."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2025-01-01", tz="Asia/Shanghai")
    hours = pd.date_range(start, periods=days * 24, freq="h")
    hod, dow = hours.hour.to_numpy(), hours.day_of_week.to_numpy()
    season = 1 + 0.15 * np.sin(2 * np.pi * np.arange(len(hours)) / (24 * 365))
    peaks = {
        "commercial": 14,
        "residential": 20,
        "nightlife": 1,
        "industrial": 10,
        "village": 18,
        "transport": 8,
    }
    profiles = {}
    for kind, peak in peaks.items():
        dist = np.minimum(np.abs(hod - peak), 24 - np.abs(hod - peak))
        weekend = 1.3 if kind in ("nightlife", "commercial") else 0.9
        profiles[kind] = (
            (0.3 + np.exp(-0.5 * (dist / 3.0) ** 2)) * np.where(dow >= 5, weekend, 1.0) * season
        ).astype(np.float32)
    kinds = [KINDS[i % len(KINDS)] for i in range(n_grids)]
    level = rng.lognormal(-1.6, 0.6, n_grids).astype(np.float32)
    counts = np.empty((n_grids, len(hours)), dtype=np.float32)
    for lo in range(0, n_grids, 250):
        hi = min(lo + 250, n_grids)
        lam = level[lo:hi, None] * np.stack([profiles[k] for k in kinds[lo:hi]])
        counts[lo:hi] = rng.poisson(lam)
    ids = [f"S{i:04d}" for i in range(n_grids)]
    return Panel(ids, start, counts, kinds), level


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grids", type=int, default=2000)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args(argv)
    from features.forecaster import Forecaster

    t0 = time.perf_counter()
    panel, _ = synthetic_panel(args.grids, args.days)
    build = time.perf_counter() - t0
    print(
        f"panel {args.grids} grids × {panel.n_hours} h = {panel.counts.size / 1e6:.1f} M "
        f"grid-hours, {panel.counts.sum() / 1e6:.2f} M calls, built in {build:.1f} s",
        flush=True,
    )
    wall, cpu = time.perf_counter(), time.process_time()
    model = Forecaster("lightgbm", "CN").fit(panel)
    fit_wall, fit_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall = time.perf_counter()
    frame = model.forecast(None, 168)
    predict = time.perf_counter() - wall
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "grids": args.grids,
        "hours": panel.n_hours,
        "grid_hours": int(panel.counts.size),
        "training_rows": int(getattr(model.model_, "train_rows_", 0)),
        "trees": int(model.model_.best_iteration_),
        "fit_seconds": fit_wall,
        "fit_cpu_seconds": fit_cpu,
        "forecast_168h_seconds": predict,
        "forecast_rows": len(frame),
        "peak_rss_mb": peak_mb,
        "load_average_1m": os.getloadavg()[0],
        "cores": os.cpu_count(),
        "targets": {"fit_le_900_s": fit_wall <= 900, "peak_le_8192_mb": peak_mb <= 8192},
    }
    out = ROOT / "benchmarks" / "results" / "forecast_scale.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(
        f"fit {fit_wall:.0f} s wall ({fit_cpu:.0f} s CPU), forecast 168 h for all grids "
        f"{predict:.1f} s, peak RSS {peak_mb:.0f} MB (load average "
        f"{result['load_average_1m']:.1f} on {result['cores']} cores) → {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
