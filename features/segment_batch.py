"""Word segmentation of a whole batch of call texts in one call of the segmenter.

:func:`features.segment.tokenize` segments one text; here a batch is joined into one string
and segmented once, which gives the same tokens (``tests/features/test_batch_text.py``),
with, when asked, every token's offsets in its text and its number in a vocabulary, as
flat arrays (``features.vectorize`` looks word n-grams up from them, the evidence spans
place them).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import repeat

from features.segment import _DROP_TOKENS, _PLACEHOLDER, _rjieba, tokenize

__all__ = ["find_spans", "token_numbers", "tokenize_texts"]

# A batch is segmented as one string: texts joined by NUL, each masking placeholder
# written as one private-use character. Neither is a dictionary character, so both end a
# block, and jieba segments every block on its own: the tokens between two separators are
# the tokens of that text.
_SEP = "\x00"
_PLACEHOLDER_CHARS = {"<MOBILE>": "\ue000", "<LANDLINE>": "\ue001", "<IDCARD>": "\ue002"}
_PLACEHOLDER_CHARS |= {"<PLATE>": "\ue003", "<BANKCARD>": "\ue004"}
_BACK = {v: k for k, v in _PLACEHOLDER_CHARS.items()}
_OTHER_SPACE = re.compile(r"[^\S ]")


def _segmented(texts: list[str]):
    """The joined batch, its pieces from one segmentation and the texts left out of it
    (those holding a placeholder-shaped word of no known kind, segmented one by one), or
    None when the batch must go text by text (a single text, or one holding a reserved
    character)."""
    joined = _SEP.join(texts)
    if len(texts) < 2 or joined.count(_SEP) != len(texts) - 1:
        return None  # one text, or a text holding the separator
    if any(char in joined for char in _BACK):  # a private-use placeholder character
        return None
    slow: set[int] = set()
    seps: list[int] = []
    if "<" in joined:  # a placeholder-shaped word this table does not know: text by text
        for m in _PLACEHOLDER.finditer(joined):
            if m.group(0) not in _PLACEHOLDER_CHARS:
                seps = seps or [m.start() for m in re.finditer(_SEP, joined)]
                slow.add(bisect_right(seps, m.start()))
    if slow:
        joined = _SEP.join("" if i in slow else t for i, t in enumerate(texts))
    if "<" in joined:  # (the placeholders never overlap, so one replace after another)
        for mark, char in _PLACEHOLDER_CHARS.items():
            joined = joined.replace(mark, char)
    return joined, _rjieba().cut(joined, False), slow


def tokenize_texts(texts: list[str], spans: bool = False):
    """``[tokenize(t) for t in texts]``, segmenting the batch in one call; with ``spans``,
    also the ``[start, end)`` of every token in its text, as two flat arrays in the order
    of the tokens (those :func:`find_spans` gives)."""
    segmented = _segmented(texts)
    if segmented is None:
        out = [tokenize(t) for t in texts]
        return (out, *_spans_of(texts, out, {})) if spans else out
    joined, cut, slow = segmented
    drop, back = _DROP_TOKENS, _BACK
    if _OTHER_SPACE.search(joined):  # a token of other whitespace than " " may be left
        kept = [t not in drop and not t.isspace() for t in cut]
    else:
        kept = [t not in drop for t in cut]
    tokens = [back.get(t, t) for t, k in zip(cut, kept) if k]  # noqa: B905
    ends = [i for i, t in enumerate(tokens) if t == _SEP]
    out = [tokens[a + 1 : b] for a, b in zip([-1, *ends], [*ends, len(tokens)])]  # noqa: B905
    for i in slow:
        out[i] = tokenize(texts[i])
    if not spans:
        return out
    found = _cut_spans(joined, cut, kept, out, texts, slow)
    return (out, *(found if found is not None else _spans_of(texts, out, {})))


def token_numbers(texts: list[str], numbers: dict[str, int]):
    """Every token of the batch as its number in ``numbers`` (0 when it has none), with
    the text it is in and its ``[start, end)`` there: flat arrays in token order, the
    same tokens as :func:`tokenize_texts` without a Python string list per text."""
    import numpy as np

    segmented = _segmented(texts)
    found = None
    if segmented is not None and not _OTHER_SPACE.search(segmented[0]):
        joined, cut, slow = segmented
        found = _numbered(joined, cut, numbers, len(texts))
        if found is None:
            lookup = _lookup(numbers)
            ids = np.fromiter(map(lookup.get, cut, repeat(0)), dtype=np.int64, count=len(cut))
            spans = _cut_spans(joined, cut, ids >= 0, {}, texts, set())
            if spans is not None:
                sep = ids == -2
                found = (ids[ids >= 0], (np.cumsum(sep) - sep)[ids >= 0], *spans)
    if found is None:
        out, a, b = tokenize_texts(texts, spans=True)
        flat = [t for tokens in out for t in tokens]
        ids = np.fromiter(map(numbers.get, flat, repeat(0)), dtype=np.int64, count=len(flat))
        doc = np.repeat(np.arange(len(texts)), [len(t) for t in out])
        return ids, doc, a, b
    ids, doc, a, b = found
    if not slow:
        return ids, doc, a, b
    out = {i: tokenize(texts[i]) for i in slow}
    more = [
        (i, numbers.get(t, 0), s, e)
        for i in slow
        for t, (s, e) in zip(out[i], find_spans(texts[i], out[i]), strict=True)
    ]
    extra = np.asarray(more, dtype=np.int64).reshape(-1, 4).T
    doc, ids, a, b = (np.concatenate([x, y]) for x, y in zip((doc, ids, a, b), extra))  # noqa: B905
    order = np.argsort(doc, kind="stable")
    return ids[order], doc[order], a[order], b[order]


def _numbered(joined: str, cut: list[str], numbers: dict[str, int], n_texts: int):
    """``(ids, doc, start, end)`` of the kept pieces of one segmentation of the joined
    batch, without a dict lookup or a ``len`` per piece: the pieces glued by U+0001 give
    every piece's offset and length by one scan of code points, a piece of up to three
    characters is found by its integer code (``features.ngram_codes``' coding, one to one)
    in a table of the lookup's short keys, and only longer pieces go to the dict. None
    when the batch holds U+0001 (the glue would be ambiguous)."""
    import numpy as np

    glued = _GLUE.join(cut)
    if len(glued) != len(joined) + len(cut) - 1 or _GLUE in joined:
        return None
    points = np.frombuffer(glued.encode("utf-32-le", errors="surrogatepass"), np.uint32)
    bounds = np.flatnonzero(points == 1)
    first = np.concatenate([[0], bounds + 1])  # where each piece starts in ``glued``
    size = np.concatenate([bounds, [len(points)]]) - first
    plus = np.zeros(len(points) + 2, dtype=np.uint64)  # code point + 1; zeros past the end
    plus[: len(points)] = points
    plus[: len(points)] += np.uint64(1)
    one = plus[first]
    two = (one << np.uint64(_BITS)) | plus[first + 1]
    three = (two << np.uint64(_BITS)) | plus[first + 2]
    code = np.where(size == 1, one, np.where(size == 2, two, three))
    short, longer = _coded(numbers)
    ids = short.get(code)
    ids = np.where(ids >= 0, ids - 2, 0)
    for i in np.flatnonzero(size > 3).tolist():
        ids[i] = longer.get(cut[i], 0)
    sep = ids == -2
    if int(sep.sum()) != n_texts - 1:
        return None  # never seen: a separator that is not a piece of its own
    marks = np.flatnonzero((size == 1) & (one >= 0xE001) & (one <= 0xE005))
    if len(marks):  # a placeholder character stands for its placeholder's length
        size[marks] = [len(_BACK[chr(c - 1)]) for c in one[marks].tolist()]
    start = np.cumsum(size) - size
    doc = np.cumsum(sep) - sep
    text_at = np.concatenate([[0], start[sep] + 1])  # where each text starts
    keep = ids >= 0
    a = start[keep] - text_at[doc[keep]]
    return ids[keep], doc[keep], a, a + size[keep]


_GLUE = "\x01"
_BITS = 21  # as features.ngram_codes codes characters: three code points + 1 in 64 bits
_CODED: dict[int, tuple[dict, tuple]] = {}


def _coded(numbers: dict[str, int]):
    """:func:`_lookup`'s table split: its keys of up to three characters as a
    ``CodeTable`` of their codes (value + 2, so that -1 stays "not there"), and the
    longer keys as a dict."""
    import numpy as np

    from features.code_table import CodeTable

    cached = _CODED.get(id(numbers))
    if cached is not None and cached[0] is numbers:
        return cached[1]
    table = _lookup(numbers)
    short = [k for k in table if 0 < len(k) <= 3]
    codes = np.zeros(len(short), dtype=np.uint64)
    for k in range(3):
        at = [i for i, w in enumerate(short) if len(w) > k]
        step = np.asarray([ord(short[i][k]) + 1 for i in at], dtype=np.uint64)
        codes[at] = (codes[at] << np.uint64(_BITS)) | step
    values = np.asarray([table[k] + 2 for k in short], dtype=np.int64)
    longer = {k: v for k, v in table.items() if len(k) > 3}
    _CODED.clear()
    _CODED[id(numbers)] = (numbers, (CodeTable(codes, values), longer))
    return _CODED[id(numbers)][1]


_LOOKUPS: dict[int, tuple[dict, dict]] = {}


def _lookup(numbers: dict[str, int]) -> dict[str, int]:
    """``numbers`` with the pieces a segmentation also yields: dropped ones (-1), the
    separator (-2) and the placeholder characters (their placeholder's number)."""
    cached = _LOOKUPS.get(id(numbers))
    if cached is not None and cached[0] is numbers:
        return cached[1]
    table = dict(numbers)
    table.update(dict.fromkeys(_DROP_TOKENS, -1))
    table.update({char: numbers.get(mark, 0) for mark, char in _PLACEHOLDER_CHARS.items()})
    table[_SEP] = -2
    _LOOKUPS.clear()
    _LOOKUPS[id(numbers)] = (numbers, table)
    return table


def _cut_spans(joined: str, cut: list[str], kept: list[bool], out, texts, slow: set[int]):
    """Token offsets from the pieces of one segmentation of the joined batch: the pieces
    cover it, so a piece starts where the previous ones end (a private-use character
    stands for its placeholder's length)."""
    import numpy as np

    size = np.fromiter(map(len, cut), dtype=np.int64, count=len(cut))
    if size.sum() != len(joined):  # never seen: pieces that do not cover the text
        return None
    points = np.frombuffer(joined.encode("utf-32-le", errors="surrogatepass"), np.uint32)
    start = np.cumsum(size) - size
    sep = np.zeros(len(cut), dtype=bool)  # each separator is a piece of its own
    sep[np.searchsorted(start, np.flatnonzero(points == 0))] = True
    marks = np.flatnonzero((points >= 0xE000) & (points <= 0xE004))
    if len(marks):  # each placeholder character is a piece of its own
        grown = np.asarray([len(_BACK[chr(c)]) for c in points[marks].tolist()], np.int64)
        size[np.searchsorted(start, marks)] = grown
        start = np.cumsum(size) - size
    doc = np.cumsum(sep) - sep
    text_at = np.concatenate([[0], start[sep] + 1])  # where each text starts
    keep = np.asarray(kept, dtype=bool) & ~sep
    a = start[keep] - text_at[doc[keep]]
    b = a + size[keep]
    if not slow:
        return a, b
    counts = np.bincount(doc[keep], minlength=len(texts))
    bounds = np.concatenate([[0], np.cumsum(counts)])
    found = _spans_of(texts, out, slow)
    parts_a, parts_b = [], []
    for i in range(len(texts)):
        if i in slow:
            parts_a.append(found[0][i])
            parts_b.append(found[1][i])
        else:
            parts_a.append(a[bounds[i] : bounds[i + 1]])
            parts_b.append(b[bounds[i] : bounds[i + 1]])
    return np.concatenate(parts_a), np.concatenate(parts_b)


def _spans_of(texts, out, only) -> tuple:
    """:func:`find_spans` of the texts (all of them, or per index in ``only``)."""
    import numpy as np

    if only:
        spans = {i: find_spans(texts[i], out[i]) for i in only}
        return (
            {i: np.asarray([s[0] for s in v], dtype=np.int64) for i, v in spans.items()},
            {i: np.asarray([s[1] for s in v], dtype=np.int64) for i, v in spans.items()},
        )
    flat = [s for text, tokens in zip(texts, out) for s in find_spans(text, tokens)]  # noqa: B905
    if not flat:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    a, b = np.asarray(flat, dtype=np.int64).T
    return a, b


def find_spans(text: str, tokens: list[str]) -> list[tuple[int, int]]:
    """``[a, b)`` of each of ``tokens`` (the text's words, in order) in ``text``."""
    out: list[tuple[int, int]] = []
    pos = 0
    for token in tokens:
        at = text.find(token, pos)
        if at >= 0:
            pos = at + len(token)
            out.append((at, pos))
    return out
