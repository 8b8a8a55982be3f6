"""``jingqing train triage``: load, fit, calibrate, evaluate, track, register, maybe promote.

:func:`run_train_triage` is the one function behind the command (tests call it directly).
Two paths, told apart by the file: the synthetic city (it carries the simulator's
``phrasing`` column) or a city's own records (any other labelled export). Own records are
the product's main path: the latest 20 % by time are held out as the yardstick, the
synthetic city joins as a prior weighted by time-ordered CV, and calibration is fitted on
the held-out records. For the synthetic city the hand-written sets play that part. Either
way every calibration figure is cross-fitted, and promotion compares the challenger with
the champion re-scored on the same yardstick.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from features.errors import UserError
from training import datasets, gates
from training.triage import own as own_records
from training.triage import yardstick
from training.triage.config import TriageConfig
from training.triage.data import (
    fingerprint,
    has_routing,
    load_feedback,
    load_training_calls,
    split_by_time,
)

log = logging.getLogger(__name__)

EXPERIMENT = "triage"
MODEL_NAME = "triage"
PROMOTION_METRIC = "evalset_macro_f1"  # synthetic city: the hand-written set
OWN_PROMOTION_METRIC = "holdout_macro_f1"  # own records: their latest 20 %
CANDIDATE_PARAMS = {"logreg": "logreg_", "linear_svm": "svm_", "lightgbm": "lgbm_"}


@dataclass
class TrainResult:
    """What a training run produced (for the CLI summary, tests and the benchmark)."""

    run_id: str
    model_uri: str
    chosen: str
    metrics: dict[str, float]
    candidates: dict[str, dict[str, float]]
    promotion: object
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    report: dict = field(default_factory=dict)


def load_evalset() -> pd.DataFrame:
    """The hand-written evaluation set (text + labels), or a clear error if absent."""
    try:
        from training.evalset import load_evalset as _load
    except ImportError:
        raise UserError(
            "the hand-written evaluation set (training.evalset) is not installed; "
            "it is the fixed yardstick for promotion"
        ) from None
    frame = _load()
    if "text" not in frame.columns or "category" not in frame.columns:
        raise UserError("evaluation set lacks 'text'/'category' columns")
    return frame.reset_index(drop=True)


def _stage(progress: Callable[[str], None], name: str) -> Callable[[str], None]:
    return lambda msg: progress(f"[{name}] {msg}")


def run_train_triage(
    calls: str | Path,
    *,
    mapping: dict[str, str] | None = None,
    feedback: str | Path | None = None,
    config: TriageConfig | None = None,
    label_map: str | Path | None = None,
    progress: Callable[[str], None] = print,
    city: str | None = None,
) -> TrainResult:
    """Train, calibrate, evaluate, log and register the triage model from a calls file.

    Raises:
        UserError / DataProblems: bad calls file, feedback store or configuration, or too
            few own records to learn from (nothing is logged or registered then).
    """
    import mlflow

    from training import tracking
    from training.triage.fit import fit_triage
    from training.triage.honest import attach_novelty, calibrate
    from training.triage.pyfunc import log_triage_model
    from training.triage.urgency import urgency_layer_tiers

    cfg = config or TriageConfig()
    started = time.perf_counter()
    say = _stage(progress, "load")
    say(f"reading calls from {calls}")
    frame = load_training_calls(calls, mapping, label_map=label_map)
    own = not own_records.is_simulated(frame)
    kind = "own records" if own else "simulated calls"
    city, registered, dataset, why = datasets.triage_identity(city, calls, own, label_map)
    say(f"city {city} ({why}): registered model {registered}, data set {dataset}")
    gates.require_rows(len(frame), gates.MIN_TRIAGE_CALLS, f"labelled {kind}", str(calls))
    fraction = cfg.own_holdout_fraction if own else cfg.holdout_fraction
    train, holdout = split_by_time(frame, fraction)
    if own:
        own_records.check_enough(train, cfg)
    say(f"{len(frame):,} labelled {kind}: {len(train):,} to train on, {len(holdout):,} held out")
    if feedback is not None:
        fb = load_feedback(feedback)
        say(
            f"feedback: {len(fb):,} corrected calls added ({fb.attrs['skipped']} unusable skipped)"
        )
        train = pd.concat([train, fb], ignore_index=True)
    if cfg.max_train_rows is not None and len(train) > cfg.max_train_rows:
        train = train.sample(n=cfg.max_train_rows, random_state=cfg.seed).reset_index(drop=True)
        say(f"sampled {len(train):,} calls to train on (max_train_rows)")
    if train["category"].nunique() < 2:
        raise UserError("training calls hold only one category: nothing to learn")
    handwritten = yardstick.load_handwritten(rules=not own)
    say(
        "hand-written sets: "
        + ", ".join(f"{name} {len(part):,}" for name, part in handwritten.items())
    )
    warnings: list[str] = []
    if not has_routing(train):
        warnings.append("no disposition column in the calls: routing will not be learnt")
        progress(f"warning: {warnings[-1]}")

    weights = fit_classifier = None
    prior_note = "none (synthetic city trained on directly)"
    prior_metrics: dict[str, float] = {}
    fit_cfg = cfg
    if own:
        fit_cfg = cfg.model_copy(update={"candidates": (cfg.own_candidate,), "group_column": ""})
        prior_note, weights, train, prior_metrics, fit_classifier = own_records.with_prior(
            train, cfg, _stage(progress, "prior")
        )

    tracking.configure()
    exp = tracking.experiment_id(EXPERIMENT)
    params = {
        k: (",".join(map(str, v)) if isinstance(v, tuple) else v)
        for k, v in cfg.model_dump().items()
    }
    data_hash = fingerprint(train)
    with (
        tempfile.TemporaryDirectory(prefix="triage-") as tmp,
        mlflow.start_run(
            experiment_id=exp,
            run_name=tracking.run_name(EXPERIMENT, "+".join(fit_cfg.candidates), city),
            tags=tracking.job_tags(
                EXPERIMENT, "+".join(fit_cfg.candidates), city, len(train), dataset=dataset
            ),
        ) as run,
    ):
        workdir = Path(tmp)
        mlflow.log_params(params)
        mlflow.log_dict(cfg.model_dump(mode="json"), "config.json")
        mlflow.set_tags(
            {
                "data_fingerprint_sha256": data_hash,
                "calls_file": str(calls),
                "feedback_file": str(feedback or ""),
                "training_data": kind,
                "prior": prior_note,
            }
        )
        tracking.log_calls_input(train, name=f"calls-{city}", source=str(calls), digest=data_hash)
        mlflow.log_metrics(
            {"n_train": len(train), "n_holdout": len(holdout), **prior_metrics}
            | {f"n_{name}": len(part) for name, part in handwritten.items()}
        )

        def log_candidate(name: str, result: dict[str, float]) -> None:
            with mlflow.start_run(experiment_id=exp, run_name=f"candidate-{name}", nested=True):
                mlflow.log_param("candidate", name)
                prefix = CANDIDATE_PARAMS.get(name, name)
                mlflow.log_params({k: v for k, v in params.items() if k.startswith(prefix)})
                mlflow.log_metrics(result)

        outcome = fit_triage(
            train,
            fit_cfg,
            weights=weights,
            progress=_stage(progress, "fit"),
            on_candidate=log_candidate,
            fit_classifier=fit_classifier,
        )
        warnings.extend(w for w in outcome.warnings if w not in warnings)
        model = outcome.model
        attach_novelty(model, train["text"].astype(str).tolist())
        model.shift_review = cfg.shift_review

        say = _stage(progress, "calibrate")
        if own:
            calibration, cal_name = holdout, "holdout"
        else:
            calibration = pd.concat(
                [part.assign(yardstick=name) for name, part in handwritten.items()],
                ignore_index=True,
            )
            cal_name = "handwritten"
        say(f"calibrating on {len(calibration):,} {cal_name} texts (cross-fitted in two halves)")
        # Urgency tiers: chosen on the records' city half (never reported) unless the city
        # trains on its own records, whose held-out half is then cross-fitted.
        tiers_on = None if own else yardstick.records_split("city")
        layer_info: dict = {}
        if tiers_on is not None and cfg.urgency_layer:
            tiers_on, layer_info = urgency_layer_tiers(model, tiers_on, cfg, say, holdout)
        metrics = calibrate(
            model, calibration, cfg, name=cal_name, seed=cfg.seed, tiers_on=tiers_on
        )
        metrics |= layer_info
        say(
            f"urgency tiers (costs miss {cfg.urgency_cost_miss:g} : false alarm 1): 紧急 from "
            f"{model.urgent_threshold:.4f}, 可能紧急 from {model.maybe_threshold:.4f}, chosen "
            f"on {'the records city half' if tiers_on is not None else cal_name + ' (cross-fitted)'}"
        )
        say(
            f"{cal_name}: ECE {metrics[f'{cal_name}_xfit_ece_raw']:.4f} raw → "
            f"{metrics[f'{cal_name}_xfit_ece']:.4f} calibrated; candidates cover "
            f"{metrics[f'{cal_name}_xfit_candidates_coverage']:.3f} with "
            f"{metrics[f'{cal_name}_xfit_candidates_mean_size']:.2f} labels on average"
        )
        report: dict = {"chosen": outcome.chosen, "candidates": outcome.candidates}
        report["prior"] = prior_note
        say = _stage(progress, "evaluate")
        scored: dict[str, dict] = {}  # the held-out calls' scores, kept for the monitor
        parts = {**handwritten, "holdout": holdout}
        metrics |= _evaluate(model, parts, cfg, workdir, report, say, scored)
        metrics |= yardstick.map_label_metrics(model, handwritten.get("records"))
        # Calibration items: their reported ECE, coverage and urgent figures are the
        # cross-fitted ones (in-sample figures are kept under *_in_sample).
        for name in [cal_name, *(handwritten if not own else ())]:
            for key in (
                "ece",
                "urgent_recall",
                "urgent_precision",
                "candidates_coverage",
                "candidates_mean_size",
                "mean_confidence",
            ):
                if f"{name}_xfit_{key}" in metrics and f"{name}_{key}" in metrics:
                    metrics[f"{name}_{key}_in_sample"] = metrics[f"{name}_{key}"]
                    metrics[f"{name}_{key}"] = metrics[f"{name}_xfit_{key}"]
        metrics["urgent_threshold"] = model.urgent_threshold
        metrics["maybe_threshold"] = model.maybe_threshold
        metrics["train_seconds"] = time.perf_counter() - started
        mlflow.log_metrics({k: v for k, v in metrics.items() if v == v})  # drop NaN
        mlflow.set_tag("chosen_model", outcome.chosen)
        if warnings:
            mlflow.set_tag("warnings", " | ".join(warnings))
        report["metrics"] = metrics
        report["warnings"] = warnings
        mlflow.log_dict(report, "triage_report.json")

        from training.monitor.reference import attach_reference

        # what the monitor compares with
        attach_reference(
            model, holdout, train, seed=cfg.seed, holdout_scores=scored.get("holdout")
        )
        _stage(progress, "log")("saving the model to MLflow")
        info = log_triage_model(model, workdir / "model")
        run_id = run.info.run_id

    urgent = handwritten["evalset"]["urgent"]
    base_rate = float(urgent.astype(bool).mean()) if urgent.notna().all() else None
    gates.require_quality(gates.triage_quality_problems(metrics, base_rate), registered, run_id)
    metric = OWN_PROMOTION_METRIC if own else PROMOTION_METRIC
    judged_on = holdout if own else handwritten["evalset"]
    say = _stage(progress, "register")
    champion_value, note = yardstick.rescore_champion(registered, judged_on, dataset)
    say(f"{note}" + (f": {metric} {champion_value:.4f}" if champion_value is not None else ""))
    promotion = tracking.register_and_promote(
        info.model_uri,
        registered,
        metric,
        metrics[metric],
        higher_is_better=True,
        allow_tie=True,
        champion_value=champion_value,
        rescored=True,
        tags={
            "run_id": run_id,
            "chosen_model": outcome.chosen,
            "yardstick_sha256": yardstick.fingerprint(judged_on),
            "city": city,
        },
        dataset=dataset,
        descriptions=(
            f"Category, routing and urgency suggestions for call takers of city {city} "
            f"({dataset}); served by `jingqing serve --city {city}`.",
            f"{outcome.chosen} on {len(train):,} {kind} of {calls}; {metric} "
            f"{metrics[metric]:.4f}; {note}; MLflow run {run_id}",
        ),
    )
    return TrainResult(
        run_id=run_id,
        model_uri=info.model_uri,
        chosen=outcome.chosen,
        metrics=metrics,
        candidates=outcome.candidates,
        promotion=promotion,
        warnings=warnings,
        seconds=time.perf_counter() - started,
        report=report,
    )


def _evaluate(
    model, parts: dict[str, pd.DataFrame], cfg, workdir: Path, report: dict, say, scored: dict
):
    """Score every yardstick; log plots; return metrics ``{name}_...``. The held-out
    calls' scores are kept in ``scored["holdout"]`` (the monitor's reference reads them)."""
    import mlflow

    from training.triage.evaluate import evaluate_frame

    metrics: dict[str, float] = {}
    for name, part in parts.items():
        if part.empty:
            continue
        say(f"{name}: scoring {len(part):,} calls")
        scores = model.score(part["text"].tolist(), evidence=False)
        if name == "holdout":
            scored[name] = scores
        m, plots, confusion = evaluate_frame(
            model,
            part,
            bins=cfg.calibration_bins,
            outdir=workdir / "plots",
            name=name,
            scored=scores,
        )
        metrics.update(m)
        report[f"{name}_confusion"] = confusion
        for path in plots.values():
            mlflow.log_artifact(str(path), "plots")
        say(
            f"{name}: macro-F1 {m[f'{name}_macro_f1']:.4f}, accuracy "
            f"{m[f'{name}_accuracy']:.4f}, ECE {m[f'{name}_ece']:.4f}"
        )
    return metrics


def summary_table(result: TrainResult) -> str:
    """The final table the command prints: candidates, then the chosen model's figures."""
    lines = ["candidate      cv macro-F1  cv accuracy  cv ECE   seconds"]
    for name, r in result.candidates.items():
        mark = " *" if name == result.chosen else ""
        lines.append(
            f"{name + mark:<14} {r['cv_macro_f1']:>11.4f}  {r['cv_accuracy']:>11.4f}  "
            f"{r['cv_ece']:>6.4f}  {r['cv_seconds']:>7.1f}"
        )
    m = result.metrics
    rows = [
        ("macro-F1", "macro_f1"),
        ("accuracy", "accuracy"),
        ("ECE", "ece"),
        ("mean confidence", "mean_confidence"),
        ("candidates coverage", "candidates_coverage"),
        ("candidates mean size", "candidates_mean_size"),
        ("urgent recall", "urgent_recall"),
        ("urgent precision", "urgent_precision"),
        ("disposition accuracy", "disposition_accuracy"),
        ("divert_to accuracy", "divert_to_accuracy"),
        ("reviewed share", "review_share"),
        ("errors in reviewed", "review_error_capture"),
    ]
    parts = [p for p in ("evalset", "records", "holdout") if f"{p}_macro_f1" in m]
    lines.append("")
    lines.append(f"{'metric':<22} " + " ".join(f"{p:>9}" for p in parts))
    for label, key in rows:
        cells = []
        for part in parts:
            v = m.get(f"{part}_{key}")
            cells.append(f"{v:>9.4f}" if v is not None and v == v else f"{'-':>9}")
        lines.append(f"{label:<22} " + " ".join(cells))
    lines.append(
        "(ECE, candidates and urgent figures of calibration items are cross-fitted: "
        "judged with choices made on the other half)"
    )
    lines.append(
        f"urgent threshold {m.get('urgent_threshold', float('nan')):.4f}; "
        f"trained in {result.seconds:.0f}s; run {result.run_id}"
    )
    lines.append(result.promotion.summary())
    return "\n".join(lines)
