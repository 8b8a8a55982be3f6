"""Benchmark: how long a patrol plan takes, 51 grids × 3 shifts and 2,000 grids × 3 shifts.

Targets (the patrol-deployment issue): a plan for 51 grids × 3 shifts in ≤ 2 s and for
2,000 grids × 3 shifts in ≤ 60 s. Each case times ``make_plan`` end to end — the travel
model's sampling of every polygon, the standby posts, the marginal allocation and the
evaluation of every shift — on a synthetic 24-hour forecast: the simulator's 51-grid
demo city with 120 units per shift, and a lattice of 2,000 square 1 km grids with 2.4
units per grid per shift. Libraries are imported before the clock starts (a command that
plans has loaded them already for the forecast); the first 51-grid run is a warm-up.

Wall and CPU seconds (``time.process_time``: this process's user + system time, what the
plan costs whatever else the machine runs) and the load average before and after each
case; the machine's other load stretches wall time, not CPU time.

Writes ``benchmarks/results/plan_speed.json``; prints a summary.
Run: ``.venv/bin/python benchmarks/plan/speed.py`` (about a minute of CPU).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"

from features.deploy.geometry import GridGeometry  # noqa: E402
from features.deploy.plan import make_plan  # noqa: E402
from features.deploy.roster import Roster  # noqa: E402

TARGET_SECONDS = {51: 2.0, 2000: 60.0}


def synthetic_forecast(ids, base_rates, start) -> pd.DataFrame:
    """24 hours from ``start``: each grid's daily rate with a day/night shape, p10-p90."""
    hours = pd.date_range(start, periods=24, freq="h", tz="Asia/Shanghai")
    shape = np.where((hours.hour >= 8) & (hours.hour <= 22), 1.4, 0.5)
    mean = np.asarray(base_rates)[:, None] / 24 * shape[None, :]
    sd = np.sqrt(mean + 0.05 * mean**2)
    return pd.DataFrame(
        {
            "grid_id": np.repeat(ids, len(hours)),
            "hour": np.tile(hours, len(ids)),
            "mean": mean.ravel(),
            "p10": np.floor(np.maximum(mean - 1.28 * sd, 0)).ravel(),
            "p90": np.ceil(mean + 1.28 * sd).ravel(),
        }
    )


def lattice_city(n: int, seed: int = 0):
    """``n`` square 1 km grids around Simao (a lattice, as cities without polygons use)."""
    import shapely

    side = int(np.ceil(np.sqrt(n)))
    dlat = 1000 / 111_195.0
    dlon = dlat / np.cos(np.radians(24.77))
    polys, ids = [], []
    for k in range(n):
        r, c = divmod(k, side)
        w, s = 100.97 + (c - side / 2) * dlon, 24.77 + (r - side / 2) * dlat
        polys.append(shapely.box(w, s, w + dlon, s + dlat))
        ids.append(f"r{r:03d}c{c:03d}")
    rates = np.random.default_rng(seed).lognormal(np.log(6.5) - 0.18, 0.6, n)
    return ids, polys, rates


def cases(scale_grids: int) -> dict:
    """``{grids: (ids, lon/lat polygons, daily rates, units per shift)}``."""
    from training.simulator.city import build_city

    city = build_city(51, 0)
    return {
        51: (city.grid_ids, [g.polygon for g in city.grids], city.base_rates, 120),
        scale_grids: (*lattice_city(scale_grids), int(scale_grids * 2.4)),
    }


def time_plan(ids, polys, rates, units) -> dict:
    """One ``make_plan`` from the polygons (travel sampling included): seconds and share."""
    geo = GridGeometry.from_polygons(ids, polys)
    fc = synthetic_forecast(ids, rates, "2025-06-02")
    load_before = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    res = make_plan(fc, geo, Roster.uniform(units, 3), shifts=3)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "share_within_target": round(res.summary["share_within_target"], 4),
        "units_per_shift": units,
    }


def run(args) -> dict:
    import sklearn.cluster  # noqa: F401  (imported by any command that loads a model)

    out = {}
    for n, (ids, polys, rates, units) in cases(args.scale_grids).items():
        repeats = args.repeats if n <= 100 else args.scale_repeats
        if n <= 100:
            time_plan(ids, polys, rates, units)  # warm-up: first calls of numpy/scipy paths
        runs = [time_plan(ids, polys, rates, units) for _ in range(repeats)]
        best = min(runs, key=lambda r: r["cpu_seconds"])
        out[f"{n}x3"] = {
            "grids": n,
            "shifts": 3,
            "runs": runs,
            "median_wall_seconds": round(float(np.median([r["wall_seconds"] for r in runs])), 3),
            "median_cpu_seconds": round(float(np.median([r["cpu_seconds"] for r in runs])), 3),
            "target_seconds": TARGET_SECONDS.get(n),
            "share_within_target": best["share_within_target"],
        }
        print(
            f"[plan speed] {n} grids x 3 shifts: median {out[f'{n}x3']['median_wall_seconds']} s "
            f"wall, {out[f'{n}x3']['median_cpu_seconds']} s CPU over {repeats} runs "
            f"(load {runs[0]['load_average_before']}-{runs[-1]['load_average_after']})",
            flush=True,
        )
    return {
        "benchmark": "plan_speed",
        "cases": out,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale-grids", type=int, default=2000)
    p.add_argument("--repeats", type=int, default=5, help="runs of the 51-grid plan")
    p.add_argument("--scale-repeats", type=int, default=2, help="runs of the large plan")
    p.add_argument("--output", type=Path, default=RESULTS / "plan_speed.json")
    args = p.parse_args()
    record = run(args)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    small, big = record["cases"]["51x3"], record["cases"][f"{args.scale_grids}x3"]
    print(
        f"plan speed: 51x3 {small['median_wall_seconds']} s wall / {small['median_cpu_seconds']} s "
        f"CPU (target 2 s); {args.scale_grids}x3 {big['median_wall_seconds']} s wall / "
        f"{big['median_cpu_seconds']} s CPU (target 60 s); load {record['load_average']}; "
        f"wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
