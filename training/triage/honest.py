"""Calibrating a fitted triage model on text that is not simulated, cross-fitted.

The calibration items are a city's held-out records when it trains on its own, otherwise
the hand-written sets. They serve three choices — the shift-aware temperature, the
conformal candidate threshold and the urgent threshold — and every figure reported about
them is cross-fitted: the items are split in two, each half is scored with choices made
on the other half, so no item is both calibrated on and reported (the urgency tiers can
instead come from another labelled set, ``tiers_on``). The shipped model then
takes the choices made on all items.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score

from features.confidence import crossfit
from features.shift import NgramNovelty
from training.triage.config import TriageConfig
from training.triage.evaluate import expected_calibration_error
from training.triage.urgency import costs_of, crossfit_tiers, tier_metrics


def attach_novelty(model, train_texts: list[str]) -> None:
    """Remember which character n-grams the training texts hold (for the shift score)."""
    prepared = model.category.named_steps["prep"].transform(train_texts)
    model.novelty = NgramNovelty().fit(prepared)


def calibrate(
    model,
    frame: pd.DataFrame,
    cfg: TriageConfig,
    *,
    name: str,
    seed: int = 0,
    tiers_on: pd.DataFrame | tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, float]:
    """Fit ``model``'s calibrator and urgent threshold on ``frame``; cross-fitted metrics.

    Returns metrics ``{name}_xfit_...`` (and ``{set}_xfit_...`` per value of a ``yardstick``
    column, when the frame joins several sets): macro-F1, ECE before and after, mean
    confidence and shift, candidates' coverage and mean size, and the urgent recall and
    precision of each urgency tier (``training.triage.urgency``) with thresholds chosen on
    the other half, or on ``tiers_on`` (labelled calls of another set, or the scores and
    labels of such calls) when it is given.
    Items whose true label the model does not know count as wrong and uncovered (they are
    not fitted on).
    """
    model.calibrator = None
    raw = model.score(frame["text"].astype(str).tolist())
    classes = np.asarray(model.classes, dtype=object)
    y = frame["category"].astype(str).to_numpy(dtype=object)
    proba, shift = raw["proba"], raw["shift"]
    known = np.isin(y, classes)
    y_index = np.array([int(np.flatnonzero(classes == v)[0]) if v in classes else -1 for v in y])
    fitted = crossfit(
        proba[known],
        shift[known],
        y_index[known],
        coverage=cfg.candidates_coverage,
        seed=seed,
        objective=cfg.calibration_objective,
    )
    model.calibrator = fitted.calibrator
    fold = np.random.default_rng(seed).integers(0, len(fitted.fold_calibrators), size=len(y))
    fold[known] = fitted.fold
    calibrated = np.zeros_like(proba)
    calibrated[known] = fitted.calibrated
    sets = np.zeros(proba.shape, dtype=bool)
    sets[known] = fitted.candidates
    for k, cal in enumerate(fitted.fold_calibrators):
        rows = ~known & (fold == k)
        calibrated[rows] = cal.apply(proba[rows], shift[rows])
        sets[rows] = cal.candidates(calibrated[rows])

    tier = u = None
    if "urgent" in frame.columns and frame["urgent"].notna().all():
        u = frame["urgent"].astype(bool).to_numpy()
        other = None
        if isinstance(tiers_on, tuple):  # scores and labels of another set, already scored
            other = tiers_on
        elif tiers_on is not None:  # the thresholds come from another set: judged as they are
            scored = model.score(tiers_on["text"].astype(str).tolist())["urgent_score"]
            other = (scored, tiers_on["urgent"].astype(bool).to_numpy())
        tier = crossfit_tiers(model, raw["urgent_score"], u, fold, cfg, choose_on=other)

    def part_metrics(rows: np.ndarray, prefix: str) -> dict[str, float]:
        cal, truth = calibrated[rows], y[rows]
        bins = cfg.calibration_bins
        m = {f"{prefix}_xfit_n": float(rows.sum())}
        m[f"{prefix}_xfit_ece_raw"] = expected_calibration_error(
            proba[rows], truth, classes, bins
        )[0]
        m[f"{prefix}_xfit_ece"] = expected_calibration_error(cal, truth, classes, bins)[0]
        pred = classes[cal.argmax(axis=1)]
        m[f"{prefix}_xfit_macro_f1"] = float(f1_score(truth, pred, average="macro"))
        m[f"{prefix}_xfit_mean_confidence"] = float(cal.max(axis=1).mean())
        m[f"{prefix}_xfit_mean_shift"] = float(shift[rows].mean())
        covered = np.where(
            y_index[rows] >= 0, sets[rows][np.arange(rows.sum()), y_index[rows]], False
        )
        m[f"{prefix}_xfit_candidates_coverage"] = float(covered.mean())
        m[f"{prefix}_xfit_candidates_mean_size"] = float(sets[rows].sum(axis=1).mean())
        if tier is not None:
            m |= tier_metrics(tier[rows], u[rows], f"{prefix}_xfit", costs_of(cfg))
        return m

    metrics = part_metrics(np.ones(len(y), dtype=bool), name)
    metrics[f"{name}_calibration_a"] = fitted.calibrator.a
    metrics[f"{name}_calibration_b"] = fitted.calibrator.b
    metrics[f"{name}_candidates_threshold"] = fitted.calibrator.threshold
    if "yardstick" in frame.columns:
        sets_of = frame["yardstick"].astype(str).to_numpy()
        for value in pd.unique(sets_of):
            metrics.update(part_metrics(sets_of == value, str(value)))
    return metrics
