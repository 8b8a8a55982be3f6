"""Benchmark: urgency tiers 紧急 / 可能紧急 / 一般 on the hand-written sets.

Trains triage with the default config on the default simulated city (or ``--calls``) in a
temporary project home, then compares three decisions on that one model, each chosen on
the records' city half only (``evaluate``): the urgency layer (``features/urgency_signals.py``)
fitted there with its tiers set from the stated costs (``TriageConfig.urgency_cost_*``)
on its out-of-fold scores; the head and the cue guard alone with tiers on their city
scores (what training ships with ``urgency_layer: false``, the default); and a hybrid
(紧急 from the layer, 可能紧急 from either; defined after reading the first run). Each is
reported on the two sets nothing was chosen on — ``handwritten_v1`` and the records'
held-out half — per tier: precision and recall of 紧急 (the ``urgent`` flag), of 紧急 or
可能紧急, each tier's share of calls, the mean cost per call, how many raised calls name a
cue, the calibration of P(urgent) (Brier, ECE), and the one-threshold rule "keep 95 %
recall" with its threshold chosen on the city half. Writes
``benchmarks/results/triage_urgency.json`` and prints a summary.

Run: ``.venv/bin/python benchmarks/triage/urgency.py [--calls FILE]``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import copy  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from bench_city import calls_in  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "triage_urgency.json"
TARGET = {"urgent_recall": 0.95, "urgent_precision": 0.60}
# Items a call taker must never see at 紧急 (a fraud that is over), and ones that must be.
NOT_URGENT = ["網上刷單被騙了兩萬塊", "昨天在网上买东西被骗了三千元，对方已经拉黑我了"]
URGENT = ["他拿着刀，还在砍人！", "我老公喝醉了还在打我，快来啊", "有人要跳楼，就在楼顶边上"]


def _sets() -> dict:
    from training.evalset import load_evalset, load_records

    return {
        "handwritten_v1": load_evalset(),
        "records_holdout": load_records(split="holdout"),
        "records_city (thresholds chosen here)": load_records(split="city"),
    }


def _figures(s: dict, y: np.ndarray, costs, rule: float) -> dict:
    """The tiers' figures, the 95 %-recall rule's and the calibration of P(urgent)."""
    from sklearn.metrics import brier_score_loss

    from training.triage.evaluate import binary_pr, expected_calibration_error
    from training.triage.urgency import tier_metrics

    m = {k.removeprefix("x_"): v for k, v in tier_metrics(s["urgency"], y, "x", costs).items()}
    raised = s["urgency"] != "一般"
    m["n"], m["urgent_items"] = int(len(y)), int(y.sum())
    m["raised_with_cue"] = float(
        np.mean([c is not None for c in s["urgency_cue"][raised]]) if raised.any() else 0.0
    )
    prec, rec = binary_pr(s["urgent_score"] >= rule, y)
    m["recall_rule_0.95"] = {"precision": prec, "recall": rec}
    p = np.clip(np.asarray(s["urgent_model_score"], dtype=float), 0.0, 1.0)
    m["probability_brier"] = float(brier_score_loss(y, p))
    m["probability_ece"] = expected_calibration_error(
        np.column_stack([1 - p, p]), y, np.array([False, True])
    )[0]
    return m


def evaluate(model, cfg) -> tuple[dict, dict, tuple]:
    """Figures per decision and set, the thresholds behind them, the costs.

    Three decisions on one trained model, each chosen on the records' city half only:
    ``layer`` (the urgency layer fitted there, tiers on its out-of-fold scores),
    ``head_only`` (the head and the guard, tiers on their city scores: what training does
    with ``urgency_layer: false``) and ``hybrid`` (紧急 from the layer, 可能紧急 when either
    says so; defined after the first run of this benchmark had been read, so its figures
    on the two reported sets are not independent of that reading).
    """
    from features.urgency import TIERS, tiers
    from training.triage.evaluate import urgent_threshold
    from training.triage.urgency import choose_tiers, costs_of, fit_urgency_layer

    costs = costs_of(cfg)
    sets = _sets()
    city = next(name for name in sets if name.startswith("records_city"))
    y_city = sets[city]["urgent"].to_numpy(bool)
    head_only = copy.copy(model)
    head_only.urgency_layer = None
    head_city = head_only.score(sets[city]["text"].tolist())["urgent_score"]
    head_only.urgent_threshold, head_only.maybe_threshold, _ = choose_tiers(
        head_city, y_city, costs
    )
    layered = copy.copy(model)  # the layer as training fits it, and its out-of-fold scores
    oof, _ = fit_urgency_layer(layered, sets[city], seed=cfg.seed, name="records city half")
    layered.urgent_threshold, layered.maybe_threshold, _ = choose_tiers(oof, y_city, costs)
    rules = {"layer": urgent_threshold(oof, y_city, 0.95)}
    rules["head_only"] = rules["hybrid"] = urgent_threshold(head_city, y_city, 0.95)
    per_set: dict = {"layer": {}, "head_only": {}, "hybrid": {}}
    for name, frame in sets.items():
        y = frame["urgent"].to_numpy(bool)
        texts = frame["text"].tolist()
        head, layer = head_only.score(texts), layered.score(texts)
        if name == city:  # the city half: the layer's out-of-fold scores
            layer["urgent_model_score"] = oof
            layer["urgent_score"] = np.where(
                layer["urgent_guard"], np.maximum(oof, layered.maybe_threshold), oof
            )
            layer["urgency"] = tiers(
                layer["urgent_score"], layered.urgent_threshold, layered.maybe_threshold
            )
        hybrid = dict(head)
        raised = (head["urgency"] != TIERS[2]) | (layer["urgency"] != TIERS[2])
        hybrid["urgency"] = np.where(
            layer["urgency"] == TIERS[0], TIERS[0], np.where(raised, TIERS[1], TIERS[2])
        )
        for variant, s in (("layer", layer), ("head_only", head), ("hybrid", hybrid)):
            per_set[variant][name] = _figures(s, y, costs, rules[variant])
    thresholds = {
        "chosen_on": "records_v1 city half",
        "layer": {
            "urgent": layered.urgent_threshold,
            "maybe": layered.maybe_threshold,
            "recall_rule_0.95": rules["layer"],
            "weights": layered.urgency_layer.weights(),
        },
        "head_only": {
            "urgent": head_only.urgent_threshold,
            "maybe": head_only.maybe_threshold,
            "recall_rule_0.95": rules["head_only"],
        },
        "shipped_default": "layer" if cfg.urgency_layer else "head_only",
    }
    return per_set, thresholds, costs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=Path, help="calls file (default: simulate the city)")
    args = parser.parse_args(argv)

    import mlflow

    from training.triage.config import TriageConfig
    from training.triage.train import run_train_triage

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jingqing-urgency-bench-") as tmp:
        home = Path(tmp)
        calls = calls_in(home, args.calls)
        cfg = TriageConfig()
        result = run_train_triage(calls, config=cfg, progress=lambda m: print(m, flush=True))
        from training import tracking

        tracking.configure()
        model = mlflow.pyfunc.load_model(result.model_uri).unwrap_python_model().model

    per_set, thresholds, costs = evaluate(model, cfg)
    examples = {
        t: {"urgency": s.urgency, "cue": s.urgency_cue.text if s.urgency_cue else None}
        for t, s in zip(NOT_URGENT + URGENT, model.suggest(NOT_URGENT + URGENT), strict=True)
    }
    record = {
        "benchmark": "triage_urgency",
        "calls_file": str(args.calls or "simulated default city (51 grids x 365 days, seed 0)"),
        "costs": {
            "false_alarm": costs[0],
            "urgent_at_maybe": costs[1],
            "calm_at_maybe": costs[2],
            "missed_urgent": costs[3],
        },
        "thresholds": thresholds,
        "sets": per_set[thresholds["shipped_default"]],
        "decisions": per_set,
        "examples": examples,
        "target_issue_9": TARGET,
        "seconds": time.perf_counter() - started,
        "load_average": os.getloadavg(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")

    print(f"\nurgency tiers → {RESULTS}")
    print(
        f"shipped ({thresholds['shipped_default']}): 紧急 ≥ {model.urgent_threshold:.4f}, "
        f"可能紧急 ≥ {model.maybe_threshold:.4f}"
    )
    for variant in per_set:
        print(f"\n{variant}:")
        print(
            f"{'set':40s} {'紧急 P':>7s} {'紧急 R':>7s} {'raised R':>8s} {'可能 P':>7s} "
            f"{'紧急 %':>6s} {'可能 %':>6s} {'cost':>6s} {'R95 P':>6s} {'R95 R':>6s} {'ECE':>6s}"
        )
        for name, m in per_set[variant].items():
            r95 = m["recall_rule_0.95"]
            print(
                f"{name:40s} {m['urgent_precision']:7.3f} {m['urgent_recall']:7.3f} "
                f"{m['raised_recall']:8.3f} {m['maybe_precision']:7.3f} "
                f"{100 * m['urgent_share']:6.1f} {100 * m['maybe_share']:6.1f} "
                f"{m['urgency_cost']:6.3f} {r95['precision']:6.3f} {r95['recall']:6.3f} "
                f"{m['probability_ece']:6.3f}"
            )
    for text, e in examples.items():
        print(f"  {e['urgency']:4s} cue={e['cue']!s:8s} {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
