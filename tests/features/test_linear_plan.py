"""One sparse product for every linear head gives scikit-learn's own probabilities, bit for
bit, for the classifiers a triage model is trained with; other estimators keep their own."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from features.linear_plan import HeadInput, LinearPlan
from features.triage_model import Head


def _data(n_classes: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = sp.random(600, 300, density=0.05, format="csr", dtype=np.float32, random_state=seed)  # noqa: N806
    y = (np.asarray(X[:, :n_classes].argmax(axis=1)).ravel() + rng.integers(0, 2, 600)) % n_classes
    return X, np.asarray(["abcde"[i] for i in y], dtype=object)


class _Model(SimpleNamespace):
    """A stand-in for ``TriageModel`` with the fields a plan reads (and weak references)."""


def _model(clf, X, y, heads: dict):  # noqa: N803
    clf.fit(X, y)
    proba = clf.predict_proba(X)
    H = sp.hstack([X, sp.csr_matrix(proba * 0.7)], format="csr")  # noqa: N806
    fitted = {}
    for name, (est, target) in heads.items():
        fitted[name] = Head(est.fit(H, target) if est is not None else None, constant="x")
    return _Model(
        category=Pipeline([("clf", clf)]),
        feature_names=np.asarray([f"f{i}" for i in range(X.shape[1])], dtype=object),
        probability_weight=0.7,
        urgent=fitted.get("urgent"),
        disposition=fitted.get("disposition"),
        divert_to=fitted.get("divert_to"),
    ), H


@pytest.mark.parametrize(
    ("clf", "n_classes"),
    [
        (CalibratedClassifierCV(LinearSVC(random_state=0), cv=3, method="sigmoid"), 5),
        (CalibratedClassifierCV(LinearSVC(random_state=0), cv=3, method="isotonic"), 4),
        (CalibratedClassifierCV(LinearSVC(random_state=0), cv=2, method="sigmoid"), 2),
        # float32 weights (fitted on float32 features): their own product, then folded
        (CalibratedClassifierCV(LogisticRegression(max_iter=300), cv=3), 3),
        (LogisticRegression(C=2.0, max_iter=300), 5),
        (LogisticRegression(max_iter=300), 2),
        (MultinomialNB(), 3),  # not linear in this sense: its own predict_proba
    ],
)
def test_plan_gives_scikit_learns_probabilities_exactly(clf, n_classes):
    # Given a classifier and logistic heads fitted on [features | probabilities]
    X, y = _data(n_classes)  # noqa: N806
    rng = np.random.default_rng(1)
    heads = {
        "urgent": (LogisticRegression(max_iter=300), rng.integers(0, 2, len(y)).astype(bool)),
        "disposition": (LogisticRegression(max_iter=300), rng.choice(["a", "b", "c"], len(y))),
        "divert_to": (LogisticRegression(max_iter=300), rng.choice(["p", "q", "r", "s"], len(y))),
    }
    model, H = _model(clf, X, y, heads)  # noqa: N806
    # when the plan scores a new batch
    Xn = sp.random(50, 300, density=0.05, format="csr", dtype=np.float32, random_state=9)  # noqa: N806
    plan = LinearPlan.of(model)
    XW = plan.product(Xn)  # noqa: N806
    raw = plan.category_proba(clf, Xn, XW)
    # then the category probabilities are scikit-learn's to the last bit
    np.testing.assert_array_equal(raw, clf.predict_proba(Xn))
    assert plan.category_kind == ("own" if isinstance(clf, MultinomialNB) else plan.category_kind)
    # and so are the heads fed [X | probabilities], without building that matrix
    Hn = sp.hstack([Xn, sp.csr_matrix(raw * 0.7)], format="csr")  # noqa: N806
    given = HeadInput(model, Xn, raw)
    for name in ("urgent", "disposition"):
        head = getattr(model, name)
        classes, proba = plan.head_proba(name, head, XW, given)
        np.testing.assert_array_equal(proba, head.model.predict_proba(Hn))
        assert list(classes) == list(head.model.classes_)
    np.testing.assert_array_equal(
        plan.head_predict("divert_to", model.divert_to, XW, given), model.divert_to.predict(Hn)
    )
    assert given._built is None  # never needed


def test_heads_outside_the_plan_use_their_own_estimator():
    # Given a head that is a constant and one that is not a logistic regression
    X, y = _data(3)  # noqa: N806
    rng = np.random.default_rng(2)
    model, _ = _model(
        LogisticRegression(max_iter=300),
        X,
        y,
        {
            "urgent": (MultinomialNB(), rng.integers(0, 2, len(y)).astype(bool)),
            "divert_to": (None, None),
        },
    )
    plan = LinearPlan.of(model)
    assert set(plan.heads) == set()
    XW = plan.product(X[:20])  # noqa: N806
    raw = plan.category_proba(model.category.named_steps["clf"], X[:20], XW)
    given = HeadInput(model, X[:20], raw)
    # when they are scored, then their own methods answer
    _, proba = plan.head_proba("urgent", model.urgent, XW, given)
    H = sp.hstack([X[:20], sp.csr_matrix(raw * 0.7)], format="csr")  # noqa: N806
    np.testing.assert_array_equal(proba, model.urgent.model.predict_proba(H))
    assert list(plan.head_predict("divert_to", model.divert_to, XW, given)) == ["x"] * 20


def test_a_model_given_another_head_gets_a_new_plan():
    from features.linear_plan import plan_for

    X, y = _data(3)  # noqa: N806
    rng = np.random.default_rng(3)
    urgent = rng.integers(0, 2, len(y)).astype(bool)
    model, H = _model(
        LogisticRegression(max_iter=300), X, y, {"urgent": (LogisticRegression(), urgent)}
    )  # noqa: N806
    model.keyword_weights = model.feature_kind = None
    first = plan_for(model)
    assert plan_for(model) is first
    model.urgent = Head(LogisticRegression(C=0.1).fit(H, urgent))
    assert (
        plan_for(model) is not first and plan_for(model).heads["urgent"].est is model.urgent.model
    )
