"""Honest confidence: calibration on text that is not simulated, shift, candidate sets.

A call taker reads "99 %" literally, so the probabilities a model learnt on simulated text
are re-scaled on real-looking text (a city's held-out records, else the hand-written set):
temperature scaling whose temperature grows with the text's shift score,
``T(shift) = exp(a + b * shift)`` with ``b >= 0``. A text unlike the training texts is
therefore flattened more than a familiar one, and the same fit decides by how much.

The temperature is fitted by the Brier score (default) rather than log-loss: on text unlike
the training texts a simulated-only model makes some errors at 0.95-0.99, each of which costs
log-loss -log(0.01) and drags the one temperature up until every answer is flattened — the
fitted model was then *under*-confident (mean confidence 0.710 against accuracy 0.756 on the
records' city half by the map's labels, cross-fitted). The Brier score bounds what one item
can cost, so the temperature follows the bulk of the items (ECE 0.061 → 0.039 there, 0.059 →
0.049 by the rules' labels: benchmarks/results/triage_calibration_choice.json).

``candidates`` is the smallest set of labels that holds the true one with probability
``coverage`` (split conformal prediction, Vovk et al.; Angelopoulos & Bates 2021): on the
calibration split the score of an item is ``1 - p(true label)``; the ``ceil((n+1)(1-α))/n``
quantile of those scores, ``q``, gives every label with ``p >= 1 - q``. Coverage holds
on exchangeable data and is measured, not assumed (``crossfit``).

No confidence is ever 1: it is capped at ``MAX_CONFIDENCE`` (a model is never certain).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from sklearn.model_selection import StratifiedKFold

MAX_CONFIDENCE = 0.99
_EPS = 1e-6
OBJECTIVES = ("brier", "log_loss")


def _scaled(proba: np.ndarray, shift: np.ndarray, a: float, b: float) -> np.ndarray:
    logits = np.log(np.clip(proba, _EPS, 1.0)) / np.exp(a + b * shift)[:, None]
    logits -= logits.max(axis=1, keepdims=True)
    out = np.exp(logits)
    return out / out.sum(axis=1, keepdims=True)


@dataclass
class Calibrator:
    """Shift-aware temperature and the conformal threshold, fitted on one split."""

    a: float = 0.0
    b: float = 0.0
    threshold: float = 1.0  # conformal: labels with p >= threshold are candidates
    coverage: float = 0.9
    n_fit: int = 0

    @classmethod
    def fit(
        cls,
        proba: np.ndarray,
        shift: np.ndarray,
        y_index: np.ndarray,
        coverage: float = 0.9,
        objective: str = "brier",
    ) -> Calibrator:
        """Fit on raw probabilities, shift scores and true class indices of one split;
        ``objective`` is what the temperature minimises: ``"brier"`` or ``"log_loss"``."""
        if objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {OBJECTIVES}, not {objective!r}")
        proba = np.asarray(proba, dtype=float)
        shift = np.asarray(shift, dtype=float)
        y_index = np.asarray(y_index, dtype=int)
        rows = np.arange(len(y_index))
        onehot = np.zeros_like(proba)
        onehot[rows, y_index] = 1.0

        def loss(params: np.ndarray) -> float:
            p = _scaled(proba, shift, params[0], params[1])
            if objective == "brier":
                return float(((p - onehot) ** 2).sum(axis=1).mean())
            return float(-np.log(np.clip(p[rows, y_index], _EPS, 1.0)).mean())

        fitted = minimize(loss, np.zeros(2), method="L-BFGS-B", bounds=[(-3.0, 3.0), (0.0, 8.0)])
        a, b = (float(v) for v in fitted.x)
        p = _scaled(proba, shift, a, b)
        scores = 1.0 - p[rows, y_index]
        n = len(scores)
        level = min(np.ceil((n + 1) * coverage) / n, 1.0)
        q = float(np.quantile(scores, level, method="higher")) if n else 1.0
        return cls(a=a, b=b, threshold=1.0 - q, coverage=coverage, n_fit=n)

    def apply(self, proba: np.ndarray, shift: np.ndarray) -> np.ndarray:
        """Calibrated probabilities (rows sum to 1)."""
        return _scaled(
            np.asarray(proba, dtype=float), np.asarray(shift, dtype=float), self.a, self.b
        )

    def candidates(self, calibrated: np.ndarray) -> np.ndarray:
        """Boolean (n, k): labels in each text's candidate set (never empty: the top is in)."""
        keep = calibrated >= self.threshold
        keep[np.arange(len(calibrated)), calibrated.argmax(axis=1)] = True
        return keep


def shown_confidence(calibrated: np.ndarray) -> np.ndarray:
    """The top probability as shown to a person: never 1."""
    return np.minimum(calibrated.max(axis=1), MAX_CONFIDENCE)


def cap_probabilities(proba: np.ndarray) -> np.ndarray:
    """Probabilities whose top is at most ``MAX_CONFIDENCE``; the excess is shared by the
    other labels in proportion (uniformly when they are all 0), so rows still sum to 1."""
    out = np.array(proba, dtype=float, copy=True)
    if out.shape[1] < 2:
        return out
    rows = np.arange(len(out))
    top = out.argmax(axis=1)
    excess = np.maximum(out[rows, top] - MAX_CONFIDENCE, 0.0)
    out[rows, top] -= excess
    rest = out.sum(axis=1) - out[rows, top]
    share = np.where(rest[:, None] > 0, out / np.where(rest > 0, rest, 1.0)[:, None], 1.0)
    share[rows, top] = 0.0
    share /= share.sum(axis=1, keepdims=True)
    out += share * excess[:, None]
    return out


@dataclass
class CrossFit:
    """Out-of-fold calibrated probabilities and candidate sets, and the calibrator fitted on
    all items (the one a model ships with)."""

    calibrated: np.ndarray
    candidates: np.ndarray
    calibrator: Calibrator
    fold: np.ndarray
    # per fold k: the calibrator fitted on the other folds (scores fold k's items)
    fold_calibrators: list[Calibrator]


def crossfit(
    proba: np.ndarray,
    shift: np.ndarray,
    y_index: np.ndarray,
    *,
    coverage: float = 0.9,
    folds: int = 2,
    seed: int = 0,
    objective: str = "brier",
) -> CrossFit:
    """Calibrate on one part, report on the other, and swap: no item is both calibrated on
    and reported. Folds are stratified by the true label where every label has enough items.
    """
    y_index = np.asarray(y_index, dtype=int)
    n = len(y_index)
    counts = np.bincount(y_index)
    fold = np.zeros(n, dtype=int)
    if counts[counts > 0].min() >= folds:
        splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
        for k, (_, part) in enumerate(splitter.split(np.zeros(n), y_index)):
            fold[part] = k
    else:
        fold = np.random.default_rng(seed).permutation(n) % folds
    calibrated = np.zeros_like(np.asarray(proba, dtype=float))
    sets = np.zeros(calibrated.shape, dtype=bool)
    fold_calibrators = []
    for k in range(folds):
        part = fold == k
        cal = Calibrator.fit(proba[~part], shift[~part], y_index[~part], coverage, objective)
        calibrated[part] = cal.apply(proba[part], shift[part])
        sets[part] = cal.candidates(calibrated[part])
        fold_calibrators.append(cal)
    full = Calibrator.fit(proba, shift, y_index, coverage, objective)
    return CrossFit(calibrated, sets, full, fold, fold_calibrators)


def set_metrics(sets: np.ndarray, y_index: np.ndarray) -> dict[str, float]:
    """Measured coverage and mean size of candidate sets."""
    rows = np.arange(len(y_index))
    return {
        "candidates_coverage": float(sets[rows, y_index].mean()) if len(rows) else float("nan"),
        "candidates_mean_size": float(sets.sum(axis=1).mean()) if len(rows) else float("nan"),
    }
