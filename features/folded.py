"""A ``CalibratedClassifierCV`` of linear estimators folded into arrays, built once.

scikit-learn's ``predict_proba`` walks the calibrated classifiers one by one and, in each,
the per-class calibrators one by one: for three folds of five classes that is fifteen
calibrator calls, each validating its input, around a few multiplications. Folded, the
decision values of every fold and class are columns of one product (``features.linear_plan``
puts the estimators' weights side by side), and the sigmoid calibrators are two arrays:
``p = expit(-(a * d + b))`` for all columns at once (an estimator with float32 weights
has its own product, ``features.linear_plan._Part.decision``). Isotonic calibrators keep their own
``predict`` (a piecewise-linear interpolation); the rest is scikit-learn's
``_CalibratedClassifier.predict_proba`` step by step (binary complement, normalisation
with the uniform fallback, the clip just above 1) and the mean over folds in fold order,
so the probabilities are scikit-learn's to the last bit (``tests/features/test_linear_plan.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

__all__ = ["FoldedCalibrated"]


def _is_sigmoid(calibrator) -> bool:
    return hasattr(calibrator, "a_") and type(calibrator).__name__ == "_SigmoidCalibration"


@dataclass
class FoldedCalibrated:
    """Every fold's decision columns, calibrators and target classes as flat arrays."""

    columns: np.ndarray  # the product's column of each (fold, estimator column); -1: none
    intercept: np.ndarray  # the estimator's intercept of that column
    a: np.ndarray  # sigmoid calibrators (0 where isotonic)
    b: np.ndarray
    target: np.ndarray  # the class the column's calibrated value goes to
    own: list[tuple[int, object]]  # (flat index, calibrator) of the non-sigmoid ones
    fold_width: list[int]  # decision columns per fold
    n_classes: int

    @classmethod
    def of(cls, clf, parts) -> FoldedCalibrated:
        """From a fitted ``CalibratedClassifierCV`` and its folds' places in the product
        (``features.linear_plan._Part``, each with ``at`` and ``width``)."""
        n_classes = len(clf.classes_)
        columns, intercept, a, b, target, own, widths = [], [], [], [], [], [], []
        for cc, part in zip(clf.calibrated_classifiers_, parts, strict=True):
            index = np.searchsorted(np.sort(cc.classes), cc.estimator.classes_)
            width = part.width
            widths.append(width)
            icpt = np.broadcast_to(np.asarray(cc.estimator.intercept_, dtype=float), (width,))
            for j, (class_idx, calibrator) in enumerate(zip(index, cc.calibrators, strict=False)):
                if j >= width:
                    break
                flat = len(columns)
                columns.append(part.at + j if part.at >= 0 else -1)
                intercept.append(float(icpt[j]))
                target.append(int(class_idx) + (1 if n_classes == 2 else 0))
                if _is_sigmoid(calibrator):
                    a.append(float(calibrator.a_))
                    b.append(float(calibrator.b_))
                else:
                    a.append(0.0)
                    b.append(0.0)
                    own.append((flat, calibrator))
            widths[-1] = min(width, len(cc.calibrators))
        return cls(
            np.asarray(columns, dtype=np.int64),
            np.asarray(intercept),
            np.asarray(a),
            np.asarray(b),
            np.asarray(target, dtype=np.int64),
            own,
            widths,
            n_classes,
        )

    def decision(self, XW: np.ndarray) -> np.ndarray:  # noqa: N803
        """Every fold's decision values from the product ``XW`` (rows × stacked columns)."""
        decision = XW[:, self.columns]
        decision += self.intercept
        return decision

    def proba(self, decision: np.ndarray) -> np.ndarray:
        """``clf.predict_proba`` from every fold's decision values, side by side."""
        calibrated = expit(-(self.a * decision + self.b))
        for flat, calibrator in self.own:
            calibrated[:, flat] = calibrator.predict(decision[:, flat])
        n, k = len(decision), self.n_classes
        mean = np.zeros((n, k))
        start = 0
        for width in self.fold_width:
            proba = np.zeros((n, k))
            proba[:, self.target[start : start + width]] = calibrated[:, start : start + width]
            start += width
            if k == 2:
                proba[:, 0] = 1.0 - proba[:, 1]
            else:
                denominator = np.sum(proba, axis=1)[:, np.newaxis]
                uniform = np.full_like(proba, 1 / k)
                proba = np.divide(proba, denominator, out=uniform, where=denominator != 0)
            proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
            mean += proba
        mean /= len(self.fold_width)
        return mean
