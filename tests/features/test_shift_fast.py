"""The shift score from n-gram codes equals the score through scikit-learn's hashing."""

from __future__ import annotations

import numpy as np

from features.batch_text import prepare_texts
from features.shift import NgramNovelty


def test_coded_shift_score_equals_the_hashing_vectorizer() -> None:
    from tests.triage.conftest import generated_frame
    from training.evalset import load_evalset

    texts = prepare_texts(generated_frame(3_000, seed=2)["text"].tolist())
    novelty = NgramNovelty(bits=12).fit(texts[:1_500])  # small: many hash collisions
    other = load_evalset()["text"].tolist()
    odd = ["", "a", "ab", "  x  \t y", "😀😀😀", "\U00020000字", "\x00\x01", "新的说法" * 30]
    for batch in (texts[1_500:], other, odd, texts[:50] + odd):
        np.testing.assert_array_equal(novelty.score(batch), novelty.hashed_score(batch))
    wide = NgramNovelty(bits=18).fit(texts[:1_500])
    np.testing.assert_array_equal(wide.score(other), wide.hashed_score(other))
    assert wide.score(other).mean() > wide.score(texts[:1_500]).mean() == 0.0
    cold = NgramNovelty(bits=12).fit(texts[:1_500])  # nothing cached yet: same answers
    np.testing.assert_array_equal(cold.score(other), novelty.score(other))
