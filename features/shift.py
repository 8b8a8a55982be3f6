"""How unlike the training texts a text is: the share of its character n-grams never seen.

A model trained on one city's wording is over-confident on another's: the issue measured
0.91 mean confidence at 0.50 macro-F1 on records nobody here wrote. The shift score is the
model's own evidence that it does not know: for each text, the share of its character
bigrams and trigrams that occurred in no training text. It needs no labels, costs one
hashing pass, and is stored as a bit set (``2**bits`` bits, 512 KiB by default), so the
saved model stays small. Hash collisions can only hide an unseen n-gram, never invent one.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer

DEFAULT_BITS = 22


def _hasher(bits: int) -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="char",
        ngram_range=(2, 3),
        n_features=2**bits,
        alternate_sign=False,
        norm=None,
        lowercase=False,
    )


class NgramNovelty:
    """Fit on the (prepared) training texts; ``score`` gives each new text's unseen share."""

    def __init__(self, bits: int = DEFAULT_BITS) -> None:
        self.bits = bits

    def fit(self, texts: list[str]) -> NgramNovelty:
        seen = np.zeros(2**self.bits, dtype=bool)
        hasher = _hasher(self.bits)
        for start in range(0, len(texts), 20_000):
            X = hasher.transform(texts[start : start + 20_000])  # noqa: N806
            seen[np.unique(X.indices)] = True
        self.seen_ = np.packbits(seen)
        self.n_train_ = len(texts)
        return self

    def score(self, texts: list[str]) -> np.ndarray:
        """Per text, unseen n-gram occurrences / all its n-gram occurrences (0 when empty)."""
        from features.shift_fast import unseen_share

        return unseen_share(self._seen(), list(texts))

    def _seen(self) -> np.ndarray:
        seen = self.__dict__.get("_unpacked")
        if seen is None:
            seen = np.unpackbits(self.seen_, count=2**self.bits).astype(bool)
            self._unpacked = seen
        return seen

    def hashed_score(self, texts: list[str]) -> np.ndarray:
        """:meth:`score` through scikit-learn's ``HashingVectorizer`` (the reference)."""
        X = _hasher(self.bits).transform(texts).tocsr()  # noqa: N806
        seen = self._seen()
        unseen = X.copy()
        unseen.data = unseen.data * ~seen[unseen.indices]
        total = np.asarray(X.sum(axis=1)).ravel()
        missing = np.asarray(unseen.sum(axis=1)).ravel()
        return np.divide(missing, total, out=np.zeros(len(texts)), where=total > 0)

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in ("_unpacked", "_codes")}
