"""The synthetic prior as an offset for a city's own records: stacking on its logits.

The simulated-only champion's recipe fitted on simulated calls only (the prior: a
calibrated linear SVM, ``prior_model``; a logistic regression is the other choice) scores
every own record; its class margins (the SVM's decision values averaged over its
calibration ensemble, or the regression's logits) join the record's text features as
extra columns of a logistic regression fitted on the own records only. The prior never saw an own record, so its
logits on them are honest inputs, and the own model learns how far to trust the prior and
where the city's coding departs from it (domain adaptation by a prior model's output as a
feature; cf. Daumé III, "Frustratingly easy domain adaptation", 2007, for the family).
With few records the L2 penalty keeps the text weights small and the prior's columns
carry the decision; with many, the text weights take over.

Both models are linear in the same features (an averaged SVM is one linear model), so the
pair collapses into one ``LogisticRegression`` (``coef = W_text + M · W_prior``): serving,
keywords and batch scoring see an ordinary fitted model.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression

from training.triage.config import TriageConfig


@dataclass(frozen=True)
class Stacking:
    """How the own model leans on the prior: ``scale`` of the prior's logit columns (a
    larger scale is a weaker penalty on them) and the own model's ``c``."""

    scale: float
    c: float

    @property
    def label(self) -> str:
        return f"stacked on the prior's logits (scale {self.scale:g}, C {self.c:g})"


def fit_prior(X, y: np.ndarray, cfg: TriageConfig, kind: str | None = None):  # noqa: N803
    """The prior on simulated calls only: ``kind`` (default ``cfg.prior_model``) built as the
    simulated city's candidate of that name (``build_candidate``: the SVM with its sigmoid
    calibration ensemble, or the multinomial logistic regression)."""
    from training.triage.pipeline import build_candidate

    return build_candidate(kind or cfg.prior_model, cfg).fit(X, y)


def prior_weights_of(prior) -> tuple[np.ndarray, np.ndarray]:
    """The prior's linear scores as (classes × features coef, intercept): a regression's
    own, or a calibrated SVM's averaged over its ensemble (the margins it calibrates)."""
    if isinstance(prior, CalibratedClassifierCV):
        svms = [c.estimator for c in prior.calibrated_classifiers_]
        coef = np.mean([m.coef_ for m in svms], axis=0)
        return coef, np.mean([m.intercept_ for m in svms], axis=0)
    return np.asarray(prior.coef_), np.asarray(prior.intercept_)


def _logits(prior, X) -> np.ndarray:  # noqa: N803
    coef, intercept = prior_weights_of(prior)
    d = np.asarray(X @ coef.T) + intercept
    return d.reshape(-1, 1) if d.ndim == 1 else d


def _stack(X, logits: np.ndarray, scale: float):  # noqa: N803
    return sp.hstack([sp.csr_matrix(X), sp.csr_matrix(logits * scale)], format="csr")


def fit_on_prior(
    prior,
    X,  # noqa: N803
    y: np.ndarray,
    how: Stacking,
    weight: np.ndarray | None = None,
) -> LogisticRegression:
    """The own model on ``X`` (own rows only) with the prior's logits as extra columns,
    collapsed into one linear model over ``X``'s columns (``prior``: ``fit_prior``'s)."""
    stacked = LogisticRegression(C=how.c, max_iter=1000, tol=1e-4)
    stacked.fit(_stack(X, _logits(prior, X), how.scale), y, sample_weight=weight)
    return collapse(stacked, prior, how.scale, X.shape[1])


def collapse(
    stacked: LogisticRegression, prior, scale: float, n_features: int
) -> LogisticRegression:
    """One fitted ``LogisticRegression`` over the text features equal to ``stacked``
    applied to [features, scale × prior logits]."""
    mix = stacked.coef_[:, n_features:] * scale  # own classes × prior logit columns
    p_coef, p_icpt = prior_weights_of(prior)
    out = copy.deepcopy(stacked)
    out.coef_ = np.asarray(stacked.coef_[:, :n_features] + mix @ p_coef)
    out.intercept_ = np.asarray(stacked.intercept_ + mix @ p_icpt)
    out.n_features_in_ = n_features
    return out


@dataclass(frozen=True)
class OnLogProba:
    """The own model leans on the prior's calibrated log-probabilities (its ``c``)."""

    c: float

    @property
    def label(self) -> str:
        return f"stacked on the prior's log-probabilities (C {self.c:g})"


def _log_proba(prior, X) -> np.ndarray:  # noqa: N803
    return np.log(np.clip(prior.predict_proba(X), LOG_FLOOR, 1.0))


LOG_FLOOR = 1e-6  # the smallest prior probability whose log is a feature


class LogProbaStacked(ClassifierMixin, BaseEstimator):
    """A logistic regression over [text features, the prior's log-probabilities].

    The prior's calibrated probabilities are not linear in the features (a sigmoid per
    class and fold, averaged and normalised), so this pair does not collapse into one
    linear model: scoring runs the prior's ``predict_proba`` and then the own model's.
    On the records' city half it beat stacking on the margins (README). ``prior`` is
    fitted already (on simulated calls) and ``fit`` leaves it as it is."""

    def __init__(self, prior=None, c: float = 8.0) -> None:
        self.prior = prior
        self.c = c

    def inputs(self, X):  # noqa: N803
        return sp.hstack([sp.csr_matrix(X), _log_proba(self.prior, X)], format="csr")

    def fit(self, X, y: np.ndarray) -> LogProbaStacked:  # noqa: N803
        self.own_ = LogisticRegression(C=self.c, max_iter=1000, tol=1e-3)
        self.own_.fit(self.inputs(X), y)
        self.classes_ = self.own_.classes_
        self.n_features_in_ = X.shape[1]
        return self

    def predict_proba(self, X) -> np.ndarray:  # noqa: N803
        return self.own_.predict_proba(self.inputs(X))

    def predict(self, X) -> np.ndarray:  # noqa: N803
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def fit_on_log_proba(prior, X, y: np.ndarray, how: OnLogProba) -> LogProbaStacked:  # noqa: N803
    """The own model on ``X`` (own rows only) beside the prior's log-probabilities."""
    return LogProbaStacked(prior, how.c).fit(X, y)
