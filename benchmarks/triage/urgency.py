"""Benchmark: urgency tiers 紧急 / 可能紧急 / 一般 on the hand-written sets.

Trains triage with the default config on the default simulated city (or ``--calls``) in a
temporary project home, then compares four decisions on that one model, each chosen on
the records' city half only (``evaluate``): the urgency layer as training fits it
(``features/urgency_signals.py`` + ``urgency_scope.py``: signals read in their clause,
signed weights, fitted on the city half beside 2,000 held-out simulated calls) with its
tiers set from the stated costs (``TriageConfig.urgency_cost_*``) on its out-of-fold
scores; the previous session's layer (unscoped signals, free weights, city half only); the
head and the cue guard alone with tiers on their city scores (what training ships with
``urgency_layer: false``); and a hybrid (紧急 from the layer, 可能紧急 from
either). Each is reported on the sets nothing was chosen on — ``handwritten_v1``, the
records' held-out half and 2,000 other held-out simulated calls — per tier: precision and
recall of 紧急 (the ``urgent`` flag: the tier that changes dispatch), of 紧急 or 可能紧急
("raised"), each tier's share of calls, the mean cost per call, how many raised calls name
a cue, the ranking (AUC, average precision, the PR curve's own point at 95 % recall), the
calibration of P(urgent) (Brier, ECE), and the one-threshold rule "keep 95 % recall" with
its threshold chosen on the city half; and the tiers chosen under other costs of a calm
caller at 可能紧急 (the shares they give). Writes ``benchmarks/results/triage_urgency.json``
and prints a summary. Head and layers are also judged on the city half alone, cross-fitted
(a layer nested: refitted in each fold), the figures the default ``urgency_layer`` is chosen
by (``thresholds.city_crossfit``).

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
SIMULATED = "simulated_holdout (2,000 beside the anchor)"
# Costs of a calm caller at 可能紧急 the tiers are also chosen under (the shares they give).
ASK_SWEEP = (0.1, 0.2, 0.3, 0.5, 1.0)


def _sets() -> dict:
    from training.evalset import load_evalset, load_records

    return {
        "handwritten_v1": load_evalset(),
        "records_holdout": load_records(split="holdout"),
        "records_city (thresholds chosen here)": load_records(split="city"),
    }


def _figures(s: dict, y: np.ndarray, costs, rule: float) -> dict:
    """The tiers' figures, the 95 %-recall rule's, the ranking and the calibration of P(urgent)."""
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    from training.triage.evaluate import binary_pr, expected_calibration_error, urgent_threshold
    from training.triage.urgency import tier_metrics

    m = {k.removeprefix("x_"): v for k, v in tier_metrics(s["urgency"], y, "x", costs).items()}
    raised = s["urgency"] != "一般"
    m["n"], m["urgent_items"] = int(len(y)), int(y.sum())
    m["raised_with_cue"] = float(
        np.mean([c is not None for c in s["urgency_cue"][raised]]) if raised.any() else 0.0
    )
    score = np.asarray(s["urgent_score"], dtype=float)
    prec, rec = binary_pr(score >= rule, y)
    m["recall_rule_0.95"] = {"precision": prec, "recall": rec}
    # The PR curve's own point at 95 % recall on this set (a threshold read off the set
    # itself: what the scorer's ranking allows, not a decision anyone could have made).
    own = urgent_threshold(score, y, 0.95)
    prec, rec = binary_pr(score >= own, y)
    m["curve_at_recall_0.95"] = {"precision": prec, "recall": rec}
    m["auc"] = float(roc_auc_score(y, score))
    m["average_precision"] = float(average_precision_score(y, score))
    p = np.clip(np.asarray(s["urgent_model_score"], dtype=float), 0.0, 1.0)
    m["probability_brier"] = float(brier_score_loss(y, p))
    m["probability_ece"] = expected_calibration_error(
        np.column_stack([1 - p, p]), y, np.array([False, True])
    )[0]
    return m


def _ask_sweep(scores: dict, labels: dict, city: str, costs) -> dict:
    """Tiers chosen on the city half under each cost of a calm caller at 可能紧急: the
    thresholds, and per set the share at 可能紧急, 紧急 precision / recall and the raised recall."""
    from features.urgency import TIERS, tiers
    from training.triage.evaluate import binary_pr
    from training.triage.urgency import choose_tiers

    out: dict = {}
    for ask in ASK_SWEEP:
        c = (costs[0], costs[1], ask, costs[3])
        row: dict = {}
        for variant, by_set in scores.items():
            t_urgent, t_maybe, _ = choose_tiers(by_set[city], labels[city], c)
            row[variant] = {"urgent_at": t_urgent, "maybe_at": t_maybe}
            for name, score in by_set.items():
                tier, y = tiers(score, t_urgent, t_maybe), labels[name]
                p, r = binary_pr(tier == TIERS[0], y)
                row[variant][name] = {
                    "maybe_share": float((tier == TIERS[1]).mean()),
                    "urgent_precision": p,
                    "urgent_recall": r,
                    "raised_recall": binary_pr(tier != TIERS[2], y)[1],
                }
        out[f"{ask:g}"] = row
    return out


def city_crossfit(score: np.ndarray, y: np.ndarray, costs, seed: int, reps: int = 5) -> dict:
    """The city half judged with thresholds it was not chosen on: 5 stratified folds, each
    judged with the least-cost pair of the other four, mean over ``reps`` shuffles (cost
    per call, 紧急 precision / recall, raised recall, 可能紧急 share)."""
    from sklearn.model_selection import StratifiedKFold

    from features.urgency import tiers
    from training.triage.urgency import choose_tiers, tier_metrics

    rows = []
    for rep in range(reps):
        tier = np.empty(len(y), dtype=object)
        split = StratifiedKFold(5, shuffle=True, random_state=seed + rep).split(score, y)
        for tr, va in split:
            t_urgent, t_maybe, _ = choose_tiers(score[tr], y[tr], costs)
            tier[va] = tiers(score[va], t_urgent, t_maybe)
        rows.append(tier_metrics(tier, y, "x", costs))
    keys = ("urgency_cost", "urgent_precision", "urgent_recall", "raised_recall", "maybe_share")
    return {k: float(np.mean([r[f"x_{k}"] for r in rows])) for k in keys}


def city_nested(model, city, anchor, cfg, *, scoped: bool = True) -> dict:
    """The layer on the city half, nested: in each of 5 stratified folds the layer is fitted
    on the other four (its C chosen there, its anchor beside them), the tiers are chosen on
    that fit's out-of-fold scores, and the fold is scored by the fitted layer — no choice
    made on the fold it judges (the figures of :func:`city_crossfit`)."""
    from sklearn.model_selection import StratifiedKFold

    from training.triage.urgency import choose_tiers, costs_of, fit_urgency_layer, tier_metrics

    costs = costs_of(cfg)
    y = city["urgent"].to_numpy(bool)
    texts = city["text"].astype(str).tolist()
    tier = np.empty(len(y), dtype=object)
    split = StratifiedKFold(5, shuffle=True, random_state=cfg.seed + 10).split(texts, y)
    for tr, va in split:
        fitted = copy.copy(model)
        oof, _ = fit_urgency_layer(
            fitted, city.iloc[tr], anchor=anchor, seed=cfg.seed, name="fold", scoped=scoped
        )
        t_urgent, t_maybe, _ = choose_tiers(oof, y[tr], costs)
        fitted.urgent_threshold, fitted.maybe_threshold = t_urgent, t_maybe
        tier[va] = fitted.score([texts[i] for i in va])["urgency"]
    m = tier_metrics(tier, y, "x", costs)
    keys = ("urgency_cost", "urgent_precision", "urgent_recall", "raised_recall", "maybe_share")
    return {k: float(m[f"x_{k}"]) for k in keys}


def simulated_holdout(calls_file: Path, cfg):
    """The simulated calls training held out (the layer's anchor is drawn from them)."""
    from training.triage.data import load_training_calls, split_by_time

    return split_by_time(load_training_calls(calls_file, None), cfg.holdout_fraction)[1]


def evaluate(model, cfg, holdout=None) -> tuple[dict, dict, tuple, dict]:
    """Figures per decision and set, the thresholds behind them, the costs, the cost sweep.

    Four decisions on one trained model, each chosen on the records' city half only:
    ``layer`` (the urgency layer as training fits it: signals read in their clause, signed
    weights, anchored on ``holdout``'s simulated calls; tiers on its out-of-fold scores), ``layer_unscoped`` (the previous session's
    layer: every signal unscoped with its interactions, free weights), ``head_only`` (the
    head and the guard, tiers on their city scores) and ``hybrid`` (紧急 from the layer,
    可能紧急 when the layer or the head says so).
    """
    from features.urgency import TIERS, tiers
    from training.triage.evaluate import urgent_threshold
    from training.triage.urgency import choose_tiers, costs_of, fit_urgency_layer, layer_anchor

    costs = costs_of(cfg)
    sets = _sets()
    city = next(name for name in sets if name.startswith("records_city"))
    anchor = layer_anchor(holdout, cfg)
    if anchor is not None:  # simulated calls neither the head nor the layer was fitted on
        rest = holdout[holdout["urgent"].notna()].drop(anchor.index)
        sets[SIMULATED] = rest.sample(n=min(2_000, len(rest)), random_state=cfg.seed + 1)
    y_city = sets[city]["urgent"].to_numpy(bool)
    head_only = copy.copy(model)
    head_only.urgency_layer = None
    head_city = head_only.score(sets[city]["text"].tolist())["urgent_score"]
    head_only.urgent_threshold, head_only.maybe_threshold, _ = choose_tiers(
        head_city, y_city, costs
    )
    layers, oofs = {}, {}
    for variant, scoped in (("layer", True), ("layer_unscoped", False)):
        layered = copy.copy(model)  # the layer fitted on the city half, its out-of-fold scores
        oofs[variant], _ = fit_urgency_layer(
            layered,
            sets[city],
            anchor=anchor,
            seed=cfg.seed,
            name="records city half",
            scoped=scoped,
        )
        layered.urgent_threshold, layered.maybe_threshold, _ = choose_tiers(
            oofs[variant], y_city, costs
        )
        layers[variant] = layered
    rules = {v: urgent_threshold(oofs[v], y_city, 0.95) for v in layers}
    rules["head_only"] = rules["hybrid"] = urgent_threshold(head_city, y_city, 0.95)
    per_set: dict = {v: {} for v in (*layers, "head_only", "hybrid")}
    labels, scores = {}, {v: {} for v in (*layers, "head_only")}
    for name, frame in sets.items():
        y = frame["urgent"].to_numpy(bool)
        labels[name] = y
        texts = frame["text"].tolist()
        found = {"head_only": head_only.score(texts)}
        for variant, layered in layers.items():
            s = found[variant] = layered.score(texts)
            if name == city:  # the city half: the layer's out-of-fold scores
                oof = oofs[variant]
                s["urgent_model_score"] = oof
                s["urgent_score"] = np.where(
                    s["urgent_guard"], np.maximum(oof, layered.maybe_threshold), oof
                )
                s["urgency"] = tiers(
                    s["urgent_score"], layered.urgent_threshold, layered.maybe_threshold
                )
        head, layer = found["head_only"], found["layer"]
        hybrid = dict(head)
        raised = (head["urgency"] != TIERS[2]) | (layer["urgency"] != TIERS[2])
        hybrid["urgency"] = np.where(
            layer["urgency"] == TIERS[0], TIERS[0], np.where(raised, TIERS[1], TIERS[2])
        )
        found["hybrid"] = hybrid
        for variant, s in found.items():
            per_set[variant][name] = _figures(s, y, costs, rules[variant])
            if variant in scores:
                scores[variant][name] = np.asarray(s["urgent_score"], dtype=float)
    thresholds: dict = {"chosen_on": "records_v1 city half"}
    for variant, m in (*layers.items(), ("head_only", head_only)):
        thresholds[variant] = {
            "urgent": m.urgent_threshold,
            "maybe": m.maybe_threshold,
            "recall_rule_0.95": rules[variant],
        }
        if m.urgency_layer is not None:
            thresholds[variant]["weights"] = m.urgency_layer.weights()
    thresholds["shipped_default"] = "layer" if cfg.urgency_layer else "head_only"
    # The choice between the head and the layer, made on the city half alone: each judged
    # with thresholds (and, for a layer, weights) chosen on the other folds.
    # The head's scores are out of sample there already (it never saw a record); a layer
    # is refitted in each fold (``city_nested``).
    head_scores = np.asarray(head_city, dtype=float)
    thresholds["city_crossfit"] = {
        "head_only": city_crossfit(head_scores, y_city, costs, cfg.seed),
        "layer": city_nested(model, sets[city], anchor, cfg),
        "layer_unscoped": city_nested(model, sets[city], anchor, cfg, scoped=False),
    }
    thresholds["lower_city_crossfit_cost"] = min(
        ("layer", "head_only"), key=lambda v: thresholds["city_crossfit"][v]["urgency_cost"]
    )
    return per_set, thresholds, costs, _ask_sweep(scores, labels, city, costs)


def _train(calls_file: Path | None, cfg):
    """Train triage with ``cfg`` in a temporary project home; the fitted model and the
    simulated calls it held out."""
    import mlflow

    from training import tracking
    from training.triage.train import run_train_triage

    with tempfile.TemporaryDirectory(prefix="jingqing-urgency-bench-") as tmp:
        calls = calls_in(Path(tmp), calls_file)
        result = run_train_triage(calls, config=cfg, progress=lambda m: print(m, flush=True))
        tracking.configure()
        model = mlflow.pyfunc.load_model(result.model_uri).unwrap_python_model().model
        return model, simulated_holdout(calls, cfg)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=Path, help="calls file (default: simulate the city)")
    parser.add_argument(
        "--model",
        type=Path,
        help="a pickled TriageModel trained by the default config on --calls, instead of "
        "training one (for development; the figures in the README train)",
    )
    args = parser.parse_args(argv)
    if args.model is not None and args.calls is None:
        parser.error("--model needs the --calls it was trained on (the layer's anchor)")

    from training.triage.config import TriageConfig

    started = time.perf_counter()
    cfg = TriageConfig()
    if args.model is not None:
        import pickle

        with args.model.open("rb") as fh:
            model = pickle.load(fh)  # noqa: S301 - a file the developer made
        holdout = simulated_holdout(args.calls, cfg)
    else:
        model, holdout = _train(args.calls, cfg)

    per_set, thresholds, costs, sweep = evaluate(model, cfg, holdout)
    examples = {
        t: {"urgency": s.urgency, "cue": s.urgency_cue.text if s.urgency_cue else None}
        for t, s in zip(NOT_URGENT + URGENT, model.suggest(NOT_URGENT + URGENT), strict=True)
    }
    record = {
        "benchmark": "triage_urgency",
        "calls_file": str(args.calls or "simulated default city (51 grids x 365 days, seed 0)"),
        "model": str(args.model or "trained by the default config"),
        "costs": {
            "false_alarm": costs[0],
            "urgent_at_maybe": costs[1],
            "calm_at_maybe": costs[2],
            "missed_urgent": costs[3],
        },
        "thresholds": thresholds,
        "sets": per_set[thresholds["shipped_default"]],
        "decisions": per_set,
        "calm_at_maybe_sweep": sweep,
        "examples": examples,
        "target_issue_9": TARGET,
        "seconds": time.perf_counter() - started,
        "load_average": os.getloadavg(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")

    print(f"\nurgency tiers → {RESULTS}")
    shipped = thresholds["shipped_default"]
    print("city half, cross-fitted (the choice between head and layer; layers nested):")
    for variant, m in thresholds["city_crossfit"].items():
        print(
            f"  {variant:15s} cost {m['urgency_cost']:.3f}  紧急 P {m['urgent_precision']:.3f} "
            f"R {m['urgent_recall']:.3f}  raised R {m['raised_recall']:.3f}  "
            f"可能 {100 * m['maybe_share']:.0f}%"
        )
    print(f"  lower cost: {thresholds['lower_city_crossfit_cost']}; shipped default: {shipped}")
    print(
        f"shipped ({shipped}): 紧急 ≥ {thresholds[shipped]['urgent']:.4f}, "
        f"可能紧急 ≥ {thresholds[shipped]['maybe']:.4f}"
    )
    for variant in per_set:
        print(f"\n{variant}:")
        print(
            f"{'set':40s} {'紧急 P':>7s} {'紧急 R':>7s} {'raised P':>8s} {'raised R':>8s} "
            f"{'紧急 %':>6s} {'可能 %':>6s} {'cost':>6s} {'R95 P':>6s} {'R95 R':>6s} "
            f"{'curve P':>7s} {'AUC':>6s} {'ECE':>6s}"
        )
        for name, m in per_set[variant].items():
            r95 = m["recall_rule_0.95"]
            print(
                f"{name:40s} {m['urgent_precision']:7.3f} {m['urgent_recall']:7.3f} "
                f"{m['raised_precision']:8.3f} {m['raised_recall']:8.3f} "
                f"{100 * m['urgent_share']:6.1f} {100 * m['maybe_share']:6.1f} "
                f"{m['urgency_cost']:6.3f} {r95['precision']:6.3f} {r95['recall']:6.3f} "
                f"{m['curve_at_recall_0.95']['precision']:7.3f} {m['auc']:6.3f} "
                f"{m['probability_ece']:6.3f}"
            )
    print("\n可能紧急 share by the cost of a calm caller asked (tiers chosen on the city half):")
    for ask, row in sweep.items():
        print(
            f"  {ask:>4s}: "
            + "; ".join(
                f"{v} "
                + " ".join(
                    f"{100 * row[v][n]['maybe_share']:.0f}%" for n in row[v] if n in per_set[v]
                )
                for v in row
            )
        )
    for text, e in examples.items():
        print(f"  {e['urgency']:4s} cue={e['cue']!s:8s} {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
