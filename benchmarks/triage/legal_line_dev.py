"""Legal-line features on the records' city half (the dev set), with and without.

Fits simulated-only triage models (the default config on a sample of simulated calls, the
linear SVM alone, as ``calibration_choice.py`` does) with the legal-line block
(``features/legal_line.py``) at each ``--weights`` value (0: left out) and each seed (the
seed draws the training sample and the SVM folds), and scores the records set's ``city``
half by the live-text rules' labels; ``handwritten_v1`` and the records holdout are not
read. Writes ``benchmarks/results/triage_legal_line_dev.json`` and prints a summary.

Run: ``.venv/bin/python benchmarks/triage/legal_line_dev.py [--calls FILE] [--rows 20000]``.
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
RESULTS = ROOT / "benchmarks" / "results" / "triage_legal_line_dev.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=Path, help="calls file (default: simulate the city)")
    parser.add_argument("--rows", type=int, default=20_000, help="simulated calls to train on")
    parser.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.5])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--out", type=Path, default=RESULTS, help="JSON to write")
    args = parser.parse_args(argv)

    from sklearn.metrics import f1_score, recall_score

    from training.evalset import load_records
    from training.triage.config import TriageConfig
    from training.triage.data import split_by_time
    from training.triage.fit import fit_triage
    from training.triage.train import load_training_calls

    city = load_records(split="city")
    texts = city["text"].astype(str).tolist()
    y = city["rule_category"].astype(str).to_numpy(dtype=object)
    runs = []
    with tempfile.TemporaryDirectory(prefix="jingqing-legal-") as tmp:
        calls = calls_in(Path(tmp), args.calls)
        frame = load_training_calls(calls, None, label_map=None)
        for seed in args.seeds:
            for weight in args.weights:
                started = time.perf_counter()
                cfg = TriageConfig(
                    max_train_rows=args.rows,
                    candidates=("linear_svm",),
                    cv_sample=4000,
                    seed=seed,
                    legal_weight=weight,
                )
                train, _ = split_by_time(frame, cfg.holdout_fraction)
                train = train.sample(n=min(args.rows, len(train)), random_state=seed)
                model = fit_triage(
                    train.reset_index(drop=True), cfg, progress=lambda m: None
                ).model
                proba = model.score(texts)["proba"]
                pred = np.asarray(model.classes, dtype=object)[proba.argmax(axis=1)]
                run = {
                    "seed": seed,
                    "legal_weight": weight,
                    "macro_f1": float(f1_score(y, pred, average="macro")),
                    "public_order_recall": float(
                        recall_score(y, pred, labels=["public_order"], average="macro")
                    ),
                    "criminal_recall": float(
                        recall_score(y, pred, labels=["criminal"], average="macro")
                    ),
                    "seconds": time.perf_counter() - started,
                }
                runs.append(run)
                print(json.dumps(run), flush=True)
    record = {
        "benchmark": "triage_legal_line_dev",
        "calls_file": str(args.calls or "simulated default city (51 grids x 365 days, seed 0)"),
        "train_rows": args.rows,
        "dev_set": "records_v1 split 'city' (315), rules' labels; v1 and the holdout not read",
        "load_average": os.getloadavg(),
        "runs": runs,
        "mean_macro_f1": {
            str(w): float(np.mean([r["macro_f1"] for r in runs if r["legal_weight"] == w]))
            for w in args.weights
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=2), encoding="utf-8")
    print(f"legal-line features on the records' city half → {args.out}")
    for w, f1 in record["mean_macro_f1"].items():
        print(f"  legal_weight {w}: mean macro-F1 {f1:.3f} over seeds {args.seeds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
