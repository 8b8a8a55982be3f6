"""One text through the triage features without the batch machinery.

The bulk featurisation (``features.vectorize.union_transform``) codes the n-grams of a
whole batch as integers and looks them up with a few dozen array operations per block:
for 1,024 texts that is a few microseconds each, for one text (one ``/classify`` request)
it is about a millisecond of fixed cost, mostly array calls on arrays of a few dozen
elements. Here one text takes plain Python: its tokens and character n-grams as strings,
looked up in the fitted vocabularies' own dicts, weighted by the vectorizer's own
weighting step (``features.vectorize._weighted``), with the shift score's "seen in
training" bit read in the same pass. The matrix, the record of where each feature sits
(for the evidence spans) and the shift score are those of the batch path
(``tests/features/test_one_text.py`` checks them on thousands of texts).

Unions it does not reproduce (transformer weights, another tokenizer or preparation, a
char n-gram range beyond 3, a vocabulary whose word codes do not fit the batch's) give
None from :func:`one_text_for`, and the caller keeps the batch path.
"""

from __future__ import annotations

import re
import weakref
from collections import Counter
from dataclasses import dataclass
from itertools import repeat
from operator import add

import numpy as np
import scipy.sparse as sp

from features.cues import CueFeatures, cue_matrix
from features.ngram_codes import _MAX_CODED, _word_index
from features.segment import tokenize
from features.segment_batch import find_spans
from features.textprep import TextPrep, prepare_text
from features.vectorize import _weighted, supported

__all__ = ["OneText", "Places", "one_text_for"]

_WHITE_SPACES = re.compile(r"\s\s+")  # CountVectorizer._white_spaces


@dataclass
class Places:
    """Where the features of one text sit in it: ``(column, start, end)`` of every n-gram
    of the vocabulary (word n-grams by n, then character n-grams by n, each in text order:
    the order of ``features.contributions._places``), the words' ``(start, end)`` and the
    cue block's values (1 × cues)."""

    places: list[tuple[int, int, int]]
    tokens: list[tuple[int, int]]
    dense: np.ndarray | None


@dataclass
class _Block:
    kind: str  # "words", "chars" or "cues"
    block: object
    at: int  # first column in the union
    width: int


class OneText:
    """The featurisation of one text by a fitted ``FeatureUnion`` (see the module)."""

    def __init__(self, blocks: list[_Block], width: int) -> None:
        self.blocks = blocks
        self.width = width
        self.chars = next((b.block for b in blocks if b.kind == "chars"), None)

    @classmethod
    def of(cls, model) -> OneText | None:
        """The one-text featurisation of ``model``'s pipeline, or None when it differs from
        the batch path's in something this module does not reproduce."""
        steps = model.category.named_steps
        union = steps.get("features")
        if type(steps.get("prep")) is not TextPrep or union is None:
            return None
        if getattr(union, "transformer_weights", None):
            return None
        blocks, at = [], 0
        for _, block in union.transformer_list:
            if block == "drop":
                continue
            if type(block) is CueFeatures:
                kind, width = "cues", len(block.get_feature_names_out())
            elif not supported(block):
                return None
            elif block.analyzer == "char" and block.ngram_range[1] <= _MAX_CODED:
                kind, width = "chars", len(block.vocabulary_)
            elif (
                block.analyzer == "word"
                and block.tokenizer is tokenize
                and _word_index(block) is not None
            ):
                kind, width = "words", len(block.vocabulary_)
            else:
                return None
            blocks.append(_Block(kind, block, at, width))
            at += width
        return cls(blocks, at)

    # ----------------------------------------------------------------------------------
    def featurize(
        self, text, record: dict | None = None, novelty=None, places: bool = True
    ) -> tuple[list[str], sp.csr_matrix]:
        """``[prepared text]`` and its 1-row feature matrix (float32), as
        ``TriageModel.featurize`` gives them for ``[text]``. ``record`` receives, with
        ``places``, where the features are (``"one"``: a :class:`Places`, what
        ``features.contributions.explain`` reads for one text), and with ``novelty``
        (``features.shift.NgramNovelty``) the text's shift score (``"shift"``)."""
        prepared = prepare_text(text)
        shift = _Shift(novelty, self) if record is not None and novelty is not None else None
        where = Places([], [], None) if record is not None and places else None
        counted, data, indices = [], [], []
        for b in self.blocks:
            if b.kind == "cues":
                dense = cue_matrix([prepared]) * b.block.weight
                if where is not None:
                    where.dense = dense
                cols = np.flatnonzero(dense[0])
                counted.append((b, (cols, dense[0, cols])))
            elif b.kind == "words":
                counted.append((b, self._words(b, prepared, where)))
            else:
                counted.append((b, self._chars(b, prepared, where, shift)))
        if record is not None:
            record["n"] = 1
            if where is not None:
                record["one"] = where
            if shift is not None:
                record["shift"] = shift.value(prepared)
        for b, (cols, values) in self._weigh(counted):  # side by side, in the union's order
            data.append(values.astype(np.float32, copy=False))
            indices.append(cols.astype(np.int32, copy=False) + b.at)
        values = np.concatenate(data) if data else np.zeros(0, dtype=np.float32)
        cols = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int32)
        indptr = np.asarray([0, len(cols)], dtype=np.int32)
        return [prepared], sp.csr_matrix((values, cols, indptr), shape=(1, self.width))

    @staticmethod
    def _weigh(counted: list) -> list:
        """Per block, ``(block, (columns, values))``: a count block's columns sorted and
        its values weighted by the vectorizer's own step (``features.vectorize._weighted``:
        binary, tf-idf, l2 rows), as the batch path weights them."""
        out = []
        for b, counts in counted:
            if b.kind == "cues":
                out.append((b, counts))
                continue
            cols = sorted(counts)
            data = np.fromiter(map(counts.__getitem__, cols), dtype=b.block.dtype, count=len(cols))
            indices = np.fromiter(cols, dtype=np.int32, count=len(cols))
            indptr = np.asarray([0, len(cols)], dtype=np.int32)
            data, _, _ = _weighted(b.block, (data, indices, indptr), 1)
            out.append((b, (indices, data)))
        return out

    @staticmethod
    def _words(b: _Block, text: str, where: Places | None) -> dict[int, int]:
        """Counts per column of the word n-grams of ``text``; ``where`` receives the
        tokens' offsets and the places of the n-grams found."""
        vec = b.block
        tokens = tokenize(text)
        lo, hi = vec.ngram_range
        cols: list[int] = []
        per_n = list(_columns(tokens, lo, hi, vec.vocabulary_.get))
        for _, found in per_n:
            cols += found
        counts = Counter(cols)
        counts.pop(-1, None)
        if where is not None:
            spans = where.tokens = find_spans(text, tokens)
            at = b.at
            for n, found in per_n:
                where.places += [
                    (col + at, spans[i][0], spans[i + n - 1][1])
                    for i, col in enumerate(found)
                    if col >= 0
                ]
        return counts

    @staticmethod
    def _chars(b: _Block, text: str, where: Places | None, shift=None) -> dict[int, int]:
        """Counts per column of the character n-grams of ``text``; ``where`` receives the
        places of the n-grams found, ``shift`` the bigrams' and trigrams' columns."""
        vec = b.block
        collapsed = _WHITE_SPACES.search(text) is not None
        doc = _WHITE_SPACES.sub(" ", text) if collapsed else text
        lo, hi = vec.ngram_range
        cols: list[int] = []
        at = b.at
        for n, found in _columns(doc, lo, hi, vec.vocabulary_.get):
            cols += found
            if shift is not None and n in (2, 3):
                shift.columns[n] = found
            if where is not None and not collapsed:  # offsets in the text as prepared
                where.places += [(col + at, i, i + n) for i, col in enumerate(found) if col >= 0]
        counts = Counter(cols)
        counts.pop(-1, None)
        return counts

    # ----------------------------------------------------------------------------------
    def shift(self, novelty, prepared: str) -> float | None:
        """``novelty.score([prepared])[0]`` (``features.shift.NgramNovelty``): the share of
        the text's character bigram and trigram occurrences never seen in training; None
        for a novelty score of another kind."""
        return _Shift(novelty, self).value(prepared)


def _columns(items, lo: int, hi: int, get):
    """Per n from ``lo`` to ``hi`` with an n-gram in ``items`` (a string: characters; a
    list: tokens, joined by a space as the word analyzer joins them): n and every
    n-gram's column (``get``: the vocabulary's, -1 when it has none), in text order."""
    chars = isinstance(items, str)
    for n in range(lo, hi + 1):
        m = len(items) - n + 1
        if m <= 0:
            continue
        if n == 1:
            grams = items
        elif n == 2:
            grams = map(add, items, items[1:]) if chars else map(" ".join, zip(items, items[1:]))  # noqa: B905
        else:
            grams = (items[i : i + n] if chars else " ".join(items[i : i + n]) for i in range(m))
        yield n, list(map(get, grams, repeat(-1)))


class _Shift:
    """The shift score of one text: an n-gram of the character vocabulary has its "seen in
    training" bit by column, the others are hashed (scikit-learn's ``HashingVectorizer``
    rule, ``features.shift_fast``) once and remembered."""

    def __init__(self, novelty, one: OneText) -> None:
        self.novelty, self.one = novelty, one
        self.columns: dict[int, list[int]] = {}

    def value(self, prepared: str) -> float | None:
        novelty = self.novelty
        if type(novelty).__name__ != "NgramNovelty" or not hasattr(novelty, "_seen"):
            return None
        from features.shift_fast import _index, _vocab_seen

        seen = novelty._seen()
        vec = self.one.chars
        cached = _UNSEEN.get(id(seen))
        if cached is None or cached[0] is not seen:
            flags = _vocab_seen(seen, vec).tolist() if vec is not None else []
            _UNSEEN.clear()
            cached = _UNSEEN[id(seen)] = (seen, [not f for f in flags], {})
        _, unseen_by_col, hashed = cached
        doc = _WHITE_SPACES.sub(" ", prepared)
        total = missing = 0
        for n in (2, 3):
            m = len(doc) - n + 1
            if m <= 0:
                continue
            cols = self.columns.get(n)
            if cols is None:
                get = vec.vocabulary_.get if vec is not None else {}.get
                cols = [get(doc[i : i + n], -1) for i in range(m)]
            total += m
            for i, col in enumerate(cols):
                if col >= 0:
                    missing += unseen_by_col[col]
                    continue
                gram = doc[i : i + n]
                unseen = hashed.get(gram)
                if unseen is None:
                    if len(hashed) > 100_000:  # about 10 MB of remembered n-grams
                        hashed.clear()
                    unseen = hashed[gram] = not seen[_index(gram, len(seen))]
                missing += unseen
        return missing / total if total else 0.0


_UNSEEN: dict[int, tuple] = {}  # the bit set in use → (it, unseen per char column, hashed)


_BUILT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_NONE = object()


def one_text_for(model) -> OneText | None:
    """:meth:`OneText.of` once per fitted union (kept beside it, never pickled)."""
    steps = model.category.named_steps
    union = steps.get("features")
    if union is None:
        return None
    cached = _BUILT.get(union)
    if cached is None or cached[0] is not steps.get("prep"):
        cached = (steps.get("prep"), OneText.of(model) or _NONE)
        _BUILT[union] = cached
    return None if cached[1] is _NONE else cached[1]
