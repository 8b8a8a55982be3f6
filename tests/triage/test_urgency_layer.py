"""The urgency layer's fit: signed weights, anchored on simulated calls, old layers still score."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from features.textprep import prepare_text
from features.urgency_signals import UrgencyLayer, input_names
from training.triage.urgency import LAYER_C, _bounds, fit_signed_logistic, fit_urgency_layer


def test_signed_logistic_is_scikit_learns_without_bounds_and_keeps_its_bounds():
    from sklearn.linear_model import LogisticRegression

    # Given data where the second input truly lowers the odds
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))  # noqa: N806
    y = rng.random(400) < 1 / (1 + np.exp(-(X @ [1.5, -1.0, 0.3] - 0.5)))
    # when fitted without bounds it is scikit-learn's L2 logistic regression
    coef, intercept = fit_signed_logistic(X, y, 2.0, [(None, None)] * 3)
    ref = LogisticRegression(C=2.0, tol=1e-10, max_iter=10_000).fit(X, y)
    assert np.allclose(coef, ref.coef_[0], atol=1e-4)
    assert intercept == pytest.approx(ref.intercept_[0], abs=1e-4)
    # and a bound the data pull against holds the weight at the bound
    coef, _ = fit_signed_logistic(X, y, 2.0, [(None, None), (0.0, None), (None, None)])
    assert coef[1] == pytest.approx(0.0, abs=1e-8)
    # and row weights count as repeated rows
    twice = fit_signed_logistic(np.vstack([X, X[:50]]), np.r_[y, y[:50]], 2.0, [(None, None)] * 3)
    w = np.r_[np.full(50, 2.0), np.ones(350)]
    weighted = fit_signed_logistic(X, y, 2.0, [(None, None)] * 3, w)
    assert np.allclose(twice[0], weighted[0], atol=1e-4)


def test_bounds_follow_what_an_input_can_only_do():
    names = input_names(scoped=True)
    bounds = dict(zip(names, _bounds(names), strict=True))
    assert bounds["live_weapon"] == (0.0, None) and bounds["head_logit"] == (0.0, None)
    assert bounds["danger_denied"] == (None, 0.0) and bounds["treated"] == (None, 0.0)
    assert bounds["animal"] == (None, None)


@pytest.fixture(scope="module")
def anchored(fitted_triage):
    """The layer fitted on the records' city half, with and without 600 generated calls
    the model never trained on as its anchor."""
    from tests.triage.conftest import generated_frame
    from training.evalset import load_records

    city = load_records(split="city")
    anchor = generated_frame(600, seed=99)
    with_anchor, alone = copy.copy(fitted_triage.model), copy.copy(fitted_triage.model)
    oof, info = fit_urgency_layer(with_anchor, city, anchor=anchor, seed=0, name="city")
    fit_urgency_layer(alone, city, seed=0, name="city")
    return with_anchor, alone, oof, info, city


def test_the_anchored_layer_has_signed_weights_and_out_of_fold_scores(anchored):
    model, _, oof, info, city = anchored
    layer = model.urgency_layer
    assert layer.scoped and info["urgency_layer_anchor_n"] == 600
    assert info["urgency_layer_c"] in LAYER_C
    assert oof.shape == (len(city),) and np.all((oof > 0) & (oof < 1))
    names = input_names(scoped=True)
    for (low, high), w in zip(_bounds(names), layer.coef, strict=True):
        assert (low is None or w >= low - 1e-9) and (high is None or w <= high + 1e-9)
    assert all(k.replace("_", "").isalnum() for k in info)  # MLflow metric names


def test_the_anchor_keeps_what_the_head_knows_of_simulated_calls(anchored):
    from sklearn.metrics import roc_auc_score

    from tests.triage.conftest import generated_frame

    # Given simulated calls neither the model nor the layers saw
    fresh = generated_frame(1500, seed=7)
    y = fresh["urgent"].to_numpy(bool)
    with_anchor, alone, *_ = anchored
    texts = fresh["text"].tolist()
    auc = {
        name: roc_auc_score(y, m.score(texts)["urgent_model_score"])
        for name, m in (("anchored", with_anchor), ("alone", alone))
    }
    # then the anchored layer ranks them at least as well as the one fitted on records alone
    assert auc["anchored"] >= auc["alone"], auc


def test_a_layer_saved_before_the_scoped_inputs_still_scores():
    # Given a layer pickled before it had the ``scoped`` field (43 unscoped weights)
    old = UrgencyLayer.__new__(UrgencyLayer)
    names = input_names()
    coef = np.zeros(len(names))
    coef[names.index("severe")] = 2.0
    old.__dict__.update(coef=coef, intercept=-1.0, fitted_on="records city half")
    texts = [prepare_text("一男子倒地不省人事"), prepare_text("问路")]
    score = old.score(np.array([0.5, 0.5]), texts, np.zeros(2, dtype=bool))
    assert score[0] > score[1] and not old.scoped
    # and a scoped layer's danger columns name their family's words for the cue
    scoped = input_names(scoped=True)
    w = np.zeros(len(scoped))
    w[scoped.index("live_weapon")], w[scoped.index("danger_denied")] = 1.5, -2.0
    assert UrgencyLayer(coef=w, intercept=0.0, scoped=True).raising() == {"weapon": 1.5}
