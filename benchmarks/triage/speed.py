"""Benchmark: end-to-end triage throughput on one core (mask, normalise, tokenise, score).

Trains a triage model with the default features (the same vocabulary caps as the demo's
champion) on a simulated city, unless ``--model FILE`` names a pickled ``TriageModel``;
then, in a fresh single-threaded process, scores held-out simulated calls plus the
hand-written evaluation set and dispatch records in batches of 1024, two ways: (a)
``TriageModel.classify`` (label, calibrated probabilities, review and shift) and (b)
``score_chunk``, what ``jingqing predict triage`` runs (full answers: evidence spans,
routing, urgency), and one text per call as one ``/classify`` request does; it times every
stage (``features.batch_text``, ``features.segment_batch.tokenize_texts``, each feature block).
The same process checks that the fast paths change nothing: tokens against jieba itself,
features and probabilities against scikit-learn's own ``FeatureUnion.transform`` and
``predict_proba``, and each text's answer alone against its answer in the batch.
Writes ``benchmarks/results/triage_speed.json``.

Run: ``.venv/bin/python benchmarks/triage/speed.py [--days 120] [--train-rows 30000]``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # one core, as the target says

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "triage_speed.json"
TARGET = 20_000

PROBE = r"""
import json, os, pickle, sys, time
import numpy as np, scipy.sparse as sp
from features.batch_text import mask_texts, normalize_texts
from features.segment import jieba_tokenize, tokenize
from features.segment_batch import tokenize_texts
from features.vectorize import transform
from training.triage.predict import score_chunk
if sys.argv[1].endswith(".gz"):
    from features.triage_model import load_model_file
    model = load_model_file(sys.argv[1])
else:
    model = pickle.load(open(sys.argv[1], "rb"))
texts = json.load(open(sys.argv[2], encoding="utf-8"))
model.answers(texts[:1024])  # warm: tokenizer dictionaries, vocabulary codes, tables
def cpu(f):
    best = None
    for _ in range(3):
        c = time.process_time(); out = f(); c = time.process_time() - c
        best = c if best is None else min(best, c)
    return out, best / len(texts) * 1e6
def chunks(f, items):
    return [x for i in range(0, len(items), 1024) for x in f(items[i:i + 1024])]
stages = {}
masked, stages["mask"] = cpu(lambda: chunks(mask_texts, texts))
prepared, stages["normalise"] = cpu(lambda: chunks(normalize_texts, masked))
_, stages["tokenise"] = cpu(lambda: chunks(tokenize_texts, prepared))
union = model.category.named_steps["features"]
for name, block in union.transformer_list:
    _, stages[f"features_{name}"] = cpu(lambda: [transform(block, prepared[i:i + 1024]) for i in range(0, len(prepared), 1024)])
# the floor of tokenising: rjieba's own cut of each joined batch, nothing around it
from features.segment import _rjieba
joined = ["\x00".join(prepared[i:i + 1024]) for i in range(0, len(prepared), 1024)]
_, stages["floor_rjieba_cut_alone"] = cpu(lambda: [_rjieba().cut(j, False) for j in joined])
from features.linear_plan import plan_for
plan, clf = plan_for(model), model.category.named_steps["clf"]
Xs = [model.featurize(texts[i:i + 1024])[1] for i in range(0, len(texts), 1024)]
_, stages["score_product_and_calibration"] = cpu(lambda: [plan.category_proba(clf, X, plan.product(X, category_only=True)) for X in Xs])
_, stages["shift"] = cpu(lambda: [model.novelty.score(prepared[i:i + 1024]) for i in range(0, len(prepared), 1024)])
def timed(f):
    wall = time.perf_counter(); c = time.process_time(); out = f()
    return out, time.process_time() - c, time.perf_counter() - wall
# (a) label, calibrated probabilities, review and shift: model.classify
classified, classify_cpu, classify_wall = timed(lambda: [model.classify(texts[i:i + 1024]) for i in range(0, len(texts), 1024)])
# (b) full answers (evidence spans, routing, urgency): score_chunk, what predict triage runs
answers, answer_cpu, answer_wall = timed(lambda: [a for i in range(0, len(texts), 1024) for a in score_chunk(model, texts[i:i + 1024])])
# one text per call, as one /classify request
single = texts[:2000]
for t in single[:50]:
    model.suggest([t])
c = time.process_time()
for t in single:
    model.suggest([t])
single_us = (time.process_time() - c) / len(single) * 1e6
c = time.process_time()
for t in single:
    model.classify([t])
single_classify_us = (time.process_time() - c) / len(single) * 1e6
# the same calls through the batch path (features.one_text off), in the same minutes
import features.triage_model as _tm
_fast, _tm.one_text_for = _tm.one_text_for, lambda model: None
c = time.process_time(); [model.suggest([t]) for t in single]; single_batch_us = (time.process_time() - c) / len(single) * 1e6
c = time.process_time(); [model.classify([t]) for t in single]; single_batch_classify_us = (time.process_time() - c) / len(single) * 1e6
_tm.one_text_for = _fast
# the path this replaced, timed in the same process: jieba's tokens, scikit-learn's transform
words = dict(union.transformer_list)["words"]
sample = texts[:5000]
_, fast_us = cpu(lambda: model.featurize(sample))
words.tokenizer = jieba_tokenize
_, ref_us = cpu(lambda: union.transform(model.category.named_steps["prep"].transform(sample)))
words.tokenizer = tokenize
featurize = {"fast_us_per_text": fast_us * len(texts) / len(sample), "jieba_sklearn_us_per_text": ref_us * len(texts) / len(sample)}
# the references: jieba's own tokens, scikit-learn's own transform and predict_proba,
# every text's answer on its own (the per-text path) against the batch's
token_mismatch = sum(tokenize(t) != jieba_tokenize(t) for t in prepared)
X_fast = model.featurize(texts[:2000])[1]
X_ref = sp.csr_matrix(union.transform(prepared[:2000]), dtype=np.float32)
clf = model.category.named_steps["clf"]
proba_diff = float(np.abs(clf.predict_proba(X_fast) - clf.predict_proba(X_ref)).max())
batch_proba = np.vstack([c["proba"] for c in classified])
full_proba = np.asarray([[a["probabilities"][k] for k in model.classes] for a in answers])
classify_vs_full = float(np.abs(batch_proba - full_proba).max())
alone = [model.answers([t])[0] for t in texts[:2000]]
def spans(a):
    return [(s["start"], s["end"], s["text"]) for s in a["spans"]]
span_mismatch = sum(spans(a) != spans(b) for a, b in zip(alone, answers))
cue_mismatch = sum(a["urgency_cue"] != b["urgency_cue"] and (a["urgency_cue"] or {}).get("text") != (b["urgency_cue"] or {}).get("text") for a, b in zip(alone, answers))
alone_diff = max(abs(a["confidence"] - b["confidence"]) for a, b in zip(alone, answers))
print(json.dumps({"texts": len(texts), "classify": {"cpu_seconds": classify_cpu, "wall_seconds": classify_wall},
                  "answers": {"cpu_seconds": answer_cpu, "wall_seconds": answer_wall},
                  "single_text_us_cpu": {"suggest": single_us, "classify": single_classify_us, "suggest_batch_path": single_batch_us, "classify_batch_path": single_batch_classify_us},
                  "stages_us_per_text": stages,
                  "token_mismatches": token_mismatch, "features_equal": bool((X_fast != X_ref).nnz == 0),
                  "max_probability_difference": proba_diff,
                  "classify_vs_answers_max_probability_difference": classify_vs_full,
                  "per_text_vs_batch": {"texts": len(alone), "span_mismatches": span_mismatch,
                                        "urgency_cue_mismatches": cue_mismatch,
                                        "max_confidence_difference": alone_diff},
                  "featurize": featurize}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model",
        type=Path,
        help="pickled TriageModel, or a champion's triage_model.pkl.gz (default: train one)",
    )
    parser.add_argument("--days", type=int, default=120, help="simulated days (default 120)")
    parser.add_argument("--train-rows", type=int, default=30_000)
    parser.add_argument("--texts", type=int, default=20_000, help="held-out texts to score")
    args = parser.parse_args(argv)

    import pickle

    from training.evalset import load_evalset, load_records
    from training.simulator import run_simulate
    from training.triage.config import TriageConfig
    from training.triage.data import load_training_calls
    from training.triage.fit import fit_triage
    from training.triage.honest import attach_novelty

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="jingqing-triage-speed-") as tmp:
        home = Path(tmp)
        print(f"simulating 51 grids x {args.days} days ...", flush=True)
        run_simulate(home / "city", grids=51, days=args.days, start="2025-01-01", seed=0)
        frame = load_training_calls(home / "city" / "calls.csv")
        cut = len(frame) - args.texts
        model_path = args.model
        train_seconds = None
        if model_path is None:
            cfg = TriageConfig(max_train_rows=args.train_rows)
            t = time.perf_counter()
            fitted = fit_triage(frame.iloc[:cut], cfg, progress=lambda m: print(m, flush=True))
            train_seconds = time.perf_counter() - t
            # the champion's shift score (features.shift) is part of every suggestion
            attach_novelty(fitted.model, frame["text"].iloc[:cut].astype(str).tolist())
            model_path = home / "model.pkl"
            model_path.write_bytes(pickle.dumps(fitted.model))
        texts = frame["text"].iloc[cut:].astype(str).tolist()
        texts += load_evalset()["text"].tolist() + load_records()["text"].tolist()
        (home / "texts.json").write_text(json.dumps(texts, ensure_ascii=False), "utf-8")
        proc = subprocess.run(
            [sys.executable, "-c", PROBE, str(model_path), str(home / "texts.json")],
            capture_output=True,
            text=True,
            env={
                **os.environ,
                "PYTHONPATH": os.pathsep.join(
                    filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
                ),
            },
            check=True,
        )
        probe = json.loads(proc.stdout.strip().splitlines()[-1])
    n = probe["texts"]
    record = {
        "benchmark": "triage_speed",
        "texts": n,
        "classify_texts_per_cpu_second": n / probe["classify"]["cpu_seconds"],
        "classify_texts_per_second": n / probe["classify"]["wall_seconds"],
        "answers_texts_per_cpu_second": n / probe["answers"]["cpu_seconds"],
        "answers_texts_per_second": n / probe["answers"]["wall_seconds"],
        "single_text_us_cpu": probe["single_text_us_cpu"],
        "stages_us_per_text_cpu": probe["stages_us_per_text"],
        "featurize_same_process": probe["featurize"],
        "featurize_speedup_vs_jieba_sklearn": probe["featurize"]["jieba_sklearn_us_per_text"]
        / probe["featurize"]["fast_us_per_text"],
        "token_mismatches_vs_jieba": probe["token_mismatches"],
        "features_equal_to_sklearn": probe["features_equal"],
        "max_probability_difference_vs_sklearn": probe["max_probability_difference"],
        "classify_vs_answers_max_probability_difference": probe[
            "classify_vs_answers_max_probability_difference"
        ],
        "per_text_vs_batch": probe["per_text_vs_batch"],
        "train_rows": args.train_rows if args.model is None else None,
        "model_file": str(args.model) if args.model is not None else None,
        "train_seconds": train_seconds,
        "target_texts_per_second": TARGET,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "note": "one thread, batches of 1024; classify = mask, normalise, tokenise, score: "
        "label, calibrated probabilities, review and shift (TriageModel.classify); answers "
        "= score_chunk, what predict triage runs (evidence spans, routing, urgency); texts "
        "per CPU-second is texts / process CPU time, the one-core figure on a shared "
        "machine; stage figures are the best of three (floor_rjieba_cut_alone: rjieba's cut "
        "of each joined batch alone, the least tokenising costs; shift: the shift score from "
        "scratch, classify reuses the character codes); single_text_us_cpu is CPU per call "
        "of suggest / classify on one text (one /classify request; *_batch_path: the same calls "
        "with features.one_text off, in the same process)",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(record, indent=2), encoding="utf-8")
    print(f"\ntriage speed → {RESULTS}")
    print(
        f"{n:,} texts: classify {record['classify_texts_per_cpu_second']:,.0f} texts/CPU-s "
        f"(target {TARGET:,}), full answers {record['answers_texts_per_cpu_second']:,.0f} "
        f"texts/CPU-s; one text: suggest {record['single_text_us_cpu']['suggest']:,.0f} µs, "
        f"classify {record['single_text_us_cpu']['classify']:,.0f} µs CPU (batch path "
        f"{record['single_text_us_cpu']['suggest_batch_path']:,.0f} / "
        f"{record['single_text_us_cpu']['classify_batch_path']:,.0f} µs); "
        f"load {load_before[0]:.1f} → {record['load_average_after'][0]:.1f}"
    )
    print(
        f"featurising (mask, normalise, tokenise, n-grams, cues): "
        f"{record['featurize_speedup_vs_jieba_sklearn']:.2f}x faster than jieba + "
        "scikit-learn's transform in the same process"
    )
    for name, us in record["stages_us_per_text_cpu"].items():
        print(f"  {name:18s} {us:7.1f} µs/text")
    same = record["per_text_vs_batch"]
    print(
        f"tokens differing from jieba: {record['token_mismatches_vs_jieba']}; features equal "
        f"to scikit-learn's: {record['features_equal_to_sklearn']}; max probability "
        f"difference {record['max_probability_difference_vs_sklearn']:.2e}; text alone vs "
        f"in a batch: {same['span_mismatches']} span and {same['urgency_cue_mismatches']} "
        f"urgency-cue differences in {same['texts']:,} texts"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
