"""The synthetic prior as an offset for a city's own records: stacking on its logits.

A logistic regression fitted on simulated calls only (the prior) scores every own record;
its class logits join the record's text features as extra columns of a second logistic
regression fitted on the own records only. The prior never saw an own record, so its
logits on them are honest inputs, and the own model learns how far to trust the prior and
where the city's coding departs from it (domain adaptation by a prior model's output as a
feature; cf. Daumé III, "Frustratingly easy domain adaptation", 2007, for the family).
With few records the L2 penalty keeps the text weights small and the prior's columns
carry the decision; with many, the text weights take over.

Both models are linear in the same features, so the pair collapses into one
``LogisticRegression`` (``coef = W_text + M · W_prior``): serving, keywords and batch
scoring see an ordinary fitted model.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression


@dataclass(frozen=True)
class Stacking:
    """How the own model leans on the prior: ``scale`` of the prior's logit columns (a
    larger scale is a weaker penalty on them) and the own model's ``c``."""

    scale: float
    c: float

    @property
    def label(self) -> str:
        return f"stacked on the prior's logits (scale {self.scale:g}, C {self.c:g})"


def fit_prior(X, y: np.ndarray, c: float) -> LogisticRegression:  # noqa: N803
    """The prior: a multinomial logistic regression on simulated calls only."""
    return LogisticRegression(C=c, max_iter=300, tol=1e-3).fit(X, y)


def _logits(prior: LogisticRegression, X) -> np.ndarray:  # noqa: N803
    d = prior.decision_function(X)
    return d.reshape(-1, 1) if d.ndim == 1 else d


def _stack(X, logits: np.ndarray, scale: float):  # noqa: N803
    return sp.hstack([sp.csr_matrix(X), sp.csr_matrix(logits * scale)], format="csr")


def fit_on_prior(
    prior: LogisticRegression,
    X,  # noqa: N803
    y: np.ndarray,
    how: Stacking,
    weight: np.ndarray | None = None,
) -> LogisticRegression:
    """The own model on ``X`` (own rows only) with the prior's logits as extra columns,
    collapsed into one linear model over ``X``'s columns."""
    stacked = LogisticRegression(C=how.c, max_iter=1000, tol=1e-4)
    stacked.fit(_stack(X, _logits(prior, X), how.scale), y, sample_weight=weight)
    return collapse(stacked, prior, how.scale, X.shape[1])


def collapse(
    stacked: LogisticRegression, prior: LogisticRegression, scale: float, n_features: int
) -> LogisticRegression:
    """One fitted ``LogisticRegression`` over the text features equal to ``stacked``
    applied to [features, scale × prior logits]."""
    mix = stacked.coef_[:, n_features:] * scale  # own classes × prior logit columns
    p_coef = prior.coef_
    p_icpt = prior.intercept_
    out = copy.deepcopy(stacked)
    out.coef_ = np.asarray(stacked.coef_[:, :n_features] + mix @ p_coef)
    out.intercept_ = np.asarray(stacked.intercept_ + mix @ p_icpt)
    out.n_features_in_ = n_features
    return out
