"""Honest confidence: shift score, shift-aware calibration, conformal candidate sets."""

from __future__ import annotations

import numpy as np
import pytest

from features.confidence import (
    MAX_CONFIDENCE,
    Calibrator,
    cap_probabilities,
    crossfit,
    shown_confidence,
)
from features.shift import NgramNovelty


def test_shift_is_the_share_of_unseen_ngrams():
    novelty = NgramNovelty(bits=16).fit(["小区停电了", "电动车被偷了"])
    seen, half, new = novelty.score(["小区停电了", "小区停电车被砸", "银行卡冻结"])
    assert seen == 0.0
    assert 0.2 < half < 0.9
    assert new == 1.0
    assert novelty.score([""])[0] == 0.0


def test_shift_survives_pickling():
    import pickle

    novelty = NgramNovelty(bits=16).fit(["小区停电了"])
    novelty.score(["x"])  # builds the unpacked cache, which is not pickled
    again = pickle.loads(pickle.dumps(novelty))
    assert "_unpacked" not in again.__dict__
    assert again.score(["小区停电了"])[0] == 0.0


def _overconfident(n: int, rng: np.random.Generator, k: int = 5):
    """A model that says ~0.95 but is right 70 % of the time; wrong more when shifted."""
    y = rng.integers(0, k, size=n)
    shift = rng.random(n)
    right = rng.random(n) < 0.9 - 0.4 * shift
    pred = np.where(right, y, (y + rng.integers(1, k, size=n)) % k)
    proba = np.full((n, k), 0.05 / (k - 1))
    proba[np.arange(n), pred] = 0.95
    return proba, shift, y


def test_calibration_lowers_overconfidence_and_more_so_when_shifted():
    rng = np.random.default_rng(0)
    proba, shift, y = _overconfident(4000, rng)
    cal = Calibrator.fit(proba, shift, y)
    assert cal.b > 0  # shifted texts are flattened more
    out = cal.apply(proba, shift)
    assert np.allclose(out.sum(axis=1), 1.0)
    assert (out.argmax(axis=1) == proba.argmax(axis=1)).all()  # the label never changes
    conf = out.max(axis=1)
    assert conf[shift > 0.8].mean() < conf[shift < 0.2].mean()
    accuracy = (proba.argmax(axis=1) == y).mean()
    assert abs(conf.mean() - accuracy) < 0.03


def test_conformal_sets_cover_at_the_requested_rate_on_new_items():
    rng = np.random.default_rng(1)
    proba, shift, y = _overconfident(3000, rng)
    fitted = crossfit(proba, shift, y, coverage=0.9)
    covered = fitted.candidates[np.arange(len(y)), y].mean()
    assert covered == pytest.approx(0.9, abs=0.03)
    assert (fitted.candidates.sum(axis=1) >= 1).all()
    assert fitted.candidates.sum(axis=1).mean() < 5


def test_shown_confidence_is_never_one():
    assert shown_confidence(np.array([[1.0, 0.0], [0.4, 0.6]])).tolist() == [MAX_CONFIDENCE, 0.6]


def test_capped_probabilities_still_sum_to_one():
    out = cap_probabilities(np.array([[1.0, 0.0, 0.0], [0.995, 0.004, 0.001], [0.5, 0.3, 0.2]]))
    assert np.allclose(out.sum(axis=1), 1.0)
    assert out.max(axis=1).tolist() == pytest.approx([MAX_CONFIDENCE, MAX_CONFIDENCE, 0.5])
    assert out[1, 1] > out[1, 2]  # the excess goes in proportion


def _confidently_wrong(n: int, rng: np.random.Generator, k: int = 5):
    """Margins of every size, and 12 % of the labels not what the text says: those errors
    come at any confidence, up to 0.99, as on text unlike the training texts."""
    y = rng.integers(0, k, size=n)
    logits = rng.normal(0.0, 1.0, (n, k))
    logits[np.arange(n), y] += rng.gamma(2.0, 2.0, n)
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    noisy = rng.random(n) < 0.12
    truth = np.where(noisy, (y + rng.integers(1, k, size=n)) % k, y)
    return proba, rng.random(n), truth


def test_brier_temperature_is_not_dragged_down_by_confident_errors():
    rng = np.random.default_rng(2)
    proba, shift, y = _confidently_wrong(4000, rng)
    accuracy = (proba.argmax(axis=1) == y).mean()
    gaps = {}
    for objective in ("brier", "log_loss"):
        out = Calibrator.fit(proba, shift, y, objective=objective).apply(proba, shift)
        assert (out.argmax(axis=1) == proba.argmax(axis=1)).all()
        gaps[objective] = out.max(axis=1).mean() - accuracy
    assert gaps["log_loss"] < -0.05  # log-loss flattens every answer for the few errors
    assert abs(gaps["brier"]) < abs(gaps["log_loss"]) - 0.02


def test_an_unknown_objective_is_refused():
    proba, shift, y = _overconfident(50, np.random.default_rng(3))
    with pytest.raises(ValueError, match="objective"):
        Calibrator.fit(proba, shift, y, objective="hinge")
