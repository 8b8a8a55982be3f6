"""scikit-learn's fitted text vectorizers, applied to a batch in a few array operations.

``CountVectorizer.transform`` walks every document through a chain of Python calls and
counts its n-grams in a dict per document; for short call texts that bookkeeping costs
more than the n-grams themselves. :func:`transform` produces the same matrix (same
vocabulary, counts, tf-idf weighting and normalisation, which it leaves to the fitted
vectorizer's own ``TfidfTransformer``) by looking up every n-gram of the batch at once and
letting scipy sum the duplicates. Vectorizers with options it does not reproduce
(preprocessors, stop words, lower-casing, ``char_wb``) go through scikit-learn unchanged,
as does a ``FeatureUnion`` with transformer weights.

``tests/features/test_vectorize.py`` checks equality with scikit-learn on fitted models.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from features.ngram_codes import (
    _MAX_CODED,
    _WHITE_SPACES,
    _char_entries,
    _word_entries,
    _word_index,
)
from features.segment import tokenize
from features.segment_batch import tokenize_texts

__all__ = ["fast_fitting", "supported", "transform", "union_transform"]


def supported(vec) -> bool:
    """True when :func:`transform` reproduces ``vec.transform`` exactly."""
    if not isinstance(vec, CountVectorizer) or not hasattr(vec, "vocabulary_"):
        return False
    return _plain_options(vec)


def _char_grams(doc: str, lo: int, hi: int) -> list[str]:
    if "  " in doc or "\t" in doc or "\n" in doc or "\r" in doc:
        doc = _WHITE_SPACES.sub(" ", doc)
    n_chars = len(doc)
    grams = list(doc) if lo == 1 else []
    for n in range(max(lo, 2), min(hi, n_chars) + 1):
        grams += [doc[i : i + n] for i in range(n_chars - n + 1)]
    return grams


def _word_grams(tokens: list[str], lo: int, hi: int) -> list[str]:
    if hi == 1:
        return tokens
    grams = list(tokens) if lo == 1 else []
    n_tokens = len(tokens)
    for n in range(max(lo, 2), min(hi, n_tokens) + 1):
        if n == 2:
            grams += [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]  # noqa: B905
        else:
            grams += [" ".join(tokens[i : i + n]) for i in range(n_tokens - n + 1)]
    return grams


def _lookup_entries(vec, gram_lists, vocabulary=None) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of every in-vocabulary n-gram, one list of n-grams per document; with
    ``vocabulary`` (a ``defaultdict`` numbering new n-grams) every n-gram is in it."""
    ids: list[int] = []
    lengths: list[int] = []
    if vocabulary is not None:
        for grams in gram_lists:
            ids += map(vocabulary.__getitem__, grams)
            lengths.append(len(grams))
    else:
        get = vec.vocabulary_.get
        for grams in gram_lists:
            ids += map(get, grams, repeat(-1))
            lengths.append(len(grams))
    cols = np.fromiter(ids, dtype=np.int64, count=len(ids))
    rows = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    known = cols >= 0
    return rows[known], cols[known]


def _counts(vec, docs: list[str], record: dict | None = None) -> tuple:
    """The CSR arrays of the count matrix ``CountVectorizer._count_vocab`` builds, for a
    fixed vocabulary."""
    index = None
    if vec.analyzer == "word" and vec.tokenizer is tokenize:
        index = _word_index(vec)
    if vec.analyzer == "char" and vec.ngram_range[1] <= _MAX_CODED:
        rows, cols = _char_entries(vec, docs, record)
    elif index is not None:
        rows, cols = _word_entries(vec, docs, index, record)
    else:
        rows, cols = _lookup_entries(vec, _gram_lists(vec, docs))
    return _count_arrays(rows, cols, len(docs), len(vec.vocabulary_), vec.dtype)


def _count_arrays(rows, cols, n_rows: int, width: int, dtype):
    """``(data, indices, indptr)`` of the count matrix with one count per (row, column)
    entry: what a CSR matrix with duplicates summed and indices sorted holds."""
    # int32 keys where they fit: half the memory to sort, and twice the keys per vector
    kind = np.int32 if n_rows * width < 2**31 else np.int64
    key = np.sort(rows.astype(kind) * kind(width) + cols.astype(kind))
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, len(key)))
    unique = key[starts]
    indptr = np.zeros(n_rows + 1, dtype=np.int32)
    np.cumsum(np.bincount(unique // width, minlength=n_rows), out=indptr[1:])
    return counts.astype(dtype), (unique % width).astype(np.int32), indptr


def _weighted(vec, arrays, n_rows: int):
    """A count block's ``(data, indices, indptr)`` weighted as ``vec.transform`` weights it
    (binary, tf-idf with l2 rows: ``TfidfTransformer.transform``'s own steps, scikit-learn
    1.9), or None when its options need scikit-learn's code."""
    from sklearn.utils.sparsefuncs_fast import _inplace_csr_row_normalize_l2

    data, indices, indptr = arrays
    if vec.binary:
        data.fill(1)
    if not isinstance(vec, TfidfVectorizer):
        return arrays
    tf = vec._tfidf
    if data.dtype not in (np.float32, np.float64) or tf.norm not in (None, "l2"):
        return None
    if tf.sublinear_tf:
        np.log(data, data)
        data += 1.0
    if hasattr(tf, "idf_"):
        data *= tf.idf_[indices]
    if tf.norm == "l2":
        _inplace_csr_row_normalize_l2(data, (n_rows, len(vec.vocabulary_)), indices, indptr)
    return arrays


def transform(vec, docs: list[str], record: dict | None = None):
    """``vec.transform(docs)`` for a fitted Count/TfidfVectorizer, computed in bulk
    (``record``: see :func:`union_transform`)."""
    arrays = _block_arrays(vec, list(docs), record)
    if arrays is None:
        return vec.transform(docs)
    data, indices, indptr = arrays
    return sp.csr_matrix((data, indices, indptr), shape=(len(docs), _width(vec)))


def _width(block) -> int:
    vocabulary = getattr(block, "vocabulary_", None)
    return len(vocabulary) if vocabulary is not None else len(block.get_feature_names_out())


def _block_arrays(block, docs: list[str], record: dict | None):
    """``(data, indices, indptr)`` of a block's matrix computed here (a supported
    vectorizer, the cue block), or None for one that needs its own ``transform``."""
    from features.cues import CueFeatures, cue_matrix

    if type(block) is CueFeatures:
        dense = cue_matrix(docs) * block.weight
        if record is not None:
            record["dense"] = dense
        rows, cols = np.nonzero(dense)
        indptr = np.zeros(len(docs) + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows, minlength=len(docs)), out=indptr[1:])
        return dense[rows, cols], cols.astype(np.int32), indptr
    if not supported(block):
        return None
    return _weighted(block, _counts(block, docs, record), len(docs))


def _hstack_arrays(parts: list, n_rows: int, dtype=None):
    """The CSR arrays of blocks side by side (each ``(data, indices, indptr, first
    column)``): every row holds its blocks' entries in block order."""
    if not parts:
        empty = np.zeros(0, dtype=np.float64)
        return empty, np.zeros(0, dtype=np.int32), np.zeros(n_rows + 1, dtype=np.int32)
    counts = [np.diff(indptr) for _, _, indptr, _ in parts]
    total = np.sum(counts, axis=0) if counts else np.zeros(n_rows, dtype=np.int64)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(total, out=indptr[1:])
    dtype = dtype or np.result_type(*[data.dtype for data, _, _, _ in parts])
    data = np.empty(int(indptr[-1]), dtype=dtype)
    indices = np.empty(int(indptr[-1]), dtype=np.int32)
    before = indptr[:-1].copy()  # where the next block's entries of each row go
    for (d, idx, ptr, at), c in zip(parts, counts, strict=True):
        row = np.repeat(np.arange(n_rows), c)
        dest = before[row] + (np.arange(len(d)) - ptr[:-1][row])
        data[dest] = d
        indices[dest] = idx + at
        before += c
    return data, indices, indptr.astype(np.int32)


def union_transform(
    union: FeatureUnion, docs: list[str], record: dict | None = None, dtype=None
) -> sp.csr_matrix:
    """``union.transform(docs)`` with every supported vectorizer computed in bulk and the
    blocks put side by side as arrays (one sparse matrix made at the end).

    ``record``, when given, receives where the features are, for explanations and the
    shift score to reuse: ``record["blocks"]`` lists ``(block, first column, its record)``,
    a block's record holding the tokens' offsets and the n-grams found with their
    documents, offsets and columns (``_word_entries``, ``_char_entries``). ``dtype``: the
    matrix's values in that type (else the blocks' common one, as scikit-learn's).
    """
    if union.transformer_weights:
        return sp.csr_matrix(union.transform(docs), dtype=dtype)
    docs = list(docs)
    parts = []
    at = 0
    if record is not None:
        record["n"] = len(docs)
    for _, block in union.transformer_list:
        if block == "drop":
            continue
        part: dict | None = {} if record is not None else None
        arrays = _block_arrays(block, docs, part)
        if arrays is None:
            out = sp.csr_matrix(block.transform(docs))
            out.sort_indices()
            arrays = (out.data, out.indices, out.indptr)
        parts.append((*arrays, at))
        if record is not None:
            record.setdefault("blocks", []).append((block, at, part))
        at += _width(block)
    data, indices, indptr = _hstack_arrays(parts, len(docs), dtype)
    return sp.csr_matrix((data, indices, indptr), shape=(len(docs), at))


def _gram_lists(vec, docs: list[str]):
    lo, hi = vec.ngram_range
    if vec.analyzer == "char":
        return (_char_grams(d, lo, hi) for d in docs)
    tokenizer = vec.tokenizer
    if tokenizer is tokenize:  # the batch segmenter, a chunk at a time
        chunks = (tokenize_texts(docs[i : i + 4096]) for i in range(0, len(docs), 4096))
        return (_word_grams(tokens, lo, hi) for tokens in chain.from_iterable(chunks))
    return (_word_grams(tokenizer(d), lo, hi) for d in docs)


def _plain_options(vec) -> bool:
    return (
        vec.input == "content"
        and vec.preprocessor is None
        and not vec.lowercase
        and vec.strip_accents is None
        and vec.stop_words is None
        and (vec.analyzer == "char" or (vec.analyzer == "word" and callable(vec.tokenizer)))
    )


_SKLEARN_COUNT_VOCAB = CountVectorizer._count_vocab


def _fast_count_vocab(self, raw_documents, fixed_vocab):
    """``CountVectorizer._count_vocab`` for plain options: n-grams numbered in first-seen
    order (as scikit-learn numbers them) by a C-level map, counts summed by scipy."""
    if fixed_vocab or not _plain_options(self):
        return _SKLEARN_COUNT_VOCAB(self, raw_documents, fixed_vocab)
    from collections import defaultdict

    docs = list(raw_documents)
    vocabulary: defaultdict = defaultdict()
    vocabulary.default_factory = vocabulary.__len__
    rows, cols = _lookup_entries(self, _gram_lists(self, docs), vocabulary)
    vocabulary = dict(vocabulary)
    if not vocabulary:
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    values = np.ones(len(cols), dtype=np.intc)
    counts = sp.csr_matrix((values, (rows, cols)), shape=(len(docs), len(vocabulary)))
    counts.sum_duplicates()
    counts = counts.astype(self.dtype)
    counts.sort_indices()
    counts.indices = counts.indices.astype(np.int32, copy=False)
    counts.indptr = counts.indptr.astype(np.int32, copy=False)
    return vocabulary, counts


@contextlib.contextmanager
def fast_fitting() -> Iterator[None]:
    """Inside the block, fitting a Count/TfidfVectorizer with plain options counts n-grams
    in bulk; vocabulary, pruning (min_df, max_features) and weighting stay scikit-learn's
    own code, so the fitted vectorizer and its matrix are the same."""
    CountVectorizer._count_vocab = _fast_count_vocab
    try:
        yield
    finally:
        CountVectorizer._count_vocab = _SKLEARN_COUNT_VOCAB
