"""LightGBM settings on the simulated city: deviance against the oracle, and fit time.

Each setting is fitted on the four *selection* folds (the four weeks before the four that
``run.py`` reports), so the choice of defaults is not judged on the weeks it reports. For
each: mean Poisson deviance over the oracle's (the simulator's true intensity), fit wall
and CPU seconds, trees. The blend rows average the setting's mean with grid-rhythm's at
the weight (0-1 in tenths) that was best on the same folds.

    .venv/bin/python benchmarks/forecast/lightgbm_settings.py [--settings 'current;current seed 1']

Writes benchmarks/results/forecast_lightgbm_settings.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # headroom puts the repository first

from headroom import HORIZON, RESULTS, WEIGHTS, load, selection_cutoffs  # noqa: E402

from features.forecaster import Forecaster  # noqa: E402
from training.forecast.metrics import poisson_deviance  # noqa: E402

SETTINGS = {
    "current": {},
    "old (before the speed-up)": {
        "learning_rate": 0.1,
        "min_data_in_leaf": 200,
        "samples_per_hour": 2,
        "early_stopping_rounds": 40,
    },
    "lr 0.1, min leaf 200": {"learning_rate": 0.1, "min_data_in_leaf": 200},
    "lr 0.1, min leaf 200, 1 sample per hour": {
        "learning_rate": 0.1,
        "min_data_in_leaf": 200,
        "samples_per_hour": 1,
    },
    "min leaf 400, 15 leaves": {"min_data_in_leaf": 400, "num_leaves": 15},
    # the spread of one setting across seeds (row sample, bagging): the noise a choice faces
    "current seed 1": {"seed": 1},
    "current seed 2": {"seed": 2},
    "old seed 1": {
        "learning_rate": 0.1,
        "min_data_in_leaf": 200,
        "samples_per_hour": 2,
        "early_stopping_rounds": 40,
        "seed": 1,
    },
}


def fit_predict(panel, cut: int, params: dict) -> tuple[np.ndarray, float, float, int]:
    hist = panel.truncate(cut)
    wall, cpu = time.perf_counter(), time.process_time()
    forecaster = Forecaster("lightgbm", "CN", **params).fit(hist)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    mean = forecaster.predict_from(hist, cut, cut, HORIZON).mean
    return mean, wall, cpu, int(forecaster.model_.best_iteration_)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default=";".join(SETTINGS), help="names, ';'-separated")
    args = parser.parse_args(argv)
    panel, truth, _ = load("sim")
    cuts = selection_cutoffs(panel)
    ys = [panel.counts[:, c : c + HORIZON].astype(np.float64) for c in cuts]
    oracle = float(
        np.mean(
            [
                poisson_deviance(y, truth.counts[:, c : c + HORIZON])
                for y, c in zip(ys, cuts, strict=True)
            ]
        )
    )
    rhythm = [
        Forecaster("grid-rhythm").fit(panel.truncate(c)).predict_from(panel, c, c, HORIZON).mean
        for c in cuts
    ]
    path = RESULTS / "forecast_lightgbm_settings.json"
    report = json.loads(path.read_text()) if path.exists() else {"settings": {}}
    report["oracle_deviance"] = oracle
    for name in args.settings.split(";"):
        params = SETTINGS[name]
        runs = [fit_predict(panel, c, params) for c in cuts]
        means = [r[0] for r in runs]
        dev = float(np.mean([poisson_deviance(y, m) for y, m in zip(ys, means, strict=True)]))
        curve = [
            float(
                np.mean(
                    [
                        poisson_deviance(y, w * m + (1 - w) * r)
                        for y, m, r in zip(ys, means, rhythm, strict=True)
                    ]
                )
            )
            for w in WEIGHTS
        ]
        best = int(np.argmin(curve))
        row = {
            "params": params,
            "deviance": dev,
            "over_oracle": dev / oracle - 1,
            "fit_wall_seconds": float(np.mean([r[1] for r in runs])),
            "fit_cpu_seconds": float(np.mean([r[2] for r in runs])),
            "trees": float(np.mean([r[3] for r in runs])),
            "blend_weight_lightgbm": float(WEIGHTS[best]),
            "blend_deviance": curve[best],
            "blend_over_oracle": curve[best] / oracle - 1,
            "load_average_1m": os.getloadavg()[0],
        }
        report["settings"][name] = row
        print(
            f"{name:42s} dev {dev:.4f} ({row['over_oracle']:+.2%} vs oracle) "
            f"fit {row['fit_wall_seconds']:.1f} s wall / {row['fit_cpu_seconds']:.1f} s CPU, "
            f"{row['trees']:.0f} trees; blend w={WEIGHTS[best]:g}: {curve[best]:.4f} "
            f"({row['blend_over_oracle']:+.2%}) load {row['load_average_1m']:.1f}",
            flush=True,
        )
        RESULTS.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2), encoding="utf-8")  # after each setting
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
