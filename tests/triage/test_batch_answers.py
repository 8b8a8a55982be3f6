"""The batch path of a triage answer gives what the plain per-text definitions give: evidence
spans from every feature's places found by string search, the shift score by hashing, the
offset map step by step, and answers that are the contract's own ``model_dump()``."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from features.contract import Suggestion
from features.contributions import feature_index
from features.cues import CUE_NAMES, cue_spans
from features.evidence import evidence_spans, pieces_on_chars, token_spans, word_units
from features.linear_plan import plan_for
from features.spans import align, align_texts

ODD = [
    "报警人称在XX路XX小区门口被人抢走手机，嫌疑人已跑了",
    "網上刷單被騙了兩萬塊",
    "他拿着刀，还在砍人！还在砍人！",
    "王女士称手机13800138000被盗，损失两千块",
    "  两伙人   在打  ",
    "ＫＴＶ门口打架，快来快来快来",
    "喂喂喂，我家着火了，人被困在电梯里出不来",
    "张某某家中***被盗，约200公斤",
    "?",
    "123",
]


@pytest.fixture(scope="module")
def texts():
    from tests.triage.conftest import generated_frame

    return ODD + generated_frame(300, seed=21)["text"].tolist()


def _reference_spans(model, raw: str) -> list[tuple[int, int, str]]:
    """The keyword spans of one text by the definition, with nothing shared or batched:
    each feature's contribution split over every place its n-gram (or cue) occurs."""
    aligned = align(raw)
    text = aligned.text
    _, X = model.featurize([raw])  # noqa: N806
    top = model.classes.index(model.suggest([raw])[0].category)
    W, skip = plan_for(model).keyword_weights(model)  # noqa: N806
    index = feature_index(model.category.named_steps["features"])
    grams = {col: g for g, col in index.char_vec.vocabulary_.items()}
    words = {col: g for g, col in index.words.items()}
    spans = token_spans(text)
    pieces = []
    for col, value in zip(X[0].indices.tolist(), X[0].data.tolist(), strict=True):
        weight = value * W[top, col]
        if weight == 0 or skip[col]:
            continue
        if index.cue_at <= col < index.cue_at + len(CUE_NAMES):
            places = [(a, b) for _, a, b in cue_spans(text, [col - index.cue_at])]
        elif col >= index.char_at and col - index.char_at in grams:
            g = grams[col - index.char_at]
            places = [(i, i + len(g)) for i in range(len(text)) if text.startswith(g, i)]
        elif col in words:
            n = words[col].count(" ") + 1
            places = [
                (spans[t][0], spans[t + n - 1][1])
                for t in range(len(spans) - n + 1)
                if " ".join(text[a:b] for a, b in spans[t : t + n]) == words[col]
            ]
        else:
            places = []
        pieces += [(a, b, weight / len(places)) for a, b in places]
    char = pieces_on_chars(len(text), pieces)
    found = evidence_spans(aligned, char, word_units(aligned, spans), model.n_keywords)
    return [(s.start, s.end, s.text) for s in found]


def test_batch_spans_are_the_definitions(fitted_triage, texts):
    # Given a fitted model and a batch with masking marks, personal data, traditional text
    model = fitted_triage.model
    # when the batch is answered at once
    answers = model.answers(texts)
    # then every text's spans are those of the per-text definition
    for raw, answer in zip(texts, answers, strict=True):
        got = [(s["start"], s["end"], s["text"]) for s in answer["spans"]]
        assert got == _reference_spans(model, raw), raw


def test_a_batch_answers_each_text_as_alone(fitted_triage, texts):
    model = fitted_triage.model
    together = model.answers(texts[:80])
    for raw, answer in zip(texts[:80], together, strict=True):
        (alone,) = model.answers([raw])
        assert alone["spans"] == answer["spans"] and alone["urgency_cue"] == answer["urgency_cue"]
        assert alone["category"] == answer["category"]
        assert abs(alone["confidence"] - answer["confidence"]) < 1e-12


def test_answers_are_the_contracts_dump(fitted_triage, texts):
    model = fitted_triage.model
    answers = model.answers(texts)
    assert answers == [s.model_dump() for s in model.suggest(texts)]
    assert answers == [Suggestion.model_validate(a).model_dump() for a in answers]
    assert model.answers([]) == []


def test_shift_from_the_features_is_the_hashed_share(fitted_triage, triage_frame, texts):
    from training.triage.honest import attach_novelty

    model = copy.copy(fitted_triage.model)  # the session's model keeps no shift score
    attach_novelty(model, triage_frame["text"].iloc[:2000].tolist())
    scored = model.score(texts)
    assert 0 < scored["shift"].mean() < 1
    np.testing.assert_array_equal(
        scored["shift"], model.novelty.hashed_score(list(scored["prepared"]))
    )


def test_batch_offsets_are_the_step_by_step_ones(texts):
    from features.textprep import prepare_text
    from training.evalset import load_evalset, load_records

    raws = texts + load_evalset()["text"].tolist() + load_records()["text"].tolist()
    prepared = [prepare_text(t) for t in raws]
    for raw, fast in zip(raws, align_texts(raws, prepared), strict=True):
        slow = align(raw)
        assert fast.text == slow.text
        assert list(fast.start) == list(slow.start) and list(fast.end) == list(slow.end)
        assert list(fast.masked) == list(slow.masked)


def test_classify_is_the_category_part_of_score(fitted_triage, texts):
    # Given a batch, when only the category part is asked for
    model = fitted_triage.model
    fast, full = model.classify(texts), model.score(texts)
    # then it is exactly what the full scoring says about the category
    for key in ("proba", "proba_raw", "shift", "confidence", "candidates", "review"):
        np.testing.assert_array_equal(fast[key], full[key], err_msg=key)
    assert list(fast["category"]) == list(full["category"])
    assert list(fast["prepared"]) == list(full["prepared"])


def test_scoring_without_evidence_leaves_only_the_evidence_out(fitted_triage, texts):
    # Given a batch scored with and without the evidence (training's evaluation skips it)
    model = fitted_triage.model
    full, bare = model.score(texts), model.score(texts, evidence=False)
    # then the keyword spans and urgency cues are all that is missing
    evidence = {"spans", "keywords", "urgency_cue"}
    assert set(full) - set(bare) == evidence and set(bare) <= set(full)
    # and every other output is the same, array for array
    for key in bare:
        assert np.array_equal(np.asarray(full[key]), np.asarray(bare[key])), key
