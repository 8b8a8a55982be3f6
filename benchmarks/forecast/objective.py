"""LightGBM's objective at the current defaults: Tweedie against Poisson, by rolling origin.

``ideas.py`` compared the two objectives at older LightGBM defaults (2 rows per grid-hour,
learning rate 0.1). This re-measures them at today's (``LightGBMModel``: 0.5 rows per
grid-hour, learning rate 0.2, Tweedie variance power 1.2) on the four folds ``run.py``
reports, for the trees alone and in the default blend (0.6 trees + 0.4 grid-rhythm), on
Houston beats and the 2 km lattice. Nothing is chosen on these folds (the power is fixed
beforehand), so they are fair to report on; Tweedie is kept when it beats Poisson by at
least 0.2 % of deviance.

    .venv/bin/python benchmarks/forecast/objective.py [--data beats,lattice]

Both objectives are fitted here (cached beside ``headroom.py``'s fold predictions, whose
grid-rhythm this reuses). Writes benchmarks/results/forecast_objective.json and prints a table.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
from headroom import CACHE, HORIZON, model_mean, report_cutoffs, write_report  # noqa: E402
from ideas import load  # noqa: E402

from training.forecast.backtest import FoldSpec, run_fold  # noqa: E402
from training.forecast.metrics import poisson_deviance, shift_scores  # noqa: E402

KEEP_GAIN = 0.002


def trees(kind: str, panel, cut: int, objective: str) -> np.ndarray:
    """The trees alone (no grid-rhythm) fitted before ``cut`` at today's defaults."""
    path = CACHE / f"{kind}-lightgbm-{objective}-{cut}.npy"
    if path.exists():
        return np.load(path)
    params = {"objective": objective, "rhythm_weight": 0.0, "engine": "memory"}
    mean = run_fold(panel, FoldSpec(0, cut, HORIZON, "lightgbm", "US", params)).prediction.mean
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, mean)
    return mean


def run_data(kind: str) -> dict:
    panel = load(kind).panel
    cuts = report_cutoffs(panel)
    started = time.perf_counter()
    fitted = {o: [trees(kind, panel, c, o) for c in cuts] for o in ("poisson", "tweedie")}
    rhythm = [model_mean(kind, panel, "grid-rhythm", c, "US") for c in cuts]
    ys = [panel.counts[:, c : c + HORIZON] for c in cuts]
    hours = [panel.hours(c, c + HORIZON) for c in cuts]

    def score(means) -> dict[str, float]:
        dev = np.mean([poisson_deviance(y, m) for y, m in zip(ys, means, strict=True)])
        pei = [
            shift_scores(y, m, 0.0, h)["pei_10"] for y, m, h in zip(ys, means, hours, strict=True)
        ]
        return {"poisson_deviance": float(dev), "pei_10": float(np.mean(pei))}

    out = {}
    for way in ("trees alone", "default blend"):
        rows = {}
        for objective, ms in fitted.items():
            if way == "default blend":
                ms = [0.6 * m + 0.4 * r for m, r in zip(ms, rhythm, strict=True)]
            rows[objective] = score(ms)
        gain = 1 - rows["tweedie"]["poisson_deviance"] / rows["poisson"]["poisson_deviance"]
        rows["tweedie_gain"] = float(gain)
        rows["verdict"] = "kept" if gain >= KEEP_GAIN else "lost"
        out[way] = rows
        print(kind, way, rows, flush=True)
    out["seconds"] = time.perf_counter() - started
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="beats,lattice")
    args = parser.parse_args(argv)
    report = {"data": {k: run_data(k) for k in args.data.split(",")}}
    report["load_average_1m"] = os.getloadavg()[0]
    lines = [
        "| data | forecast | Poisson | Tweedie | gain | PEI 10 % | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, section in report["data"].items():
        for way in ("trees alone", "default blend"):
            r = section[way]
            lines.append(
                f"| {kind} | {way} | {r['poisson']['poisson_deviance']:.4f} | "
                f"{r['tweedie']['poisson_deviance']:.4f} | {r['tweedie_gain']:+.2%} | "
                f"{r['poisson']['pei_10']:.3f} → {r['tweedie']['pei_10']:.3f} | {r['verdict']} |"
            )
    return write_report("forecast_objective.json", report, "\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
