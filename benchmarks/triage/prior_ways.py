"""Diagnosis: ways to join a city's own records and the synthetic prior, on the city half.

On the hand-written records set's "city" half only (never the holdout), in time order,
three (``--folds``) expanding-window folds validate the later half (``training.triage.own.time_folds``),
each fitted on everything before it; features are fitted per fold on its training records
and the prior's texts. Ways compared (pooled validation macro-F1, and per fold):
the prior alone — the simulated-only champion's recipe (a calibrated linear SVM) or a
logistic regression —, the own records alone, the own model stacked on either prior's
margins (``stacked.py``, what ``jingqing train triage`` offers), the SVM's calibrated
probabilities (or their logs) as extra columns beside the own text features; with
``--earlier-ways`` also one fit on own + prior rows with the prior's total
weight at 1-256x the own records' (the third and fourth sessions' scheme), a product of the
two models' logits, a per-class re-fit of the prior's logits on the own
records (bias correction), and feature augmentation (shared + per-domain copies of every
feature, Daumé III 2007).

Writes ``benchmarks/results/triage_prior_ways_champion.json`` (``triage_prior_ways.json``
with ``--earlier-ways``; ``_Nfolds`` added with ``--folds N`` other than 3).
Run: ``.venv/bin/python benchmarks/triage/prior_ways.py [--prior-rows 12000] [--earlier-ways]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "triage_prior_ways_champion.json"
EARLIER = ROOT / "benchmarks" / "results" / "triage_prior_ways.json"  # with --earlier-ways


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def _lr(c: float = 8.0, **kw):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=kw.pop("max_iter", 300), tol=1e-3, **kw)


def _fold(X_own, y_own, X_prior, y_prior, X_va, cfg, earlier: bool, lr_prior: bool):  # noqa: N803
    from training.triage.own import prior_weights
    from training.triage.stacked import Stacking, _logits, fit_on_prior, fit_prior

    out: dict[str, np.ndarray] = {}
    own = _lr().fit(X_own, y_own)
    out["own_only"] = own.predict_proba(X_va)
    svm = fit_prior(X_prior, y_prior, cfg, "linear_svm")
    out["svm_only"] = svm.predict_proba(X_va)
    for c in (2.0, 8.0, 32.0):
        clf = fit_on_prior(svm, X_own, y_own, Stacking(scale=1.0, c=c))
        out[f"stacked_svm_c{c:g}"] = clf.predict_proba(X_va)
    # The SVM's calibrated probabilities (not linear in the features) as extra columns.
    p_own, p_va = svm.predict_proba(X_own), svm.predict_proba(X_va)
    for kind, f in (("proba", lambda p: p), ("logproba", lambda p: np.log(np.clip(p, 1e-6, 1)))):
        for c in (2.0, 8.0, 32.0):
            clf = _lr(c, max_iter=1000).fit(sp.hstack([X_own, f(p_own)]).tocsr(), y_own)
            out[f"svm_{kind}_features_c{c:g}"] = clf.predict_proba(
                sp.hstack([X_va, f(p_va)]).tocsr()
            )
    if not (lr_prior or earlier):
        return out, list(own.classes_)
    prior = fit_prior(X_prior, y_prior, cfg, "logreg")
    out["prior_only"] = prior.predict_proba(X_va)
    for c in (2.0, 8.0, 32.0):
        clf = fit_on_prior(prior, X_own, y_own, Stacking(scale=1.0, c=c))
        out[f"stacked_c{c:g}"] = clf.predict_proba(X_va)
    if not earlier:
        return out, list(own.classes_)
    # The earlier sessions' ways (measured on a 2,000-call prior; ``--earlier-ways``).
    X = sp.vstack([X_own, X_prior]).tocsr()  # noqa: N806
    y = np.concatenate([y_own, y_prior])
    for r in (1, 4, 16, 64, 256):
        w = prior_weights(X_own.shape[0], X_prior.shape[0], r)
        out[f"weighted_mix_{r}x"] = _lr().fit(X, y, sample_weight=w).predict_proba(X_va)
    d_va, d_own = _logits(prior, X_va), _logits(prior, X_own)
    for b in (0.25, 0.5, 1.0):
        out[f"product_of_logits_b{b:g}"] = _softmax(d_va + b * own.decision_function(X_va))
    for c in (0.1, 1.0):
        out[f"bias_correction_c{c:g}"] = _lr(c, max_iter=500).fit(d_own, y_own).predict_proba(d_va)
    zero_o, zero_p = sp.csr_matrix(X_own.shape), sp.csr_matrix(X_prior.shape)
    aug = sp.vstack([sp.hstack([X_own, zero_o, X_own]), sp.hstack([X_prior, X_prior, zero_p])])
    aug_va = sp.hstack([X_va, sp.csr_matrix(X_va.shape), X_va]).tocsr()
    for r in (4, 16):
        w = prior_weights(X_own.shape[0], X_prior.shape[0], r)
        fitted = _lr().fit(aug.tocsr(), y, sample_weight=w)
        out[f"feature_augmentation_{r}x"] = fitted.predict_proba(aug_va)
    return out, list(own.classes_)


def run(
    prior_rows: int,
    seed: int,
    earlier: bool = False,
    k: int = 3,
    lr_prior: bool = True,
    say=print,
) -> dict:
    from sklearn.metrics import f1_score

    from features.vectorize import fast_fitting
    from training.evalset import load_records
    from training.triage.config import TriageConfig
    from training.triage.own import synthetic_prior, time_folds
    from training.triage.pipeline import build_featurizer

    cfg = TriageConfig(seed=seed)
    city = load_records(split="city").sort_values("received_at", kind="stable")
    texts = city["text"].astype(str).tolist()
    y = city["category"].astype(str).to_numpy(dtype=object)
    prior = synthetic_prior(prior_rows, seed)
    p_texts = prior["text"].astype(str).tolist()
    p_y = prior["category"].astype(str).to_numpy(dtype=object)
    labels = np.unique(y)
    folds = time_folds(y, k, cfg.own_min_per_class)
    pooled: dict[str, np.ndarray] = {}
    for k, (tr, va) in enumerate(folds):
        t = time.perf_counter()
        featurizer = build_featurizer(cfg)
        with fast_fitting():
            X = sp.csr_matrix(featurizer.fit_transform([texts[i] for i in tr] + p_texts))  # noqa: N806
        X_va = featurizer.transform([texts[i] for i in va])  # noqa: N806
        got, classes = _fold(X[: len(tr)], y[tr], X[len(tr) :], p_y, X_va, cfg, earlier, lr_prior)
        assert classes == list(labels)
        for name, proba in got.items():
            pooled.setdefault(name, np.zeros((len(y), len(labels))))[va] = proba
        say(
            f"fold {k + 1}/{len(folds)}: {len(tr)} earlier, {len(va)} later ({time.perf_counter() - t:.0f}s)"
        )
    seen = np.concatenate([va for _, va in folds])
    ways = {}
    for name, proba in pooled.items():
        ways[name] = {
            "pooled_macro_f1": float(
                f1_score(y[seen], labels[proba[seen].argmax(1)], average="macro")
            ),
            "fold_macro_f1": [
                float(f1_score(y[va], labels[proba[va].argmax(1)], average="macro"))
                for _, va in folds
            ],
        }
    return {
        "prior_rows": prior_rows,
        "folds": len(folds),
        "n_city": len(y),
        "n_validated": len(seen),
        "ways": ways,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prior-rows", type=int, default=12_000)
    parser.add_argument("--folds", type=int, default=3, help="time folds over the later half")
    parser.add_argument(
        "--svm-prior-only", action="store_true", help="skip the logistic-regression prior"
    )
    parser.add_argument(
        "--earlier-ways", action="store_true", help="also the weighted mix, products, bias"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    results = run(
        args.prior_rows,
        args.seed,
        args.earlier_ways,
        args.folds,
        not args.svm_prior_only,
        lambda line: print(line, flush=True),
    )
    results["seconds"] = time.perf_counter() - started
    results["load_average_1min_before"] = load
    results["command"] = "python benchmarks/triage/prior_ways.py " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    out = EARLIER if args.earlier_ways else RESULTS
    if args.folds != 3:
        out = out.with_name(f"{out.stem}_{args.folds}folds.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    for name, w in results["ways"].items():
        folds = " ".join(f"{f:.3f}" for f in w["fold_macro_f1"])
        print(f"{name:<28} pooled macro-F1 {w['pooled_macro_f1']:.4f}  folds {folds}")
    print(f"wrote {out} in {results['seconds']:.0f}s (load average {load:.1f} before)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
