"""The shift score (:class:`features.shift.NgramNovelty`) of a batch without re-hashing.

``HashingVectorizer`` builds every character bigram and trigram of every text as a Python
string and hashes it, which cost more than scoring the text. Here the n-grams of the whole
batch are integer codes of their code points (as in :mod:`features.vectorize`); each
distinct code is hashed once — with scikit-learn's own MurmurHash3 and its index rule — and
its "seen in training" bit is remembered, so a batch costs a few array operations and one
dictionary lookup per distinct n-gram. The counts, and so the scores, are exactly the
hashing vectorizer's (``tests/features/test_shift_fast.py``).
"""

from __future__ import annotations

import numpy as np
from sklearn.utils import murmurhash3_32

from features.ngram_codes import char_codes

__all__ = ["recorded_unseen_share", "unseen_share"]

_BITS = 21
_MASK = (1 << _BITS) - 1
_CACHE_LIMIT = 2_000_000  # distinct n-grams remembered per model (then start afresh)


def _codes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Codes of every character bigram and trigram of the batch, and their text index."""
    pairs = [(codes, where) for _, codes, where, _ in char_codes(texts, 2, 3)]
    if not pairs:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    return np.concatenate([c for c, _ in pairs]), np.concatenate([w for _, w in pairs])


def _gram(code: int) -> str:
    chars = []
    while code:
        chars.append(chr((code & _MASK) - 1))
        code >>= _BITS
    return "".join(reversed(chars))


def _index(gram: str, n_features: int) -> int:
    """The column ``HashingVectorizer`` gives ``gram`` (its ``_hashing_fast`` rule)."""
    h = murmurhash3_32(gram, seed=0)
    if h == -(2**31):
        return (2**31 - 1 - (n_features - 1)) % n_features
    return abs(h) % n_features


def unseen_share(seen: np.ndarray, texts: list[str], cache: dict[int, bool]) -> np.ndarray:
    """Per text, unseen n-gram occurrences / all its n-gram occurrences (0 when none).

    ``seen`` is the unpacked bit set over hash columns; ``cache`` maps n-gram codes to
    their bit and grows as new n-grams arrive.
    """
    n = len(texts)
    codes, where = _codes(texts)
    if not len(codes):
        return np.zeros(n)
    return _share(_unseen(seen, codes, cache), where, n)


def _share(unseen: np.ndarray, where: np.ndarray, n: int) -> np.ndarray:
    total = np.bincount(where, minlength=n).astype(float)
    missing = np.bincount(where, weights=unseen, minlength=n)
    return np.divide(missing, total, out=np.zeros(n), where=total > 0)


def _unseen(seen: np.ndarray, codes: np.ndarray, cache: dict[int, bool]) -> np.ndarray:
    """Per code, True when its hash column was never set in training."""
    if not len(codes):
        return np.zeros(0, dtype=bool)
    distinct, inverse = np.unique(codes, return_inverse=True)
    keys = distinct.tolist()
    known = list(map(cache.get, keys))
    if None in known:
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        n_features = len(seen)
        for i, (key, flag) in enumerate(zip(keys, known, strict=True)):
            if flag is None:
                flag = cache[key] = bool(seen[_index(_gram(key), n_features)])
                known[i] = flag
    return ~np.asarray(known, dtype=bool)[inverse]


_VOCAB_SEEN: dict[int, tuple[object, object, np.ndarray]] = {}


def _vocab_seen(seen: np.ndarray, vec) -> np.ndarray:
    """Per column of a character vectorizer, whether its n-gram's hash column is set."""
    cached = _VOCAB_SEEN.get(id(vec))
    if cached is not None and cached[0] is vec.vocabulary_ and cached[1] is seen:
        return cached[2]
    flags = np.zeros(len(vec.vocabulary_), dtype=bool)
    n_features = len(seen)
    for gram, col in vec.vocabulary_.items():
        flags[col] = seen[_index(gram, n_features)]
    _VOCAB_SEEN.clear()  # one model's vectorizer at a time
    _VOCAB_SEEN[id(vec)] = (vec.vocabulary_, seen, flags)
    return flags


def recorded_unseen_share(
    seen: np.ndarray, chars: dict, vec, n: int, cache: dict[int, bool]
) -> np.ndarray:
    """:func:`unseen_share` from the character n-grams a featurisation already coded and
    looked up (``features.vectorize.union_transform``'s record of the character block):
    an n-gram in the vocabulary has its bit by column, only the others are hashed."""
    flags = _vocab_seen(seen, vec)
    unseen, where = [], []
    for size in (2, 3):
        codes, docs, _, found, cols = chars[size]
        part = np.empty(len(codes), dtype=bool)
        part[found] = ~flags[cols]
        part[~found] = _unseen(seen, codes[~found], cache)
        unseen.append(part)
        where.append(docs)
    if not unseen:
        return np.zeros(n)
    return _share(np.concatenate(unseen), np.concatenate(where), n)
