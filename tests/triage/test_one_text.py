"""One text scored on its own (``features.one_text``, the folded classifier) answers
exactly as the same text does inside a batch (the bulk path, itself tested against
scikit-learn), for every kind of category classifier the trainer can produce."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from tests.triage.conftest import generated_frame

# Texts no generator wrote: empty, no Chinese, personal data, traditional characters,
# Chinese numerals, runs of whitespace, the batch separator, very short and long ones.
ODD_TEXTS = [
    "",
    "   ",
    "???",
    "123 456",
    "\x00有人打架\x00",
    "有人  在\t路口\n打架，拿着刀",
    "電話13800138000，身份證440304199003074510，車牌粵B12345被盜",
    "丢了三千五百块钱，一三八零零一三八零零零",
    "救命",
    "楼上邻居装修噪音很大，" * 12,
    "ＡＢＣ全角字符，有人受伤流血了还在打",
    "老人走失了，穿蓝色衣服，七十多岁，疑似老年痴呆",
]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    from training.evalset import load_evalset, load_records

    held_out = generated_frame(600, seed=23)["text"].tolist()
    return (
        held_out
        + load_evalset()["text"].tolist()
        + load_records()["text"].tolist()[:200]
        + ODD_TEXTS
    )


@pytest.fixture(scope="module")
def champion(fitted_triage, triage_frame):
    """The session's model with what a champion adds: the shift score and a calibrator."""
    from features.confidence import Calibrator
    from training.triage.honest import attach_novelty

    model = dataclasses.replace(fitted_triage.model)
    attach_novelty(model, triage_frame["text"].iloc[:2000].tolist())
    model.calibrator = Calibrator(a=0.4, b=1.1, threshold=0.17)
    return model


@pytest.fixture(scope="module")
def features_of(champion, triage_frame):
    frame = triage_frame.iloc[:1200]
    _, X = champion.featurize(frame["text"].astype(str).tolist())  # noqa: N806
    return X, frame["category"].astype(str).to_numpy()


def _with_classifier(model, clf):
    steps = dict(model.category.named_steps)
    steps["clf"] = clf
    return dataclasses.replace(model, category=Pipeline(list(steps.items())))


def _kinds(champion, features_of, fast_config):
    X, y = features_of  # noqa: N806
    kinds = {"champion": champion}
    svm = CalibratedClassifierCV(LinearSVC(random_state=0, tol=1e-3), cv=3, method="sigmoid")
    kinds["linear_svm"] = _with_classifier(champion, svm.fit(X, y))
    iso = CalibratedClassifierCV(LinearSVC(random_state=0, tol=1e-3), cv=2, method="isotonic")
    kinds["linear_svm_isotonic"] = _with_classifier(champion, iso.fit(X, y))
    logreg = LogisticRegression(C=4.0, max_iter=300, tol=1e-3)
    kinds["logreg"] = _with_classifier(champion, logreg.fit(X, y))
    from training.triage.stacked import (
        OnLogProba,
        Stacking,
        fit_on_log_proba,
        fit_on_prior,
        fit_prior,
    )

    half = X.shape[0] // 2
    prior = fit_prior(X[:half], y[:half], fast_config)  # the calibrated SVM, on "simulated"
    own = fit_on_prior(prior, X[half:], y[half:], Stacking(scale=1.0, c=8.0))
    kinds["stacked_own_records"] = _with_classifier(champion, own)  # collapsed: linear
    two_step = fit_on_log_proba(prior, X[half:], y[half:], OnLogProba(c=8.0))
    kinds["own_records_on_log_probabilities"] = _with_classifier(champion, two_step)
    from training.triage.pipeline import build_candidate

    cfg = fast_config.model_copy(update={"lgbm_features": 300, "lgbm_estimators": 20})
    lgbm = build_candidate("lightgbm", cfg).fit(X, y)
    kinds["lightgbm"] = _with_classifier(champion, lgbm)
    return kinds


def _spans(answer) -> list:
    return [(s["start"], s["end"], s["text"], round(s["weight"], 9)) for s in answer["spans"]]


EXACT = ("category", "candidates", "review", "disposition", "divert_to", "urgent", "urgency")


def test_one_text_answers_as_in_a_batch_for_every_classifier_kind(
    champion, features_of, fast_config, texts
):
    from features.one_text import one_text_for

    # Given every kind of category classifier on the champion's features and heads
    for kind, model in _kinds(champion, features_of, fast_config).items():
        assert one_text_for(model) is not None, kind  # the fast path is taken
        sample = texts if kind == "champion" else texts[::8] + ODD_TEXTS
        # when each text is scored alone and all of them in one batch
        batch = model.answers(sample)
        alone = [model.answers([t])[0] for t in sample]
        brief_alone = [model.classify([t]) for t in sample[::3]]
        brief_batch = model.classify(sample[::3])
        # then labels, candidates, review, routing, urgency and evidence are the same,
        # and probabilities agree to 1e-9
        worst = 0.0
        for text, a, b in zip(sample, alone, batch, strict=True):
            for key in EXACT:
                assert a[key] == b[key], (kind, key, text, a[key], b[key])
            assert _spans(a) == _spans(b), (kind, text)
            assert a["urgency_cue"] == b["urgency_cue"] or (
                a["urgency_cue"]["text"] == b["urgency_cue"]["text"]
            ), (kind, text)
            for label, p in a["probabilities"].items():
                worst = max(worst, abs(p - b["probabilities"][label]))
            worst = max(worst, abs(a["urgent_score"] - b["urgent_score"]))
            assert a["shift"] == pytest.approx(b["shift"], abs=1e-12), (kind, text)
        assert worst <= 1e-9, (kind, worst)
        for i, one in enumerate(brief_alone):
            np.testing.assert_allclose(one["proba"][0], brief_batch["proba"][i], rtol=0, atol=1e-9)
            assert one["category"][0] == brief_batch["category"][i]
            assert bool(one["review"][0]) == bool(brief_batch["review"][i])
            assert list(one["candidates"][0]) == list(brief_batch["candidates"][i])


def test_one_text_features_and_record_equal_the_batch_featurisation(champion, texts):
    from features.one_text import one_text_for
    from features.vectorize import union_transform

    # Given the champion's fitted union
    one = one_text_for(champion)
    union = champion.category.named_steps["features"]
    for text in texts[::3]:
        # when one text is featurised alone and by the bulk path
        record, bulk = {}, {}
        (prepared,), X = one.featurize(text, record, champion.novelty)  # noqa: N806
        from features.batch_text import prepare_texts

        assert prepare_texts([text]) == [prepared]
        Xb = union_transform(union, [prepared], bulk, dtype=np.float32)  # noqa: N806
        # then the matrices are equal entry for entry, in the same order
        assert X.dtype == Xb.dtype
        np.testing.assert_array_equal(X.indptr, Xb.indptr)
        np.testing.assert_array_equal(X.indices, Xb.indices)
        np.testing.assert_array_equal(X.data, Xb.data)
        # and so are the places of the features, the words, the cues and the shift score
        from features.contributions import _places

        (_, col, start, end), (_, a, b) = _places(bulk, 1)
        one_places = record["one"]
        assert one_places.places == list(
            zip(col.tolist(), start.tolist(), end.tolist(), strict=True)
        ), text
        assert one_places.tokens == list(zip(a.tolist(), b.tolist(), strict=True)), text
        dense = next(p["dense"] for _, _, p in bulk["blocks"] if "dense" in p)
        np.testing.assert_array_equal(one_places.dense, dense)
        assert record["shift"] == champion.novelty.score([prepared])[0]


def test_a_model_the_one_text_path_cannot_reproduce_keeps_the_batch_path(champion):
    from sklearn.pipeline import FeatureUnion

    from features.one_text import one_text_for

    # Given a union with transformer weights (which the one-text path does not apply)
    union = champion.category.named_steps["features"]
    weighted = FeatureUnion(union.transformer_list, transformer_weights={"words": 2.0})
    steps = dict(champion.category.named_steps)
    steps["features"] = weighted
    model = dataclasses.replace(champion, category=Pipeline(list(steps.items())))
    # then it has no one-text path, and one text is still answered (by the batch path)
    assert one_text_for(model) is None
    assert model.answers(["有人打架"])[0]["category"] in model.classes
