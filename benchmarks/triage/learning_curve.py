"""Benchmark: how fast triage learns from a city's own records, and how honest it stays.

The hand-written records set (``training/evalset/records_v1.jsonl``) has a "city" half —
a city's export to train on — and a "holdout" half that nothing trains or tunes on. For
the earliest 50, 100, 200 and all records of the city half, with and without the
synthetic prior (the simulated-only champion's recipe, a calibrated SVM: none, alone, or
the own model on its margins or log-probabilities, chosen by time-ordered CV, as
``jingqing train triage`` does), plus the simulated-only model, this fits the model,
calibrates it on the holdout half cross-fitted in two (no item both calibrated on and reported) and reports macro-F1,
ECE, candidates' coverage and size and urgent recall/precision on the holdout half. The
simulated-only model is also calibrated on both hand-written sets, cross-fitted, and
judged on each (the issue's first target). It never saw the city's coding, so on the
records it is judged by the live-text rules (``rule_category``, as ``handwritten_v1`` is
labelled); the figures by the map's labels are reported beside them.

Writes ``benchmarks/results/triage_learning_curve.json`` and a plot, logs both to MLflow
(experiment ``triage-learning-curve`` in the project home) and prints a table.

Run: ``.venv/bin/python benchmarks/triage/learning_curve.py [--sim-rows 20000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "triage_learning_curve.json"
PLOT = ROOT / "benchmarks" / "results" / "triage_learning_curve.png"
PARTIAL = ROOT / "benchmarks" / "results" / "triage_learning_curve_partial.json"
SIZES = (50, 100, 200, None)  # None: all records of the city half
KEYS = (
    "macro_f1",
    "ece",
    "ece_raw",
    "mean_confidence",
    "candidates_coverage",
    "candidates_mean_size",
    "urgent_recall",
    "urgent_precision",
    "mean_shift",
)


def _fit(rows: pd.DataFrame, cfg, weights=None, fit_classifier=None):
    from training.triage.fit import fit_triage
    from training.triage.honest import attach_novelty

    outcome = fit_triage(
        rows, cfg, weights=weights, progress=lambda _: None, fit_classifier=fit_classifier
    )
    attach_novelty(outcome.model, rows["text"].astype(str).tolist())
    outcome.model.shift_review = cfg.shift_review
    return outcome.model


def _judge(model, frame: pd.DataFrame, cfg, name: str) -> dict[str, float]:
    from training.triage.honest import calibrate

    m = calibrate(model, frame, cfg, name=name, seed=cfg.seed)
    out = {k[len(name) + 6 :]: float(v) for k, v in m.items() if k.startswith(f"{name}_xfit_")}
    for prefix in {k.split("_xfit_")[0] for k in m if "_xfit_" in k} - {name}:
        out[prefix] = {
            k.split("_xfit_")[1]: float(v) for k, v in m.items() if k.startswith(prefix + "_xfit_")
        }
    return out


def _calibrated_elsewhere(model, fit_on: pd.DataFrame, sets: dict, cfg) -> dict:
    """Temperature and conformal threshold fitted on ``fit_on`` (never reported), figures on
    each of ``sets``: no item is both calibrated on and reported, without cross-fitting."""
    import numpy as np
    from sklearn.metrics import f1_score

    from features.confidence import Calibrator
    from training.triage.evaluate import expected_calibration_error

    model.calibrator = None
    classes = np.asarray(model.classes, dtype=object)
    raw = model.score(fit_on["text"].astype(str).tolist())
    y_fit = np.array([int(np.flatnonzero(classes == v)[0]) for v in fit_on["category"]])
    cal = Calibrator.fit(raw["proba"], raw["shift"], y_fit, coverage=cfg.candidates_coverage)
    out = {"fitted_on": len(fit_on), "a": cal.a, "b": cal.b}
    for name, frame in sets.items():
        got = model.score(frame["text"].astype(str).tolist())
        p = cal.apply(got["proba"], got["shift"])
        truth = frame["category"].astype(str).to_numpy(dtype=object)
        sets_ = cal.candidates(p)
        idx = np.array([int(np.flatnonzero(classes == v)[0]) for v in truth])
        out[name] = {
            "macro_f1": float(f1_score(truth, classes[p.argmax(1)], average="macro")),
            "ece_raw": expected_calibration_error(got["proba"], truth, classes)[0],
            "ece": expected_calibration_error(p, truth, classes)[0],
            "candidates_coverage": float(sets_[np.arange(len(idx)), idx].mean()),
            "candidates_mean_size": float(sets_.sum(axis=1).mean()),
        }
    return out


def _simulated_only(sim_rows: int, seed: int, cv_folds: int) -> dict:
    """The model trained on simulated calls only, judged on both hand-written sets."""
    from training.evalset import load_evalset, load_records
    from training.triage.config import TriageConfig
    from training.triage.own import synthetic_prior

    cfg = TriageConfig(seed=seed, cv_folds=cv_folds)
    city = load_records(split="city")
    holdout = load_records(split="holdout")
    results: dict = {}
    simulated = synthetic_prior(sim_rows, seed + 1)
    sim_model = _fit(simulated, cfg.model_copy(update={"group_column": ""}))
    # Calibrated on the city half instead (by the rules; it is never reported on).
    results["simulated_only_calibrated_on_city"] = _calibrated_elsewhere(
        sim_model,
        city.assign(category=city["rule_category"]),
        {
            "handwritten_v1": load_evalset(),
            "records": holdout.assign(category=holdout["rule_category"]),
        },
        cfg,
    )
    # The simulated-only model never saw the city's coding: judged by the live-text rules
    # (rule_category), as handwritten_v1 is labelled; by the map's labels alongside.
    by_rules = holdout.assign(category=holdout["rule_category"])
    both = pd.concat(
        [load_evalset().assign(yardstick="handwritten_v1"), by_rules.assign(yardstick="records")],
        ignore_index=True,
    )
    results["simulated_only_handwritten"] = _judge(sim_model, both, cfg, "handwritten")
    both_map = pd.concat(
        [load_evalset().assign(yardstick="handwritten_v1"), holdout.assign(yardstick="records")],
        ignore_index=True,
    )
    results["simulated_only_handwritten_map_labels"] = _judge(sim_model, both_map, cfg, "hw")
    point = _judge(sim_model, holdout, cfg, "holdout")
    results["points"] = [{"records": 0, "prior": "simulated only", **point}]
    results["simulated_only_records_rule_labels"] = _judge(sim_model, by_rules, cfg, "holdout")
    return results


def _own_point(size: int | None, use_prior: bool, seed: int, cv_folds: int) -> dict:
    """The earliest ``size`` records of the city half (None: all), with or without the
    prior, as ``jingqing train triage`` trains them; judged on the holdout half."""
    from training.evalset import load_records
    from training.triage.config import TriageConfig
    from training.triage.own import synthetic_prior, with_prior

    cfg = TriageConfig(seed=seed, cv_folds=cv_folds)
    city = load_records(split="city").sort_values("received_at", kind="stable")
    holdout = load_records(split="holdout")
    own_cfg = cfg.model_copy(update={"candidates": (cfg.own_candidate,), "group_column": ""})
    own = city if size is None else city.head(size)
    t = time.perf_counter()
    c = cfg.model_copy(update={"prior": "cv" if use_prior else "none"})
    prior = synthetic_prior(cfg.prior_rows, seed) if use_prior else None
    label, weights, rows, pm, fit_classifier = with_prior(
        own.reset_index(drop=True), c, lambda _: None, prior
    )
    model = _fit(rows, own_cfg, weights, fit_classifier)
    point = _judge(model, holdout, cfg, "holdout")
    return {
        "records": len(own),
        "prior": label,
        "prior_ratio": pm["prior_ratio"],
        "prior_cv_macro_f1": {
            k[len("prior_cv_macro_f1_") :]: v
            for k, v in pm.items()
            if k.startswith("prior_cv_macro_f1_")
        },
        "seconds": time.perf_counter() - t,
        **point,
    }


# The target point first, then the ceiling, the baseline and the rest: on a loaded
# machine the run may be stopped, and the points finished by then are kept (``partial``).
ORDER = ((200, True), (None, True), "simulated", (200, False), (None, False), (100, True),
         (100, False), (50, True), (50, False))  # fmt: skip


def run(
    sim_rows: int, seed: int, cv_folds: int = 3, jobs: int = 1, say=print, partial=None
) -> dict:
    """Every point as an independent task (``jobs`` worker processes; 1: in this one), in
    ``ORDER``; ``partial(points)`` is called with the own points finished so far."""
    from concurrent.futures import ProcessPoolExecutor

    from training.evalset import load_records

    results: dict = {}
    own_points: dict = {}
    pool = ProcessPoolExecutor(jobs) if jobs > 1 else None
    submit = pool.submit if pool else lambda f, *a: _Done(f(*a))
    futures = {
        t: submit(_simulated_only, sim_rows, seed, cv_folds)
        if t == "simulated"
        else submit(_own_point, *t, seed, cv_folds)
        for t in ORDER
    }
    for task, future in futures.items():
        if task == "simulated":
            results |= future.result()
            say(f"   0 records, simulated only: macro-F1 {results['points'][0]['macro_f1']:.3f}")
        else:
            own_points[task] = p = future.result()
            say(
                f"{p['records']:>4} records, prior {p['prior']:<44} macro-F1 "
                f"{p['macro_f1']:.3f} ECE {p['ece']:.3f} coverage "
                f"{p['candidates_coverage']:.3f} ({p['seconds']:.0f}s)"
            )
        if partial is not None:
            partial(results.get("points", []) + list(own_points.values()))
    if pool:
        pool.shutdown()
    for size in SIZES:
        results["points"] += [own_points[(size, use)] for use in (False, True)]
    results["n_city"] = len(load_records(split="city"))
    results["n_holdout"] = len(load_records(split="holdout"))
    return results


class _Done:
    """A finished result with a future's ``result()`` (the serial path)."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


def plot(results: dict, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    pts = [p for p in results["points"] if p["records"] > 0]
    for with_prior, style in ((False, "o-"), (True, "s--")):
        sel = [p for p in pts if (p["prior"] != "none (config)") == with_prior]
        n = [p["records"] for p in sel]
        label = "with prior (CV choice)" if with_prior else "own records only"
        axes[0].plot(n, [p["macro_f1"] for p in sel], style, label=label)
        axes[1].plot(n, [p["ece"] for p in sel], style, label=label)
    sim = results["points"][0]
    for ax, key in ((axes[0], "macro_f1"), (axes[1], "ece")):
        ax.axhline(sim[key], color="grey", ls=":", label="simulated only")
        ax.set_xscale("log")
        ax.set_xlabel("own records trained on")
    axes[0].set_ylabel("macro-F1 on the held-out records")
    axes[1].set_ylabel("ECE on the held-out records (cross-fitted)")
    axes[0].legend(fontsize=8)
    fig.suptitle("triage learning curve on hand-written records")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sim-rows", type=int, default=20_000, help="simulated-only model")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--cv-folds", type=int, default=3, help="candidate CV folds inside each fit (time)"
    )
    parser.add_argument("--jobs", type=int, default=1, help="worker processes for the points")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load = os.getloadavg()[0]
    given = sys.argv[1:] if argv is None else argv
    command = "python benchmarks/triage/learning_curve.py " + " ".join(given)

    def partial(points: list) -> None:  # what a stopped run leaves (no plot, no MLflow)
        done = {"complete": False, "command": command, "load_average_1min_before": load}
        done["seconds_so_far"] = time.perf_counter() - started
        PARTIAL.write_text(json.dumps(done | {"points": points}, indent=2, ensure_ascii=False))

    results = run(args.sim_rows, args.seed, args.cv_folds, args.jobs, partial=partial)
    PARTIAL.unlink(missing_ok=True)
    results["seconds"] = time.perf_counter() - started
    results["load_average_1min_before"] = load
    results["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    results["command"] = command
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    plot(results, PLOT)

    import mlflow

    from training import tracking

    tracking.configure()
    with mlflow.start_run(experiment_id=tracking.experiment_id("triage-learning-curve")):
        for p in results["points"]:
            tag = f"n{p['records']}_{'prior' if p['prior'] not in ('none (config)',) else 'own'}"
            mlflow.log_metrics({f"{tag}_{k}": p[k] for k in KEYS if p.get(k) == p.get(k)})
        mlflow.log_artifact(str(RESULTS))
        mlflow.log_artifact(str(PLOT))

    print(f"\n{'records':>7}  {'prior':<44} {'macro-F1':>8} {'ECE':>6} {'cover':>6} {'size':>5}")
    for p in results["points"]:
        print(
            f"{p['records']:>7}  {p['prior']:<44} {p['macro_f1']:>8.3f} {p['ece']:>6.3f} "
            f"{p['candidates_coverage']:>6.3f} {p['candidates_mean_size']:>5.2f}"
        )
    for key, note in (
        ("simulated_only_handwritten", "records by the rules"),
        ("simulated_only_handwritten_map_labels", "records by the map"),
    ):
        _print_simulated_only(results[key], note)
    city_cal = results["simulated_only_calibrated_on_city"]
    for name in ("handwritten_v1", "records"):
        h = city_cal[name]
        print(
            f"simulated-only calibrated on the city half, on {name}: ECE {h['ece_raw']:.3f} -> "
            f"{h['ece']:.3f}, coverage {h['candidates_coverage']:.3f} "
            f"(size {h['candidates_mean_size']:.2f})"
        )
    print(f"wrote {RESULTS} in {results['seconds']:.0f}s (load average {load:.1f} before)")
    return 0


def _print_simulated_only(hand: dict, note: str) -> None:
    for name in ("handwritten_v1", "records"):
        h = hand[name]
        print(
            f"simulated-only on {name} ({note}): macro-F1 {h['macro_f1']:.3f}, ECE {h['ece']:.3f}, "
            f"coverage {h['candidates_coverage']:.3f} (size {h['candidates_mean_size']:.2f}), "
            f"urgent recall {h.get('urgent_recall', float('nan')):.3f} / precision "
            f"{h.get('urgent_precision', float('nan')):.3f}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
