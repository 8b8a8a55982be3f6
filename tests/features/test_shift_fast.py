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


def test_array_murmurhash_equals_scikit_learns_on_every_utf8_width() -> None:
    # Given n-grams of 1-3 characters drawn from 1-, 2-, 3- and 4-byte UTF-8 ranges
    from features.ngram_codes import _code
    from features.shift_fast import _index, hash_columns

    rng = np.random.default_rng(0)
    ranges = [(0x20, 0x7F), (0x80, 0x800), (0x4E00, 0xA000), (0xE000, 0xF000), (0x10000, 0x110000)]
    grams = []
    for _ in range(20_000):
        picks = rng.integers(len(ranges), size=int(rng.integers(1, 4)))
        grams.append("".join(chr(int(rng.integers(*ranges[p]))) for p in picks))
    codes = np.asarray([_code(g) for g in grams], dtype=np.uint64)
    for n_features in (2**22, 2**12, 1_000_003):
        # when hashed as arrays, then each column is the one scikit-learn's hash gives
        expected = [_index(g, n_features) for g in grams]
        np.testing.assert_array_equal(hash_columns(codes, n_features), expected)
