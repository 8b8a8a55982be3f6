"""``jingqing train triage``: load, fit, evaluate, track in MLflow, register, maybe promote.

:func:`run_train_triage` is the one function behind the command (tests call it directly).
Every stage reports progress; the evaluation set is used only as the fixed yardstick for
promotion, reporting and the urgent threshold — nothing is fitted on it.
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
from training import gates
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
PROMOTION_METRIC = "evalset_macro_f1"
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
    progress: Callable[[str], None] = print,
) -> TrainResult:
    """Train, evaluate, log and register the triage model from a calls file.

    Raises:
        UserError / DataProblems: bad calls file, feedback store or configuration.
    """
    import mlflow

    from training import tracking
    from training.triage.evaluate import evaluate_frame
    from training.triage.fit import fit_triage
    from training.triage.pyfunc import log_triage_model

    cfg = config or TriageConfig()
    started = time.perf_counter()
    say = _stage(progress, "load")
    say(f"reading calls from {calls}")
    frame = load_training_calls(calls, mapping)
    gates.require_rows(len(frame), gates.MIN_TRIAGE_CALLS, "labelled calls", str(calls))
    train, holdout = split_by_time(frame, cfg.holdout_fraction)
    say(f"{len(frame):,} labelled calls: {len(train):,} to train on, {len(holdout):,} held out")
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
    evalset = load_evalset()
    say(f"evaluation set: {len(evalset):,} hand-written calls")
    warnings: list[str] = []
    if not has_routing(train):
        warnings.append("no disposition column in the calls: routing will not be learnt")
        progress(f"warning: {warnings[-1]}")

    tracking.configure()
    exp = tracking.experiment_id(EXPERIMENT)
    params = {k: (",".join(v) if isinstance(v, tuple) else v) for k, v in cfg.model_dump().items()}
    data_hash = fingerprint(train)
    with (
        tempfile.TemporaryDirectory(prefix="triage-") as tmp,
        mlflow.start_run(experiment_id=exp, run_name="train-triage") as run,
    ):
        workdir = Path(tmp)
        mlflow.log_params(params)
        mlflow.log_dict(cfg.model_dump(mode="json"), "config.json")
        mlflow.set_tags(
            {
                "data_fingerprint_sha256": data_hash,
                "calls_file": str(calls),
                "feedback_file": str(feedback or ""),
            }
        )
        mlflow.log_metrics(
            {"n_train": len(train), "n_holdout": len(holdout), "n_evalset": len(evalset)}
        )

        def log_candidate(name: str, result: dict[str, float]) -> None:
            with mlflow.start_run(experiment_id=exp, run_name=f"candidate-{name}", nested=True):
                mlflow.log_param("candidate", name)
                prefix = CANDIDATE_PARAMS.get(name, name)
                mlflow.log_params({k: v for k, v in params.items() if k.startswith(prefix)})
                mlflow.log_metrics(result)

        outcome = fit_triage(
            train,
            cfg,
            evalset=evalset,
            progress=_stage(progress, "fit"),
            on_candidate=log_candidate,
        )
        warnings.extend(w for w in outcome.warnings if w not in warnings)
        model = outcome.model

        say = _stage(progress, "evaluate")
        metrics: dict[str, float] = {}
        report: dict = {"chosen": outcome.chosen, "candidates": outcome.candidates}
        plots_dir = workdir / "plots"
        for name, part in (("evalset", evalset), ("holdout", holdout)):
            if part.empty:
                continue
            say(f"{name}: scoring {len(part):,} calls")
            m, plots, confusion = evaluate_frame(
                model, part, bins=cfg.calibration_bins, outdir=plots_dir, name=name
            )
            metrics.update(m)
            report[f"{name}_confusion"] = confusion
            for path in plots.values():
                mlflow.log_artifact(str(path), "plots")
            say(
                f"{name}: macro-F1 {m[f'{name}_macro_f1']:.4f}, accuracy "
                f"{m[f'{name}_accuracy']:.4f}, ECE {m[f'{name}_ece']:.4f}"
            )
        metrics["urgent_threshold"] = model.urgent_threshold
        metrics["train_seconds"] = time.perf_counter() - started
        mlflow.log_metrics({k: v for k, v in metrics.items() if v == v})  # drop NaN
        mlflow.set_tag("chosen_model", outcome.chosen)
        if warnings:
            mlflow.set_tag("warnings", " | ".join(warnings))
        report["metrics"] = metrics
        report["warnings"] = warnings
        mlflow.log_dict(report, "triage_report.json")

        from training.monitor.reference import attach_reference

        attach_reference(model, holdout, train, seed=cfg.seed)  # what the monitor compares with
        _stage(progress, "log")("saving the model to MLflow")
        info = log_triage_model(model, workdir / "model")
        run_id = run.info.run_id

    urgent = evalset["urgent"] if "urgent" in evalset.columns else pd.Series(dtype=float)
    base_rate = float(urgent.astype(bool).mean()) if len(urgent) and urgent.notna().all() else None
    gates.require_quality(gates.triage_quality_problems(metrics, base_rate), MODEL_NAME, run_id)
    _stage(progress, "register")(f"registering model {MODEL_NAME!r}")
    promotion = tracking.register_and_promote(
        info.model_uri,
        MODEL_NAME,
        PROMOTION_METRIC,
        metrics["evalset_macro_f1"],
        higher_is_better=True,
        allow_tie=True,
        tags={"run_id": run_id, "chosen_model": outcome.chosen},
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
        ("urgent recall", "urgent_recall"),
        ("urgent precision", "urgent_precision"),
        ("disposition accuracy", "disposition_accuracy"),
        ("divert_to accuracy", "divert_to_accuracy"),
        ("reviewed share", "review_share"),
        ("errors in reviewed", "review_error_capture"),
    ]
    lines.append("")
    lines.append(f"{'metric':<22} {'evalset':>9} {'holdout':>9}")
    for label, key in rows:
        cells = []
        for part in ("evalset", "holdout"):
            v = m.get(f"{part}_{key}")
            cells.append(f"{v:>9.4f}" if v is not None and v == v else f"{'-':>9}")
        lines.append(f"{label:<22} {cells[0]} {cells[1]}")
    lines.append(
        f"urgent threshold {m.get('urgent_threshold', float('nan')):.4f}; "
        f"trained in {result.seconds:.0f}s; run {result.run_id}"
    )
    lines.append(result.promotion.summary())
    return "\n".join(lines)
