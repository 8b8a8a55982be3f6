"""Per text, what each feature contributed to an answer, and the evidence spans from it.

The keyword explanation of a suggestion needs, for every row of a sparse feature matrix,
each feature's contribution (feature value × its weight toward the answer, positive or
negative). They are computed for the whole batch in a few array operations; each text's
contributions are then placed on the words they cover (``features.evidence``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["FeatureIndex", "explain", "feature_index", "row_contributions"]


def row_contributions(
    X: sp.csr_matrix,  # noqa: N803
    which: np.ndarray,
    weights: np.ndarray,
    skip: np.ndarray,
) -> list[tuple[list[int], list[float]]]:
    """Per row ``i``: every column with a non-zero ``X[i, j] * weights[which[i], j]`` and
    that contribution, positive or negative; columns where ``skip`` is true never count."""
    n = X.shape[0]
    counts = np.diff(X.indptr)
    rows = np.repeat(np.arange(n), counts)
    every = X.data * weights[which[rows], X.indices]
    keep = (every != 0) & ~skip[X.indices]
    rows, cols, every = rows[keep], X.indices[keep].tolist(), every[keep].tolist()
    bounds = np.searchsorted(rows, np.arange(n + 1)).tolist()
    return [(cols[lo:hi], every[lo:hi]) for lo, hi in zip(bounds[:-1], bounds[1:])]  # noqa: B905


@dataclass(frozen=True)
class FeatureIndex:
    """Where the blocks of a fitted ``FeatureUnion`` (words, chars, cues) put their columns:
    word n-gram → column of the union, the character vectorizer and its first column, the
    first cue column."""

    words: dict[str, int]
    word_n: tuple[int, int]
    char_vec: object | None
    char_at: int
    cue_at: int  # first cue column (``features.cues.CUE_NAMES`` order), or the width

    @classmethod
    def of(cls, union) -> FeatureIndex:
        from features.cues import CUE_NAMES

        at = 0
        words: dict[str, int] = {}
        word_n = (1, 0)
        char_vec, char_at, cue_at = None, 0, None
        for name, block in union.transformer_list:
            if block == "drop":
                continue
            vocabulary = getattr(block, "vocabulary_", None)
            if vocabulary is not None and getattr(block, "analyzer", None) == "char":
                char_vec, char_at = block, at
            elif vocabulary is not None:
                words = {gram: int(col) + at for gram, col in vocabulary.items()}
                word_n = tuple(block.ngram_range)
            width = len(vocabulary) if vocabulary is not None else None
            if width is None:
                width = len(block.get_feature_names_out())
                if width == len(CUE_NAMES) and name == "cues":
                    cue_at = at
            at += width
        return cls(words, word_n, char_vec, char_at, at if cue_at is None else cue_at)


_INDEX: dict[int, tuple[object, FeatureIndex]] = {}


def feature_index(union) -> FeatureIndex:
    """:meth:`FeatureIndex.of` once per fitted union (kept beside it, never pickled)."""
    cached = _INDEX.get(id(union))
    if cached is None or cached[0] is not union:
        cached = (union, FeatureIndex.of(union))
        _INDEX[id(union)] = cached
    return cached[1]


def _char_places(vec, docs: list[str], offset: int):
    """``(doc, column, start, n)`` arrays of every in-vocabulary character n-gram of the
    batch, ``start`` in the joined batch: n-grams of all documents at once as integer codes
    looked up in the vectorizer's sorted codes (``features.vectorize``)."""
    from features.vectorize import _BITS, _char_index

    lo, hi = vec.ngram_range
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    points = np.frombuffer(
        "".join(docs).encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32
    ).astype(np.uint64) + np.uint64(1)
    doc_of = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    vocab_codes, vocab_cols = _char_index(vec)
    out = []
    for n in range(lo, min(hi, 3) + 1):
        m = len(points) - n + 1
        if m <= 0 or not len(vocab_codes):
            continue
        codes = points[:m].copy()
        for k in range(1, n):
            codes = (codes << np.uint64(_BITS)) | points[k : k + m]
        at = np.searchsorted(vocab_codes, codes)
        at[at == len(vocab_codes)] = 0
        hit = np.flatnonzero(
            (vocab_codes[at] == codes) & (doc_of[:m] == doc_of[n - 1 : n - 1 + m])
        )
        out.append((doc_of[hit], vocab_cols[at[hit]] + offset, hit, np.full(len(hit), n)))
    if not out:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    return tuple(np.concatenate(parts) for parts in zip(*out))  # noqa: B905


def explain(
    aligned: list,
    X: sp.csr_matrix,  # noqa: N803
    which: np.ndarray,
    weights: np.ndarray,
    index: FeatureIndex,
    skip: np.ndarray,
    limit: int,
    boost: list[list[tuple[int, int, float]]] | None = None,
) -> list[list]:
    """Per text, its evidence spans (``features.evidence.phrases``) for the answer whose
    feature weights are ``weights[which[i]]``.

    Every feature's contribution is shared by the places it occurs in the prepared text (a
    character n-gram wherever it is, a word n-gram on its words, a cue on its pattern's
    matches) and spread over their characters; ``boost`` adds ``(start, end, weight)``
    pieces of its own. The character n-grams of the whole batch are placed in a few array
    operations; a word's weight is then a difference of prefix sums.
    """
    from features.cues import CUE_NAMES, cue_spans
    from features.evidence import phrases, token_spans, word_units

    texts = [a.text for a in aligned]
    n_cols = X.shape[1]
    lengths = [len(t) for t in texts]
    base = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    counts = np.diff(X.indptr)
    rows = np.repeat(np.arange(X.shape[0]), counts)
    every = X.data * weights[which[rows], X.indices]
    keep = (every != 0) & ~skip[X.indices]
    key = rows[keep].astype(np.int64) * n_cols + X.indices[keep]
    order = np.argsort(key, kind="stable")
    key, value = key[order], every[keep][order]

    places = []  # (text, column, start, end) in the joined batch
    if index.char_vec is not None:
        doc, col, at, n = _char_places(index.char_vec, texts, index.char_at)
        places.append((doc, col, at, at + n))
    tokens = [token_spans(t) for t in texts]
    extra: list[tuple[int, int, int, int]] = []
    lo, hi = index.word_n
    cue_cols = (key % n_cols >= index.cue_at) & (key % n_cols < index.cue_at + len(CUE_NAMES))
    cues_of: dict[int, list[int]] = {}
    for row, cue in zip((key[cue_cols] // n_cols).tolist(), (key[cue_cols] % n_cols).tolist()):  # noqa: B905
        cues_of.setdefault(row, []).append(cue - index.cue_at)
    for i, (text, spans) in enumerate(zip(texts, tokens)):  # noqa: B905
        b0 = int(base[i])
        words = [text[a:b] for a, b in spans]
        for n in range(lo, hi + 1):
            for t in range(len(spans) - n + 1):
                c = index.words.get(" ".join(words[t : t + n]))
                if c is not None:
                    extra.append((i, c, b0 + spans[t][0], b0 + spans[t + n - 1][1]))
        if i in cues_of:
            found = cue_spans(text, cues_of[i])
            extra += [(i, index.cue_at + k, b0 + a, b0 + b) for k, a, b in found]
    if extra:
        places.append(tuple(np.asarray(part, dtype=np.int64) for part in zip(*extra)))  # noqa: B905
    if places:
        doc, col, start, end = (np.concatenate(p) for p in zip(*places))  # noqa: B905
    else:
        doc = col = start = end = np.zeros(0, dtype=np.int64)
    wanted = doc * n_cols + col
    at = np.minimum(np.searchsorted(key, wanted), max(len(key) - 1, 0))
    found = (key[at] == wanted) if len(key) else np.zeros(len(wanted), dtype=bool)
    wanted, start, end, v = wanted[found], start[found], end[found], value[at[found]]
    _, inverse, times = np.unique(wanted, return_inverse=True, return_counts=True)
    per_char = v / times[inverse] / (end - start)
    density = np.zeros(int(base[-1]) + 1)
    np.add.at(density, start, per_char)
    np.add.at(density, end, -per_char)
    for i, pieces in enumerate(boost or ()):
        for a, b, w in pieces:
            density[base[i] + a] += w / (b - a)
            density[base[i] + b] -= w / (b - a)
    prefix = np.concatenate([[0.0], np.cumsum(np.cumsum(density)[:-1])]).tolist()
    out = []
    for i, a in enumerate(aligned):
        units = word_units(a, tokens[i])
        b0 = int(base[i])
        unit_weights = [prefix[b0 + e] - prefix[b0 + s] for s, e in units]
        out.append(phrases(a, units, unit_weights, limit))
    return out
