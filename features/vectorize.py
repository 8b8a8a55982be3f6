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
import re
import weakref
from collections.abc import Iterator
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from features.segment import token_numbers, tokenize, tokenize_texts

__all__ = ["fast_fitting", "supported", "transform", "union_transform"]

_WHITE_SPACES = re.compile(r"\s\s+")  # CountVectorizer._white_spaces


class _WeakPairs:
    """A mapping keyed by (object, tag) that holds its objects weakly."""

    def __init__(self) -> None:
        self._by_tag: dict[str, weakref.WeakKeyDictionary] = {}

    def get(self, key):
        obj, tag = key
        table = self._by_tag.get(tag)
        return None if table is None else table.get(obj)

    def __setitem__(self, key, value) -> None:
        obj, tag = key
        self._by_tag.setdefault(tag, weakref.WeakKeyDictionary())[obj] = value


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


_BITS = 21  # every code point + 1 fits in 21 bits, so three fit in one uint64
# Vocabulary indexes by fitted vectorizer, outside the vectorizer so they are never pickled
# with a model; an entry goes when its vectorizer does.
_INDEXES = _WeakPairs()
_MAX_CODED = 3


def _code(gram: str) -> int:
    code = 0
    for ch in gram:
        code = (code << _BITS) | (ord(ch) + 1)
    return code


def _char_index(vec) -> tuple[np.ndarray, np.ndarray]:
    """The vocabulary as sorted integer codes of its n-grams and their columns (cached)."""
    cached = _INDEXES.get((vec, "char"))
    if cached is not None and cached[0] is vec.vocabulary_:
        return cached[1], cached[2]
    grams = list(vec.vocabulary_)
    codes = np.fromiter((_code(g) for g in grams), dtype=np.uint64, count=len(grams))
    cols = np.fromiter(vec.vocabulary_.values(), dtype=np.int64, count=len(grams))
    order = np.argsort(codes)
    codes, cols = codes[order], cols[order]
    _INDEXES[vec, "char"] = (vec.vocabulary_, codes, cols)
    return codes, cols


def _char_entries(vec, docs: list[str], record: dict | None = None):
    """(row, column) of every in-vocabulary character n-gram of the batch, from code
    points: n-grams of all documents are encoded as integers at once and looked up in the
    sorted codes of the vocabulary. ``record`` (see :func:`union_transform`) receives,
    per n, the codes, their documents and offsets and the vocabulary position found."""
    lo, hi = vec.ngram_range
    vocab_codes, vocab_cols = _char_index(vec)
    rows, cols = [], []
    collapsed = _WHITE_SPACES.search("\x00".join(docs)) is not None
    base = np.concatenate([[0], np.cumsum([len(d) for d in docs])]) if record is not None else None
    for n, codes, where, inside in char_codes(docs, lo, hi):
        found = _look_up(vocab_codes, vocab_cols, codes, where, rows, cols)
        if record is not None and not collapsed:
            at = np.flatnonzero(inside)
            record.setdefault("chars", {})[n] = (codes, where, at - base[where], found, cols[-1])
    return _joined(rows, cols)


def char_codes(docs: list[str], lo: int, hi: int):
    """Per n from ``lo`` to ``hi`` (at most 3): n, the integer codes of every character
    n-gram of the documents (whitespace runs collapsed, as the char analyzer does), the
    index of the document each comes from, and which positions of the joined documents
    start one (a boolean mask)."""
    if _WHITE_SPACES.search("\x00".join(docs)):
        docs = [_WHITE_SPACES.sub(" ", d) for d in docs]
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    joined = "".join(docs).encode("utf-32-le", errors="surrogatepass")
    points = np.frombuffer(joined, dtype=np.uint32).astype(np.uint64) + 1
    doc_of = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    for n in range(lo, hi + 1):
        m = len(points) - n + 1
        if m <= 0:
            continue
        codes = points[:m].copy()
        for k in range(1, n):
            codes = (codes << np.uint64(_BITS)) | points[k : k + m]
        inside = doc_of[:m] == doc_of[n - 1 : n - 1 + m]
        yield n, codes[inside], doc_of[:m][inside], inside


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


def _word_index(vec) -> tuple[dict[str, int], int, np.ndarray, np.ndarray] | None:
    """Word vocabulary as integer codes: every token of the vocabulary numbered from 1, an
    n-gram coded as its tokens' numbers side by side; sorted codes and their columns
    (cached). None when the codes would not fit in 64 bits."""
    cached = _INDEXES.get((vec, "word"))
    if cached is not None and cached[0] is vec.vocabulary_:
        return cached[1]
    grams = list(vec.vocabulary_)
    parts = [g.split(" ") for g in grams]
    numbers: dict[str, int] = {}
    for tokens in parts:
        for token in tokens:
            numbers.setdefault(token, len(numbers) + 1)
    bits = (len(numbers) + 1).bit_length()
    lo, hi = vec.ngram_range
    index = None
    if bits * hi <= 63 and all(lo <= len(p) <= hi for p in parts):
        codes = np.zeros(len(grams), dtype=np.uint64)
        for tokens_at in range(hi):
            ids = [numbers[p[tokens_at]] if tokens_at < len(p) else 0 for p in parts]
            step = np.asarray(ids, dtype=np.uint64)
            has = step > 0
            codes[has] = (codes[has] << np.uint64(bits)) | step[has]
        cols = np.fromiter(vec.vocabulary_.values(), dtype=np.int64, count=len(grams))
        order = np.argsort(codes)
        index = (numbers, bits, codes[order], cols[order])
    _INDEXES[vec, "word"] = (vec.vocabulary_, index)
    return index


def _word_entries(vec, docs: list[str], index, record: dict | None = None):
    """(row, column) of every in-vocabulary word n-gram of the batch: tokens numbered by
    one dict lookup per piece of the batch's segmentation (``segment.token_numbers``),
    n-grams coded and looked up as arrays (like characters).
    ``record`` receives the tokens' documents and offsets and, per n, the flat index of
    each found n-gram's first token with its document and column."""
    numbers, bits, vocab_codes, vocab_cols = index
    signed, doc_of, starts, ends = token_numbers(docs, numbers)
    ids = signed.astype(np.uint64)
    if record is not None:
        record["tokens"] = (doc_of, starts, ends)
    lo, hi = vec.ngram_range
    rows, cols = [], []
    for n in range(lo, hi + 1):
        m = len(ids) - n + 1
        if m <= 0:
            continue
        codes = ids[:m].copy()
        known = codes > 0
        for k in range(1, n):
            codes = (codes << np.uint64(bits)) | ids[k : k + m]
            known &= ids[k : k + m] > 0
        inside = known & (doc_of[:m] == doc_of[n - 1 : n - 1 + m])
        found = _look_up(vocab_codes, vocab_cols, codes[inside], doc_of[:m][inside], rows, cols)
        if record is not None:
            first = np.flatnonzero(inside)[found]
            record.setdefault("words", {})[n] = (
                rows[-1],
                cols[-1],
                starts[first],
                ends[first + n - 1],
            )
    return _joined(rows, cols)


def _look_up(vocab_codes, vocab_cols, codes, where, rows: list, cols: list) -> np.ndarray:
    """Append (row, column) of the ``codes`` found in the sorted vocabulary codes; returns
    which of ``codes`` were found."""
    at = np.searchsorted(vocab_codes, codes)
    at[at == len(vocab_codes)] = 0
    found = vocab_codes[at] == codes
    rows.append(where[found])
    cols.append(vocab_cols[at[found]])
    return found


def _joined(rows: list, cols: list) -> tuple[np.ndarray, np.ndarray]:
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(rows), np.concatenate(cols)


def _counts(vec, docs: list[str], record: dict | None = None) -> sp.csr_matrix:
    """The count matrix ``CountVectorizer._count_vocab`` builds, for a fixed vocabulary."""
    index = None
    if vec.analyzer == "word" and vec.tokenizer is tokenize:
        index = _word_index(vec)
    if vec.analyzer == "char" and vec.ngram_range[1] <= _MAX_CODED:
        rows, cols = _char_entries(vec, docs, record)
    elif index is not None:
        rows, cols = _word_entries(vec, docs, index, record)
    else:
        rows, cols = _lookup_entries(vec, _gram_lists(vec, docs))
    values = np.ones(len(cols), dtype=vec.dtype)
    shape = (len(docs), len(vec.vocabulary_))
    counts = sp.csr_matrix((values, (rows, cols)), shape=shape, dtype=vec.dtype)
    counts.sum_duplicates()
    counts.sort_indices()
    counts.indices = counts.indices.astype(np.int32, copy=False)
    counts.indptr = counts.indptr.astype(np.int32, copy=False)
    return counts


def transform(vec, docs: list[str], record: dict | None = None):
    """``vec.transform(docs)`` for a fitted Count/TfidfVectorizer, computed in bulk
    (``record``: see :func:`union_transform`)."""
    if not supported(vec):
        return vec.transform(docs)
    counts = _counts(vec, list(docs), record)
    if vec.binary:
        counts.data.fill(1)
    if isinstance(vec, TfidfVectorizer):
        return _tfidf(vec._tfidf, counts)
    return counts


def _tfidf(tf, counts: sp.csr_matrix) -> sp.csr_matrix:
    """``TfidfTransformer.transform(counts, copy=False)``, its own steps without the input
    checks that cost more than the arithmetic on a few texts (scikit-learn 1.9's code)."""
    from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

    if counts.dtype not in (np.float32, np.float64) or tf.norm not in (None, "l2"):
        return tf.transform(counts, copy=False)
    if tf.sublinear_tf:
        np.log(counts.data, counts.data)
        counts.data += 1.0
    if hasattr(tf, "idf_"):
        counts.data *= tf.idf_[counts.indices]
    if tf.norm == "l2":
        inplace_csr_row_normalize_l2(counts)
    return counts


def union_transform(
    union: FeatureUnion, docs: list[str], record: dict | None = None
) -> sp.csr_matrix:
    """``union.transform(docs)`` with every supported vectorizer computed in bulk.

    ``record``, when given, receives where the features are, for explanations and the
    shift score to reuse: ``record["blocks"]`` lists ``(block, first column, its record)``,
    a block's record holding the tokens' offsets and the n-grams found with their
    documents, offsets and columns (``_word_entries``, ``_char_entries``).
    """
    if union.transformer_weights:
        return sp.csr_matrix(union.transform(docs))
    docs = list(docs)
    blocks = []
    at = 0
    if record is not None:
        record["n"] = len(docs)
    for _, block in union.transformer_list:
        if block == "drop":
            continue
        part: dict | None = {} if record is not None else None
        out = transform(block, docs, part)
        blocks.append(out if sp.issparse(out) else sp.csr_matrix(out))
        if record is not None:
            record.setdefault("blocks", []).append((block, at, part))
        at += blocks[-1].shape[1]
    return sp.hstack(blocks, format="csr")


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
