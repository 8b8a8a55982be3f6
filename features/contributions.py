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

__all__ = ["FeatureIndex", "explain", "feature_index", "row_contributions", "take_record"]


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
    union: object = None

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
        return cls(words, word_n, char_vec, char_at, at if cue_at is None else cue_at, union)


_INDEX: dict[int, tuple[object, FeatureIndex]] = {}


def feature_index(union) -> FeatureIndex:
    """:meth:`FeatureIndex.of` once per fitted union (kept beside it, never pickled)."""
    cached = _INDEX.get(id(union))
    if cached is None or cached[0] is not union:
        cached = (union, FeatureIndex.of(union))
        _INDEX[id(union)] = cached
    return cached[1]


def _places(record: dict, n_docs: int):
    """``(doc, column, start, end)`` of every word and character n-gram of the vocabulary
    in the batch (offsets in each text), and the tokens' ``(doc, start, end)``, from a
    featurisation's record (``features.vectorize.union_transform``)."""
    parts, tokens = [], None
    for _, at, part in record.get("blocks", ()):
        for doc, col, start, end in (part or {}).get("words", {}).values():
            parts.append((doc, col + at, start, end))
        for n, (_, where, local, found, cols) in (part or {}).get("chars", {}).items():
            parts.append((where[found], cols + at, local[found], local[found] + n))
        if part and "tokens" in part:
            tokens = part["tokens"]
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return (empty, empty, empty, empty), tokens
    return tuple(np.concatenate(p) for p in zip(*parts)), tokens  # noqa: B905


def take_record(record: dict, rows: np.ndarray) -> dict:
    """The record of a featurisation restricted to the texts ``rows`` (renumbered)."""
    new = np.full(int(record["n"]), -1)
    new[rows] = np.arange(len(rows))

    def keep(doc, *arrays):
        mask = new[doc] >= 0
        return (new[doc[mask]], *(a[mask] for a in arrays))

    blocks = []
    for block, at, part in record.get("blocks", ()):
        if part is None:
            blocks.append((block, at, None))
            continue
        sub: dict = {}
        if "tokens" in part:
            sub["tokens"] = keep(*part["tokens"])
        if "words" in part:
            sub["words"] = {n: keep(*v) for n, v in part["words"].items()}
        if "chars" in part:
            chars = {}
            for n, (codes, where, local, found, cols) in part["chars"].items():
                mask = new[where] >= 0
                hit = mask[found]
                chars[n] = (codes[mask], new[where[mask]], local[mask], found[mask], cols[hit])
            sub["chars"] = chars
        blocks.append((block, at, sub))
    return {"n": len(rows), "blocks": blocks}


# A contribution this close to 0 is 0 (what is left of sums that cancel), so the words it
# touches are neither evidence for nor against, in a batch as in a single text.
_ZERO = 1e-9


def explain(
    aligned: list,
    X: sp.csr_matrix,  # noqa: N803
    which: np.ndarray,
    weights: np.ndarray,
    index: FeatureIndex,
    skip: np.ndarray,
    limit: int,
    boost: list[list[tuple[int, int, float]]] | None = None,
    record: dict | None = None,
) -> list[list]:
    """Per text, its evidence spans (``features.evidence.batch_phrases``) for the answer
    whose feature weights are ``weights[which[i]]``.

    Every feature's contribution is shared by the places it occurs in the prepared text (a
    character n-gram wherever it is, a word n-gram on its words, a cue on its pattern's
    matches) and spread over their characters; ``boost`` adds ``(start, end, weight)``
    pieces of its own. The places come from the featurisation's ``record`` (the same
    n-gram lookups the features were made of; recomputed when it is not given), so a
    batch takes a few array operations; a word's weight is a difference of prefix sums.
    """
    from features.cues import CUE_NAMES, cue_spans
    from features.evidence import batch_phrases, batch_units

    if record is not None and record.get("one") is not None and len(aligned) == 1:
        from features.one_evidence import explain_one  # one text: features.one_text

        pieces = boost[0] if boost else []
        one = explain_one(
            aligned[0], X, int(which[0]), weights, index, skip, limit, pieces, record["one"]
        )
        return [one]
    texts = [a.text for a in aligned]
    n, n_cols = len(texts), X.shape[1]
    if record is None:
        from features.vectorize import union_transform

        record = {}
        union_transform(index.union, texts, record)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    base = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    if not X.has_sorted_indices:
        X = X.sorted_indices()  # noqa: N806
    rows = np.repeat(np.arange(n), np.diff(X.indptr))
    every = X.data * weights[which[rows], X.indices]
    keep = (every != 0) & ~skip[X.indices]
    key = rows[keep].astype(np.int64) * n_cols + X.indices[keep]
    value = every[keep]

    (doc, col, start, end), tokens = _places(record, n)
    cue = (key % n_cols >= index.cue_at) & (key % n_cols < index.cue_at + len(CUE_NAMES))
    extra: list[tuple[int, int, int, int]] = []
    if cue.any():
        cues_of: dict[int, list[int]] = {}
        for row, c in zip((key[cue] // n_cols).tolist(), (key[cue] % n_cols).tolist()):  # noqa: B905
            cues_of.setdefault(row, []).append(c - index.cue_at)
        for i, found in cues_of.items():
            extra += [(i, index.cue_at + k, a, b) for k, a, b in cue_spans(texts[i], found)]
    if extra:
        more = np.asarray(extra, dtype=np.int64).T
        doc, col, start, end = (
            np.concatenate([x, y]) for x, y in zip((doc, col, start, end), more, strict=True)
        )
    wanted = doc * n_cols + col
    at = np.minimum(np.searchsorted(key, wanted), max(len(key) - 1, 0))
    found = (key[at] == wanted) if len(key) else np.zeros(len(wanted), dtype=bool)
    at, doc, start, end = at[found], doc[found], start[found], end[found]
    times = np.bincount(at, minlength=len(key))
    per_char = value[at] / times[at] / (end - start)
    size = int(base[-1]) + 1
    density = np.bincount(base[doc] + start, per_char, size) - np.bincount(
        base[doc] + end, per_char, size
    )
    for i, pieces in enumerate(boost or ()):
        for a, b, w in pieces:
            density[base[i] + a] += w / (b - a)
            density[base[i] + b] -= w / (b - a)
    char_weight = np.cumsum(density)[:-1]
    char_weight[np.abs(char_weight) < _ZERO] = 0.0
    prefix = np.concatenate([[0.0], np.cumsum(char_weight)])
    if tokens is None:  # a record without the word block's tokens (another tokenizer)
        from features.evidence import token_spans

        spans = [token_spans(t) for t in texts]
        tokens = (
            np.repeat(np.arange(n), [len(s) for s in spans]),
            np.asarray([a for s in spans for a, _ in s], dtype=np.int64),
            np.asarray([b for s in spans for _, b in s], dtype=np.int64),
        )
    u_doc, u_a, u_b = batch_units(aligned, *tokens, base)
    unit_weight = prefix[base[u_doc] + u_b] - prefix[base[u_doc] + u_a]
    unit_weight[np.abs(unit_weight) < _ZERO] = 0.0
    return batch_phrases(aligned, u_doc, u_a, u_b, unit_weight, limit)
