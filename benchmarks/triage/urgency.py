"""Benchmark: urgency tiers 紧急 / 可能紧急 / 一般 on the hand-written sets.

Trains triage with the default config on the default simulated city (or ``--calls``) in a
temporary project home. Training sets the two tier thresholds from the stated costs
(``TriageConfig.urgency_cost_*``) on the records' city half; this benchmark then scores the
champion on the two sets those thresholds were not chosen on — ``handwritten_v1`` and the
records' held-out half — and reports per tier: precision and recall of 紧急 (the ``urgent``
flag), of 紧急 or 可能紧急, each tier's share of calls, the mean cost per call, how many
raised calls name a cue. For comparison it also reports the rule the tiers replace (one
threshold keeping 95 % recall, chosen on the same city half). Writes
``benchmarks/results/triage_urgency.json`` and prints a summary.

Run: ``.venv/bin/python benchmarks/triage/urgency.py [--calls FILE]``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=Path, help="calls file (default: simulate the city)")
    args = parser.parse_args(argv)

    import mlflow

    from training.triage.config import TriageConfig
    from training.triage.evaluate import binary_pr, urgent_threshold
    from training.triage.train import run_train_triage
    from training.triage.urgency import costs_of, tier_metrics

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jingqing-urgency-bench-") as tmp:
        home = Path(tmp)
        calls = calls_in(home, args.calls)
        cfg = TriageConfig()
        result = run_train_triage(calls, config=cfg, progress=lambda m: print(m, flush=True))
        from training import tracking

        tracking.configure()
        model = mlflow.pyfunc.load_model(result.model_uri).unwrap_python_model().model

    costs = costs_of(cfg)
    sets = _sets()
    scored = {name: model.score(frame["text"].tolist()) for name, frame in sets.items()}
    city = next(name for name in sets if name.startswith("records_city"))
    rule = urgent_threshold(
        scored[city]["urgent_score"], sets[city]["urgent"].to_numpy(bool), 0.95
    )
    per_set = {}
    for name, frame in sets.items():
        s, y = scored[name], frame["urgent"].to_numpy(bool)
        m = tier_metrics(s["urgency"], y, "x", costs)
        m = {k.removeprefix("x_"): v for k, v in m.items()}
        raised = s["urgency"] != "一般"
        m["n"], m["urgent_items"] = int(len(y)), int(y.sum())
        m["raised_with_cue"] = float(
            np.mean([c is not None for c in s["urgency_cue"][raised]]) if raised.any() else 0.0
        )
        prec, rec = binary_pr(s["urgent_score"] >= rule, y)
        m["recall_rule_0.95"] = {"precision": prec, "recall": rec}
        per_set[name] = m
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
        "thresholds": {
            "urgent": model.urgent_threshold,
            "maybe": model.maybe_threshold,
            "chosen_on": "records_v1 city half",
            "recall_rule_0.95_for_comparison": rule,
        },
        "sets": per_set,
        "examples": examples,
        "target_issue_9": TARGET,
        "seconds": time.perf_counter() - started,
        "load_average": os.getloadavg(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")

    print(f"\nurgency tiers → {RESULTS}")
    print(
        f"thresholds: 紧急 ≥ {model.urgent_threshold:.4f}, 可能紧急 ≥ {model.maybe_threshold:.4f}"
    )
    print(
        f"{'set':40s} {'紧急 P':>7s} {'紧急 R':>7s} {'raised R':>8s} {'可能 P':>7s} "
        f"{'紧急 %':>6s} {'可能 %':>6s} {'cost':>6s}"
    )
    for name, m in per_set.items():
        print(
            f"{name:40s} {m['urgent_precision']:7.3f} {m['urgent_recall']:7.3f} "
            f"{m['raised_recall']:8.3f} {m['maybe_precision']:7.3f} "
            f"{100 * m['urgent_share']:6.1f} {100 * m['maybe_share']:6.1f} "
            f"{m['urgency_cost']:6.3f}"
        )
    for text, e in examples.items():
        print(f"  {e['urgency']:4s} cue={e['cue']!s:8s} {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
