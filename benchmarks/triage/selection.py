"""Model selection for triage by phrasing-grouped cross-validation (never the evaluation set).

Every variant of the triage config is scored by out-of-fold macro-F1 on folds grouped by
the simulator's ``phrasing`` column, so each validation fold holds only event wordings the
model never saw — the figure that tells which choices generalise to new wording. Every
variant is logged as an MLflow run (experiment ``triage-selection``) and all figures go to
``benchmarks/results/triage_selection.json``. The hand-written evaluation set is not read.

Run: ``.venv/bin/python benchmarks/triage/selection.py [--calls FILE] [--only NAME ...]``.
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

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "triage_selection.json"

# name → config overrides (on top of the defaults); "base" is the configuration as shipped
# before grouped CV existed. Candidates are compared within each variant.
VARIANTS: dict[str, dict] = {
    "base": {},
    "logreg_c1": {"logreg_c": 1.0, "candidates": ("logreg",)},
    "logreg_c2": {"logreg_c": 2.0, "candidates": ("logreg",)},
    "logreg_c32": {"logreg_c": 32.0, "candidates": ("logreg",)},
    "svm_c0.1": {"svm_c": 0.1, "candidates": ("linear_svm",)},
    "svm_c1": {"svm_c": 1.0, "candidates": ("linear_svm",)},
    "svm_c3": {"svm_c": 3.0, "candidates": ("linear_svm",)},
    "chars_2_4": {"char_ngram_min": 2, "char_ngram_max": 4},
    "chars_1_2": {"char_ngram_max": 2},
    "chars_1_4": {"char_ngram_max": 4, "char_max_features": 100_000},
    "words_uni": {"word_ngram_max": 1},
    "no_sublinear": {"sublinear_tf": False},
    "min_df_1": {"word_min_df": 1, "char_min_df": 1},
    "min_df_5": {"word_min_df": 5, "char_min_df": 5},
    "max_feat_small": {"word_max_features": 10_000, "char_max_features": 20_000},
    "cue_1": {"cue_weight": 1.0},
    "cue_2": {"cue_weight": 2.0},
    "balanced": {"class_weight": "balanced"},
    "aug_1": {"augment_copies": 1},
    "aug_1_nomask": {"augment_copies": 1, "augment_mask": 0.0},
    "aug_1_mask_only": {"augment_copies": 1, "augment_rate": 0.0, "augment_mask": 1.0},
    "aug_2": {"augment_copies": 2},
    "aug_1_strong": {"augment_copies": 1, "augment_rate": 0.15, "augment_mask": 0.8},
    "cv_sample_24k": {"cv_sample": 24_000},
    # Combinations of the single changes that beat "base" (svm C=1, noise without masking).
    "svm_c1_aug_1_nomask": {
        "svm_c": 1.0,
        "augment_copies": 1,
        "augment_mask": 0.0,
        "candidates": ("linear_svm",),
    },
    "svm_c1_aug_2": {"svm_c": 1.0, "augment_copies": 2, "candidates": ("linear_svm",)},
    "svm_c1_chars_1_2": {"svm_c": 1.0, "char_ngram_max": 2, "candidates": ("linear_svm",)},
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=Path, help="calls file (default: simulate the city)")
    parser.add_argument("--only", nargs="*", help="variants to run (default: all)")
    parser.add_argument(
        "--set",
        nargs="*",
        default=[],
        metavar="KEY=JSON",
        help="overrides applied to every variant (e.g. svm_c=0.1)",
    )
    parser.add_argument("--tag", default="", help="suffix of the variant names in the results")
    args = parser.parse_args(argv)

    import mlflow
    import numpy as np

    from training import tracking
    from training.triage.config import TriageConfig
    from training.triage.data import load_training_calls, split_by_time
    from training.triage.fit import _cv_sample, cross_validate, cv_splits

    common = {k: json.loads(v) for k, v in (s.split("=", 1) for s in args.set)}
    calls = args.calls
    tmp = None
    if calls is None:
        from training.simulator import run_simulate

        tmp = tempfile.TemporaryDirectory(prefix="triage-select-")
        run_simulate(Path(tmp.name) / "city", grids=51, days=365, seed=0, progress=False)
        calls = Path(tmp.name) / "city" / "calls.csv"
    frame = load_training_calls(calls)
    base_cfg = TriageConfig(**common)
    train, _ = split_by_time(frame, base_cfg.holdout_fraction)
    if base_cfg.max_train_rows and len(train) > base_cfg.max_train_rows:
        train = train.sample(n=base_cfg.max_train_rows, random_state=base_cfg.seed)
    train = train.reset_index(drop=True)
    y_all = train["category"].astype(str).to_numpy(dtype=object)
    texts_all = train["text"].astype(str).tolist()

    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    tracking.configure()
    exp = tracking.experiment_id("triage-selection")
    for name, overrides in VARIANTS.items():
        if args.only and name not in args.only:
            continue
        cfg = TriageConfig(**{**common, **overrides})
        rng = np.random.default_rng(cfg.seed)
        idx = _cv_sample(y_all, cfg.cv_sample, cfg.cv_folds, rng)
        y = y_all[idx]
        column = cfg.group_column
        groups = train[column].to_numpy()[idx] if column in train.columns else None
        splits, kind = cv_splits(y, groups, cfg.cv_folds, cfg.seed)
        t = time.perf_counter()
        candidates, _ = cross_validate(
            [texts_all[i] for i in idx], y, splits, cfg, progress=lambda _: None
        )
        label = name + args.tag
        best = max(candidates, key=lambda c: candidates[c]["cv_macro_f1"])
        with mlflow.start_run(experiment_id=exp, run_name=label):
            mlflow.log_params({"variant": label, "cv_kind": kind, **common, **overrides})
            for cand, m in candidates.items():
                mlflow.log_metrics({f"{cand}_{k}": v for k, v in m.items()})
            mlflow.log_metric("grouped_cv_macro_f1", candidates[best]["cv_macro_f1"])
        results[label] = {
            "overrides": {**common, **overrides},
            "cv_kind": kind,
            "best": best,
            "candidates": {c: round(m["cv_macro_f1"], 4) for c, m in candidates.items()},
            "seconds": round(time.perf_counter() - t, 1),
        }
        cells = ", ".join(f"{c} {m['cv_macro_f1']:.4f}" for c, m in candidates.items())
        print(f"{label:<24} {kind:<10} {cells}  ({results[label]['seconds']}s)", flush=True)
        RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
