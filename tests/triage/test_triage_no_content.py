"""Texts with no call content get no confident answer: low confidence, always reviewed."""

from __future__ import annotations

import pytest

NO_CONTENT = [
    "\u200b\u200b\u200b",
    "?",
    "a",
    "123",
    "😀😀😀",
    "<MOBILE>",
    "   ...   ",
    "ok thanks",
]


@pytest.fixture(scope="module")
def model(fitted_triage):
    return fitted_triage.model


@pytest.mark.parametrize("text", NO_CONTENT)
def test_texts_without_chinese_are_reviewed_with_low_confidence(model, text: str) -> None:
    (answer,) = model.suggest([text])
    assert answer.review is True
    assert answer.confidence <= 0.6
    assert answer.confidence == pytest.approx(max(answer.probabilities.values()))
    assert sum(answer.probabilities.values()) == pytest.approx(1.0)


def test_chinese_texts_in_the_same_batch_are_scored_as_alone(model) -> None:
    text = "对方拿着刀还在追着砍人，快来"
    alone = model.suggest([text])[0]
    mixed = model.suggest(["?", text, "123"])[1]
    assert mixed.probabilities == pytest.approx(alone.probabilities)
    assert mixed.review == alone.review
