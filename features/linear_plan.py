"""Every linear head of a triage model scored by one sparse product, outside scikit-learn.

A triage answer needs the category classifier (often a ``CalibratedClassifierCV`` holding
three linear SVMs) and the routing and urgency heads (logistic regressions on the text
features plus the category probabilities). Called one by one, each ``predict_proba``
validates its input, builds an ``hstack`` of features and probabilities and multiplies on
its own: for one text that costs milliseconds of bookkeeping around microseconds of
arithmetic. Here the text-feature weights of all of them sit side by side in one matrix,
so a batch is one ``X @ W``; the probability part of the heads' input is added column by
column after it, in the order scikit-learn's product adds it, and each estimator's own
formula (sigmoid calibration, softmax, one-vs-rest) is applied to its columns. The
results are scikit-learn's to the last bit (``tests/features/test_linear_plan.py``).

Estimators it does not know (another calibration, a tree model, a custom head) are left to
their own ``predict_proba``: :meth:`LinearPlan.of` then keeps them as they are.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.linear_model import LogisticRegression
from sklearn.linear_model._base import LinearClassifierMixin

from features.folded import FoldedCalibrated

__all__ = ["HeadInput", "LinearPlan", "plan_for"]


def _linear(est) -> bool:
    """True when ``est.decision_function`` is ``X @ coef_.T + intercept_``."""
    return (
        isinstance(est, LinearClassifierMixin)
        and type(est).decision_function is LinearClassifierMixin.decision_function
        and hasattr(est, "coef_")
    )


@dataclass
class _Part:
    """Columns ``[at, at + width)`` of the product: one linear estimator's decision values."""

    est: object
    at: int
    width: int
    n_text: int  # coefficients on text features; the rest weigh the probabilities

    def decision(self, XW: np.ndarray, extra: np.ndarray | None, X=None) -> np.ndarray:  # noqa: N803
        coef = np.asarray(self.est.coef_)
        if self.at < 0:  # float32 weights (fitted on float32 features): their own product
            scores = np.asarray(X @ coef[:, : self.n_text].T)
        else:
            scores = XW[:, self.at : self.at + self.width].copy()
        if extra is not None:  # the probabilities, after the text features, as hstack has them
            for j in range(extra.shape[1]):
                scores += extra[:, j : j + 1] * coef[:, self.n_text + j]
        scores += self.est.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores


def _logistic_proba(decision: np.ndarray) -> np.ndarray:
    """``LogisticRegression.predict_proba`` from its decision values (scikit-learn ≥ 1.8)."""
    if decision.ndim == 1:
        p = expit(decision)
        return np.stack([1 - p, p], axis=1)
    out = decision - decision.max(axis=1).reshape(-1, 1)
    np.exp(out, out=out)
    out /= out.sum(axis=1).reshape(-1, 1)
    return out


@dataclass
class LinearPlan:
    """The stacked text-feature weights of a model's linear estimators, and how to read them."""

    W: np.ndarray  # noqa: N815 - features × stacked decision columns (C order)
    category: list[_Part] | None  # the calibrated classifiers, or one LogisticRegression
    category_kind: str  # "calibrated", "logistic" or "own" (scikit-learn's predict_proba)
    heads: dict[str, _Part]
    _keyword: tuple[np.ndarray, np.ndarray] | None = None
    _category_W: np.ndarray | None = None  # noqa: N815 - W's category columns, contiguous
    folded: FoldedCalibrated | None = None  # the calibrated classifier as arrays

    def keyword_weights(self, model) -> tuple[np.ndarray, np.ndarray]:
        """The keyword weights measured against their mean over classes (adding a constant
        to a feature's weights changes no probability, so only the difference says which
        class it favours), and the columns that are never evidence (placeholders)."""
        if self._keyword is None:
            from features.contributions import feature_index
            from features.cues import CUE_NAMES

            W = model.keyword_weights  # noqa: N806
            if W.shape[0] == 1:  # binary problem: one row of weights for the second class
                W = np.vstack([-W[0], W[0]])  # noqa: N806
            index = feature_index(model.category.named_steps["features"])
            skip = model.feature_kind >= 2  # placeholders and cues
            skip[index.cue_at : index.cue_at + len(CUE_NAMES)] = False  # cues are evidence
            self._keyword = (W - W.mean(axis=0, keepdims=True), skip)
        return self._keyword

    @classmethod
    def of(cls, model) -> LinearPlan:
        clf = model.category.named_steps["clf"]
        n_classes = len(clf.classes_)
        blocks: list[np.ndarray] = []
        at = 0

        def add(est, n_text: int) -> _Part:
            nonlocal at
            coef = np.asarray(est.coef_)
            if coef.dtype != np.float64:
                return _Part(est, -1, coef.shape[0], n_text)
            blocks.append(coef[:, :n_text].T)
            part = _Part(est, at, coef.shape[0], n_text)
            at += coef.shape[0]
            return part

        kind, category = "own", None
        ccs = getattr(clf, "calibrated_classifiers_", None)
        if ccs and all(
            _linear(cc.estimator) and getattr(cc, "method", None) in ("sigmoid", "isotonic")
            for cc in ccs
        ):
            kind = "calibrated"
            category = [add(cc.estimator, cc.estimator.coef_.shape[1]) for cc in ccs]
        elif type(clf) is LogisticRegression:
            kind, category = "logistic", [add(clf, clf.coef_.shape[1])]
        names = model.feature_names
        n_text = category[0].n_text if category else (len(names) if names is not None else -1)
        heads = {}
        for name in _HEADS:
            est = getattr(getattr(model, name, None), "model", None)
            if type(est) is LogisticRegression and est.coef_.shape[1] == n_text + n_classes:
                heads[name] = add(est, n_text)
        width = blocks[0].shape[0] if blocks else 0
        W = np.ascontiguousarray(np.hstack(blocks)) if blocks else np.zeros((width, 0))  # noqa: N806
        folded = FoldedCalibrated.of(clf, category) if kind == "calibrated" else None
        return cls(W, category, kind, heads, folded=folded)

    def product(self, X: sp.csr_matrix, category_only: bool = False) -> np.ndarray:  # noqa: N803
        """``X @ W`` for a float32 or float64 CSR batch, in float64 as scikit-learn has it;
        ``category_only``: only the category classifier's columns (the first ones; each
        column is summed on its own, so they are the same values)."""
        W = self.W  # noqa: N806
        if category_only:
            width = max((p.at + p.width for p in self.category or () if p.at >= 0), default=0)
            if self._category_W is None or self._category_W.shape[1] != width:
                self._category_W = np.ascontiguousarray(W[:, :width])
            W = self._category_W  # noqa: N806
        if not W.shape[1]:
            return np.zeros((X.shape[0], 0))
        return np.asarray(X @ W)

    def category_proba(self, clf, X, XW: np.ndarray) -> np.ndarray:  # noqa: N803
        """The classifier's ``predict_proba``."""
        if self.category_kind == "calibrated":
            if all(part.at >= 0 for part in self.category):
                return self.folded.proba(self.folded.decision(XW))
            widths = self.folded.fold_width
            parts = [
                p.decision(XW, None, X).reshape(X.shape[0], -1)[:, :w]
                for p, w in zip(self.category, widths, strict=True)
            ]
            return self.folded.proba(np.hstack(parts))
        if self.category_kind == "logistic":
            return _logistic_proba(self.category[0].decision(XW, None, X))
        return clf.predict_proba(X)

    def head_proba(self, name: str, head, XW, H) -> tuple[np.ndarray, np.ndarray]:  # noqa: N803
        """``head.predict_proba`` on ``H`` (a callable building [X | probabilities])."""
        part = self.heads.get(name)
        if part is None:
            return head.predict_proba(H() if head.model is not None else H.X)
        decision = part.decision(XW, H.extra, H.X)
        return np.asarray(head.model.classes_, dtype=object), _logistic_proba(decision)

    def head_predict(self, name: str, head, XW, H) -> np.ndarray:  # noqa: N803
        """``head.predict`` on ``H`` (LinearClassifierMixin: the largest decision value)."""
        part = self.heads.get(name)
        if part is None:
            return head.predict(H() if head.model is not None else H.X)
        decision = part.decision(XW, H.extra, H.X)
        index = (decision > 0).astype(int) if decision.ndim == 1 else decision.argmax(axis=1)
        return np.asarray(head.model.classes_[index], dtype=object)


class HeadInput:
    """The heads' input ``[X | extra]``, built only if an estimator outside the plan needs it."""

    def __init__(self, model, X, extra: np.ndarray) -> None:  # noqa: N803
        self.X, self.extra = X, extra * model.probability_weight
        self._built = None

    def __call__(self) -> sp.csr_matrix:
        if self._built is None:
            self._built = sp.hstack([self.X, sp.csr_matrix(self.extra)], format="csr")
        return self._built


# By model id, with a weak reference to tell a reused id (models are unhashable dataclasses).
_PLANS: dict[int, tuple[weakref.ref, tuple, LinearPlan]] = {}


def _made_of(model) -> tuple:
    """The objects a plan is built from: a model given another of them gets a new plan."""
    heads = (getattr(getattr(model, n, None), "model", None) for n in _HEADS)
    clf = model.category.named_steps["clf"]
    return (clf, *heads, model.keyword_weights, model.feature_kind)


_HEADS = ("urgent", "disposition", "divert_to")


def plan_for(model) -> LinearPlan:
    """:meth:`LinearPlan.of` once per model object (kept beside it, never pickled)."""
    cached = _PLANS.get(id(model))
    parts = _made_of(model)
    fresh = cached is not None and cached[0]() is model
    if not fresh or any(a is not b for a, b in zip(cached[1], parts, strict=True)):
        key = id(model)
        ref = weakref.ref(model, lambda _: _PLANS.pop(key, None))
        cached = (ref, parts, LinearPlan.of(model))
        _PLANS[key] = cached
    return cached[2]
