"""Character and word n-grams of a batch as integer codes, looked up in a vocabulary.

The bulk vectorizer (``features.vectorize``) turns every n-gram of a batch into an integer
(three code points fit in 64 bits; a word n-gram is its tokens' numbers side by side) and
finds all of them in a hash table of the fitted vocabulary's codes
(``features.code_table``) with a few array operations per size; the entry functions here also record, for explanations and the shift score,
where each n-gram found sits (``union_transform``'s record).
"""

from __future__ import annotations

import re
import weakref

import numpy as np

from features.code_table import CodeTable
from features.segment_batch import token_numbers

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


def _char_index(vec) -> CodeTable:
    """The vocabulary as a table from the integer codes of its n-grams to their columns
    (cached)."""
    cached = _INDEXES.get((vec, "char"))
    if cached is not None and cached[0] is vec.vocabulary_:
        return cached[1]
    grams = list(vec.vocabulary_)
    codes = np.fromiter((_code(g) for g in grams), dtype=np.uint64, count=len(grams))
    cols = np.fromiter(vec.vocabulary_.values(), dtype=np.int64, count=len(grams))
    table = CodeTable(codes, cols)
    _INDEXES[vec, "char"] = (vec.vocabulary_, table)
    return table


def _char_entries(vec, docs: list[str], record: dict | None = None):
    """(row, column) of every in-vocabulary character n-gram of the batch, from code
    points: n-grams of all documents are encoded as integers at once and looked up in the
    sorted codes of the vocabulary. ``record`` (see :func:`union_transform`) receives,
    per n, the codes, their documents and offsets and the vocabulary position found."""
    lo, hi = vec.ngram_range
    table = _char_index(vec)
    rows, cols = [], []
    collapsed = _WHITE_SPACES.search("\x00".join(docs)) is not None
    base = np.concatenate([[0], np.cumsum([len(d) for d in docs])]) if record is not None else None
    for n, codes, where, inside in char_codes(docs, lo, hi):
        found = _look_up(table, codes, where, rows, cols)
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


def _word_index(vec) -> tuple[dict[str, int], int, CodeTable] | None:
    """Word vocabulary as integer codes: every token of the vocabulary numbered from 1, an
    n-gram coded as its tokens' numbers side by side; the table from codes to columns
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
        index = (numbers, bits, CodeTable(codes, cols))
    _INDEXES[vec, "word"] = (vec.vocabulary_, index)
    return index


def _word_entries(vec, docs: list[str], index, record: dict | None = None):
    """(row, column) of every in-vocabulary word n-gram of the batch: the pieces of the
    batch's segmentation numbered in arrays (``segment_batch.token_numbers``), n-grams
    coded and looked up as arrays (like characters).
    ``record`` receives the tokens' documents and offsets and, per n, the flat index of
    each found n-gram's first token with its document and column."""
    numbers, bits, table = index
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
        found = _look_up(table, codes[inside], doc_of[:m][inside], rows, cols)
        if record is not None:
            first = np.flatnonzero(inside)[found]
            record.setdefault("words", {})[n] = (
                rows[-1],
                cols[-1],
                starts[first],
                ends[first + n - 1],
            )
    return _joined(rows, cols)


def _look_up(table: CodeTable, codes, where, rows: list, cols: list) -> np.ndarray:
    """Append (row, column) of the ``codes`` found in the vocabulary's table; returns
    which of ``codes`` were found."""
    col = table.get(codes)
    found = col >= 0
    rows.append(where[found])
    cols.append(col[found])
    return found


def _joined(rows: list, cols: list) -> tuple[np.ndarray, np.ndarray]:
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(rows), np.concatenate(cols)
