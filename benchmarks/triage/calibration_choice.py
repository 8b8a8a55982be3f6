"""How the shift-aware temperature is fitted, chosen on the records' city half only.

Fits a simulated-only triage model (the default config on a sample of simulated calls, the
linear SVM alone), scores the records set's ``city`` half — the dev set a simulated-only
model may be tuned on; ``handwritten_v1`` and the records holdout are not read — and
cross-fits the calibrator there with each objective (``features.confidence.crossfit``,
two folds, many random splits): the expected calibration error and mean confidence of the
out-of-fold answers against their accuracy, by the live-text rules' labels and by the map's.
Writes ``benchmarks/results/triage_calibration_choice.json`` and prints a summary.

Run: ``.venv/bin/python benchmarks/triage/calibration_choice.py [--calls FILE] [--rows 20000]``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from bench_city import calls_in  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "triage_calibration_choice.json"


def objective_figures(proba, shift, y, classes, objective: str, splits: int) -> dict:
    """Mean over ``splits`` two-fold cross-fits: ECE, confidence, accuracy, coverage."""
    from features.confidence import OBJECTIVES, crossfit
    from training.triage.evaluate import expected_calibration_error

    assert objective in OBJECTIVES
    y_index = np.array([int(np.flatnonzero(classes == v)[0]) for v in y])
    rows = []
    for seed in range(splits):
        fit = crossfit(proba, shift, y_index, seed=seed, objective=objective)
        ece, _ = expected_calibration_error(fit.calibrated, y, classes, 10)
        rows.append(
            (
                ece,
                fit.calibrated.max(axis=1).mean(),
                fit.candidates[np.arange(len(y)), y_index].mean(),
                fit.candidates.sum(axis=1).mean(),
            )
        )
    ece, conf, cover, size = np.mean(rows, axis=0)
    return {
        "ece": float(ece),
        "ece_sd": float(np.std([r[0] for r in rows])),
        "mean_confidence": float(conf),
        "candidates_coverage": float(cover),
        "candidates_mean_size": float(size),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=Path, help="calls file (default: simulate the city)")
    parser.add_argument("--rows", type=int, default=20_000, help="simulated calls to train on")
    parser.add_argument("--splits", type=int, default=20, help="random two-fold cross-fits")
    args = parser.parse_args(argv)

    from sklearn.metrics import f1_score

    from training.evalset import load_records
    from training.triage.config import TriageConfig
    from training.triage.data import split_by_time
    from training.triage.fit import fit_triage
    from training.triage.honest import attach_novelty
    from training.triage.train import load_training_calls

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jingqing-calibration-") as tmp:
        calls = calls_in(Path(tmp), args.calls)
        cfg = TriageConfig(max_train_rows=args.rows, candidates=("linear_svm",), cv_sample=4000)
        frame = load_training_calls(calls, None, label_map=None)
        train, _ = split_by_time(frame, cfg.holdout_fraction)
        train = train.sample(n=min(args.rows, len(train)), random_state=cfg.seed)
        outcome = fit_triage(train.reset_index(drop=True), cfg, progress=lambda m: None)
        model = outcome.model
        attach_novelty(model, train["text"].astype(str).tolist())

    city = load_records(split="city")
    raw = model.score(city["text"].astype(str).tolist())
    classes = np.asarray(model.classes, dtype=object)
    proba, shift = raw["proba"], raw["shift"]
    pred = classes[proba.argmax(axis=1)]
    record: dict = {
        "benchmark": "triage_calibration_choice",
        "calls_file": str(args.calls or "simulated default city (51 grids x 365 days, seed 0)"),
        "train_rows": int(len(train)),
        "dev_set": "records_v1 split 'city' (315); handwritten_v1 and the holdout not read",
        "splits": args.splits,
        "raw_mean_confidence": float(proba.max(axis=1).mean()),
        "mean_shift": float(shift.mean()),
        "labels": {},
    }
    for label in ("rule_category", "category"):
        y = city[label].astype(str).to_numpy(dtype=object)
        entry = {
            "macro_f1": float(f1_score(y, pred, average="macro")),
            "accuracy": float((pred == y).mean()),
        }
        for objective in ("log_loss", "brier"):
            entry[objective] = objective_figures(proba, shift, y, classes, objective, args.splits)
        record["labels"][label] = entry
    record["seconds"] = time.perf_counter() - started
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")

    print(f"calibration choice on the records' city half → {RESULTS}")
    for label, entry in record["labels"].items():
        print(f"  {label}: macro-F1 {entry['macro_f1']:.3f}, accuracy {entry['accuracy']:.3f}")
        for objective in ("log_loss", "brier"):
            f = entry[objective]
            print(
                f"    {objective:<9} ECE {f['ece']:.3f} (sd {f['ece_sd']:.3f}), confidence "
                f"{f['mean_confidence']:.3f}, coverage {f['candidates_coverage']:.3f} / "
                f"{f['candidates_mean_size']:.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
