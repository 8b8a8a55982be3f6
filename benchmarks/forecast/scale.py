"""Scale benchmark: LightGBM forecaster on 2,000 grids × 1 year (17.5 M grid-hours).

The panel is drawn directly (Poisson counts around grid level × kind-specific hour-of-week
profile × a slow season), because the benchmark is about training, not about parsing a
4-million-row calls file. The last week is held back: each configuration fits on the rest
and is scored on it (Poisson deviance of the 168 h forecast against the drawn counts).

Configurations (``--configs``, each in its own process, so its peak memory is its own):

* ``memory``: the in-memory fit on a ``max_train_rows`` (3 M) sample, the default engine;
* ``sequence``: every grid-hour, rows built out of core (``engine: sequence``);
* ``dask:N``: every grid-hour on a Dask ``LocalCluster`` of N workers sharing the cores
  (``lightgbm.dask``); it trains as many trees as the ``sequence`` fit kept (``--trees``
  overrides), as LightGBM's Dask interface cannot stop early.

Wall time, CPU time (this process and its workers) and peak RSS (the sum over the process
and its workers, sampled every 0.2 s) per configuration. Target: fit ≤ 15 min and ≤ 8 GB.

    .venv/bin/python benchmarks/forecast/scale.py [--grids 2000] [--days 365]
        [--configs memory,sequence,dask:1,dask:2] [--trees N] [--fresh]
        [--out benchmarks/results/forecast_scale.json]

The configurations run replace their earlier entries in ``--out``; the others are kept
with the commit and load they were measured at (``--fresh`` drops them).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from features.timeseries import Panel  # noqa: E402

KINDS = ("commercial", "residential", "nightlife", "industrial", "village", "transport")
MEMORY_LIMIT_MB = 8192
TIME_LIMIT_S = 900


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


class TreeSampler:
    """Peak RSS and CPU seconds of this process plus its descendants (Dask workers)."""

    def __init__(self, every: float = 0.2) -> None:
        import psutil

        self.me = psutil.Process()
        self.every, self.peak, self.cpu = every, 0, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tree(self):
        return [self.me, *self.me.children(recursive=True)]

    def sample(self) -> None:
        rss = 0
        for proc in self._tree():
            try:
                rss += proc.memory_info().rss
                times = proc.cpu_times()
                self.cpu[proc.pid] = times.user + times.system
            except Exception:  # a worker that just exited
                continue
        self.peak = max(self.peak, rss)

    def cpu_seconds(self) -> float:
        self.sample()
        return sum(self.cpu.values())

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.sample()

    def __enter__(self) -> TreeSampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def poisson_deviance(y: np.ndarray, mu: np.ndarray) -> float:
    mu = np.maximum(mu, 1e-9)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(np.mean(2 * (term - (y - mu))))


def run_one(config: str, grids: int, days: int, trees: int | None) -> dict:
    """Fit one configuration in this process; the dict of what it measured."""
    import contextlib

    from features.forecaster import Forecaster
    from features.tasks import using_client

    panel, _ = synthetic_panel(grids, days)
    history = panel.truncate(panel.n_hours - 168)
    actual = panel.counts[:, history.n_hours :]
    params: dict = {"samples_per_hour": 1.0}
    if config == "memory":
        params = {"engine": "memory"}
    elif config == "sequence":
        params["engine"] = "sequence"
    if trees and config.startswith("dask"):
        params["n_estimators"] = trees
    with contextlib.ExitStack() as stack:
        sampler = stack.enter_context(TreeSampler())
        workers = threads = 0
        if config.startswith("dask"):
            import dask
            from distributed import Client, LocalCluster

            # the limit is the target the peak is judged by, not a reason to kill a worker
            # mid-fit (the nanny passes this config on to the worker processes)
            stack.enter_context(dask.config.set({"distributed.worker.memory.terminate": False}))
            workers = int(config.split(":")[1])
            threads = max(1, (os.cpu_count() or 1) // workers)
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=workers,
                    threads_per_worker=threads,
                    processes=True,
                    dashboard_address=None,
                    memory_limit=f"{MEMORY_LIMIT_MB // workers}MB",
                )
            )
            stack.enter_context(using_client(stack.enter_context(Client(cluster))))
        wall, cpu = time.perf_counter(), sampler.cpu_seconds()
        model = Forecaster("lightgbm", "CN", **params).fit(history)
        fit_wall, fit_cpu = time.perf_counter() - wall, sampler.cpu_seconds() - cpu
    frame = model.forecast(None, 168)
    mu = frame["mean"].to_numpy().reshape(actual.shape)
    return {
        "config": config,
        "workers": workers,
        "threads_per_worker": threads,
        "training_rows": int(model.model_.train_rows_),
        "trees": int(model.model_.best_iteration_),
        "trees_trained": int(params.get("n_estimators", model.model_.n_estimators))
        if config.startswith("dask")
        else int(model.model_.best_iteration_),
        "fit_seconds": fit_wall,
        "fit_cpu_seconds": fit_cpu,
        "peak_rss_mb": sampler.peak / 2**20,
        "next_week_poisson_deviance": poisson_deviance(actual, mu),
        "next_week_city_total_forecast": float(mu.sum()),
        "next_week_city_total_actual": float(actual.sum()),
        "load_average_1m_after": os.getloadavg()[0],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grids", type=int, default=2000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--configs", default="memory,sequence,dask:1,dask:2")
    parser.add_argument("--trees", type=int, help="trees the Dask fits train")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks/results/forecast_scale.json"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="drop the earlier runs of --out, not only rerun ones"
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child: run this config, print JSON
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.grids, args.days, args.trees)))
        return 0
    runs, trees = [], args.trees
    load_before = os.getloadavg()[0]
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    # configurations not run this time keep their earlier figures (each with its commit)
    rerun = set(args.configs.split(","))
    kept = []
    if args.out.exists() and not args.fresh:
        earlier = json.loads(args.out.read_text(encoding="utf-8"))
        kept = [run for run in earlier.get("runs", []) if run["config"] not in rerun]
        for run in kept:
            run.setdefault("commit", earlier.get("commit", "unknown"))
            run.setdefault("load_average_1m_before", earlier.get("load_average_1m_before"))

    def write() -> None:  # after every configuration, so a stopped run keeps what it had
        every = kept + runs
        result = {
            "grids": args.grids,
            "hours": args.days * 24,
            "grid_hours": args.grids * args.days * 24,
            "fit_hours": args.days * 24 - 168,
            "cores": os.cpu_count(),
            "runs": every,
            "targets": {
                run["config"]: {
                    "fit_le_900_s": run["fit_seconds"] <= TIME_LIMIT_S,
                    "peak_le_8192_mb": run["peak_rss_mb"] <= MEMORY_LIMIT_MB,
                }
                for run in every
            },
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")

    for config in args.configs.split(","):
        cmd = [sys.executable, __file__, "--one", config, "--grids", str(args.grids)]
        cmd += ["--days", str(args.days)] + (["--trees", str(trees)] if trees else [])
        print(f"{config}: {' '.join(cmd[1:])}", flush=True)
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode:
            print(done.stderr[-3000:], file=sys.stderr)
            return 1
        run = json.loads(done.stdout.strip().splitlines()[-1])
        run.update(commit=commit, load_average_1m_before=load_before)
        runs.append(run)
        if config == "sequence" and not args.trees:
            trees = run["trees"]
        print(
            f"  {run['training_rows'] / 1e6:.2f} M rows, {run['trees']} trees: fit "
            f"{run['fit_seconds']:.0f} s wall, {run['fit_cpu_seconds']:.0f} s CPU, peak RSS "
            f"{run['peak_rss_mb']:.0f} MB, next-week deviance "
            f"{run['next_week_poisson_deviance']:.4f}",
            flush=True,
        )
        write()
    print(f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
