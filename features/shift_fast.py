"""The shift score (:class:`features.shift.NgramNovelty`) of a batch without re-hashing.

``HashingVectorizer`` builds every character bigram and trigram of every text as a Python
string and hashes it, which cost more than scoring the text. Here the n-grams of the whole
batch are integer codes of their code points (as in :mod:`features.vectorize`), and
scikit-learn's MurmurHash3 (x86, 32 bits, seed 0, of the n-gram's UTF-8 bytes) and its
column rule are computed for all of them at once in array operations, so a batch costs a
few dozen array operations whatever n-grams it brings. N-grams the featurisation already
found in the vocabulary take their "seen in training" bit by column. The counts, and so
the scores, are exactly the hashing vectorizer's (``tests/features/test_shift_fast.py``).
"""

from __future__ import annotations

import numpy as np
from sklearn.utils import murmurhash3_32

from features.ngram_codes import char_codes

__all__ = ["recorded_unseen_share", "unseen_share"]

_BITS = 21
_MASK = (1 << _BITS) - 1
_FEW = 256  # fewer n-grams than this are hashed one by one (array calls cost more)
_SCALAR: dict[int, dict[int, int]] = {}  # n_features → {code: column}, for those few
_U32 = np.uint32
_C1, _C2 = _U32(0xCC9E2D51), _U32(0x1B873593)


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


def _utf8(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of every code's n-gram (up to three characters), zero-padded to 12
    bytes a row, and their number."""
    out = np.zeros((len(codes), 12), dtype=np.uint8)
    length = np.zeros(len(codes), dtype=np.int64)
    rows = np.arange(len(codes))
    for shift in (2 * _BITS, _BITS, 0):
        plus1 = ((codes >> np.uint64(shift)) & np.uint64(_MASK)).astype(np.int64)
        cp = plus1 - 1  # -1: no character here (a shorter n-gram)
        size = (cp >= 0).astype(np.int64) + (cp >= 0x80) + (cp >= 0x800) + (cp >= 0x10000)
        four = np.where(size == 3, 0xE0 | cp >> 12, 0xF0 | cp >> 18)
        lead = np.where(size <= 1, cp, np.where(size == 2, 0xC0 | cp >> 6, four))
        sixes = [0x80 | (cp >> (6 * j)) & 0x3F for j in range(3)]  # continuation bytes
        for i in range(4):  # byte i of the character: the lead, then 6 bits each
            has = size > i
            later = size - 1 - i  # continuation bytes after this one
            value = (
                lead
                if i == 0
                else np.where(later == 0, sixes[0], np.where(later == 1, sixes[1], sixes[2]))
            )
            out[rows[has], length[has] + i] = value[has]
        length += size
    return out, length


def _fmix(h: np.ndarray) -> np.ndarray:
    h ^= h >> _U32(16)
    h *= _U32(0x85EBCA6B)
    h ^= h >> _U32(13)
    h *= _U32(0xC2B2AE35)
    h ^= h >> _U32(16)
    return h


def _mixed(k: np.ndarray) -> np.ndarray:
    k = k * _C1
    k = (k << _U32(15)) | (k >> _U32(17))
    return k * _C2


def hash_columns(codes: np.ndarray, n_features: int) -> np.ndarray:
    """The ``HashingVectorizer`` column of every n-gram code: ``murmurhash3_32`` of its
    UTF-8 bytes (signed, seed 0) and scikit-learn's index rule, for all codes at once
    (a few, as one text has, one by one with scikit-learn's own hash, remembered)."""
    if len(codes) < _FEW:
        known = _SCALAR.setdefault(n_features, {})
        if len(known) > 1_000_000:
            known.clear()
        out = []
        for code in np.asarray(codes, dtype=np.uint64).tolist():
            column = known.get(code)
            if column is None:
                column = known[code] = _index(_gram(code), n_features)
            out.append(column)
        return np.asarray(out, dtype=np.int64)
    data, length = _utf8(np.asarray(codes, dtype=np.uint64))
    words = data.view("<u4")  # three little-endian 32-bit blocks a row
    blocks = length // 4
    h = np.zeros(len(codes), dtype=_U32)
    for j in range(3):
        step = h ^ _mixed(words[:, j])
        step = (step << _U32(13)) | (step >> _U32(19))
        step = step * _U32(5) + _U32(0xE6546B64)
        h = np.where(blocks > j, step, h)
    tail = words[np.arange(len(codes)), np.minimum(blocks, 2)]  # bytes past the blocks
    h = np.where(length % 4 > 0, h ^ _mixed(tail), h)
    h = _fmix(h ^ length.astype(_U32)).view(np.int32).astype(np.int64)
    lowest = h == -(2**31)
    columns = np.abs(h) % n_features
    columns[lowest] = (2**31 - 1 - (n_features - 1)) % n_features
    return columns


def unseen_share(seen: np.ndarray, texts: list[str]) -> np.ndarray:
    """Per text, unseen n-gram occurrences / all its n-gram occurrences (0 when none);
    ``seen`` is the unpacked bit set over hash columns."""
    n = len(texts)
    codes, where = _codes(texts)
    if not len(codes):
        return np.zeros(n)
    return _share(~seen[hash_columns(codes, len(seen))], where, n)


def _share(unseen: np.ndarray, where: np.ndarray, n: int) -> np.ndarray:
    total = np.bincount(where, minlength=n).astype(float)
    missing = np.bincount(where, weights=unseen, minlength=n)
    return np.divide(missing, total, out=np.zeros(n), where=total > 0)


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


def recorded_unseen_share(seen: np.ndarray, chars: dict, vec, n: int) -> np.ndarray:
    """:func:`unseen_share` from the character n-grams a featurisation already coded and
    looked up (``features.vectorize.union_transform``'s record of the character block):
    an n-gram in the vocabulary has its bit by column, only the others are hashed."""
    flags = _vocab_seen(seen, vec)
    unseen, where = [], []
    for size in (2, 3):
        codes, docs, _, found, cols = chars[size]
        part = np.empty(len(codes), dtype=bool)
        part[found] = ~flags[cols]
        part[~found] = ~seen[hash_columns(codes[~found], len(seen))]
        unseen.append(part)
        where.append(docs)
    if not unseen:
        return np.zeros(n)
    return _share(np.concatenate(unseen), np.concatenate(where), n)
