"""Keywords as spans of what the call taker typed: the words that are evidence for an answer.

A linear model's answer is a sum of feature contributions (tf-idf value × weight toward
the class). Each feature sits somewhere in the prepared text: an n-gram at every place it
occurs, a cue (``features.cues``) at the words its pattern matched. Spreading every
contribution over the characters it covers gives each word of the text (jieba's words,
cut at punctuation, placeholders and masking marks) a net contribution, positive or
negative. Runs of adjacent words whose net contribution is positive are the phrases shown;
each is mapped back through the offset map (``features.spans``) to the characters the call
taker typed, so ``20000块`` is shown as ``兩萬塊`` and a masked phone number never appears.
"""

from __future__ import annotations

import re

import numpy as np

from features.contract import TextSpan
from features.segment import tokenize
from features.segment_batch import find_spans
from features.spans import Aligned

__all__ = [
    "batch_phrases",
    "batch_units",
    "evidence_spans",
    "phrases",
    "pieces_on_chars",
    "token_spans",
    "word_units",
]

# Masking marks of dispatch records and of our own masking: never evidence of anything.
_MARKS = re.compile(r"x{2,}|某+|\*+|<[A-Z]+>")
# Words that only glue a phrase together; a phrase does not start or end with them.
_GLUE = frozenset("在的了和与及并而又就都也把将从向对于给让是有")
# An edge word carrying less than this share of its phrase's strongest word is dropped
# (门口 in 门口被人抢走手机), so phrases stay on what drove the answer.
_EDGE_SHARE = 0.2
# A phrase weighing less than this share of the strongest one is not shown (小区, 已经).
_PHRASE_SHARE = 0.1


def token_spans(text: str) -> list[tuple[int, int]]:
    """``[a, b)`` of every word :func:`features.segment.tokenize` finds in ``text``."""
    return find_spans(text, tokenize(text))


def word_units(aligned: Aligned, tokens: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The words ``tokens`` of the prepared text, split at masking marks and placeholders
    (which are left out): the pieces a phrase is built from."""
    text = aligned.text
    blocked = list(aligned.masked)
    if "xx" in text or "某" in text or "*" in text:
        for m in _MARKS.finditer(text):
            blocked[m.start() : m.end()] = [True] * (m.end() - m.start())
    if not any(blocked):
        return tokens
    units: list[tuple[int, int]] = []
    for at, end in tokens:
        a = at
        for i in range(at, end + 1):
            if i == end or blocked[i]:
                if i > a:
                    units.append((a, i))
                a = i + 1
    return units


def evidence_spans(
    aligned: Aligned, char: list[float], units: list[tuple[int, int]], limit: int
) -> list[TextSpan]:
    """Up to ``limit`` phrases of ``aligned.raw`` with a positive net contribution, strongest
    first: ``char`` is the contribution on each prepared character, ``units`` the words
    (:func:`word_units`) phrases are made of."""
    return phrases(aligned, units, [sum(char[a:b]) for a, b in units], limit)


def phrases(
    aligned: Aligned, units: list[tuple[int, int]], weights: list[float], limit: int
) -> list[TextSpan]:
    """Up to ``limit`` runs of adjacent ``units`` whose weight is positive, trimmed of weak
    or gluing edge words, as spans of ``aligned.raw``, strongest first."""
    if limit <= 0 or not units:
        return []
    runs: list[list[int]] = []  # indices of units
    for k, (a, _) in enumerate(units):
        if weights[k] <= 0:
            continue
        if runs and runs[-1][-1] == k - 1 and units[k - 1][1] == a:
            runs[-1].append(k)
        else:
            runs.append([k])
    out: list[TextSpan] = []
    seen: set[str] = set()
    for run in runs:
        run = _trim(run, units, weights, aligned.text)
        if not run:
            continue
        a, b = units[run[0]][0], units[run[-1]][1]
        shown = aligned.text[a:b]
        if len(shown) < 2 or shown.isdigit() or any(aligned.masked[a:b]):
            continue
        start, end = aligned.original(a, b)
        text = aligned.raw[start:end]
        if text in seen:
            continue
        seen.add(text)
        weight = sum(weights[k] for k in run)
        out.append(
            TextSpan.model_construct(start=start, end=end, text=text, weight=round(weight, 4))
        )
    out.sort(key=lambda s: -s.weight)
    return [s for s in out[:limit] if s.weight >= _PHRASE_SHARE * out[0].weight]


def pieces_on_chars(n: int, pieces: list[tuple[int, int, float]]) -> list[float]:
    """Contributions ``(a, b, weight)`` spread evenly over the characters they cover."""
    char = [0.0] * n
    for a, b, w in pieces:
        for j in range(a, b):
            char[j] += w / (b - a)
    return char


def _trim(run: list[int], units, weights, text: str) -> list[int]:
    """Drop weak or gluing words at both ends of a phrase."""
    strongest = max(weights[k] for k in run)

    def weak(k: int) -> bool:
        a, b = units[k]
        return weights[k] < _EDGE_SHARE * strongest or (b - a == 1 and text[a] in _GLUE)

    lo, hi = 0, len(run)
    while lo < hi and weak(run[lo]):
        lo += 1
    while hi > lo and weak(run[hi - 1]):
        hi -= 1
    return run[lo:hi]


def batch_units(aligned: list[Aligned], doc, start, end, base) -> tuple:
    """:func:`word_units` of every text of a batch: the tokens ``(doc, start, end)``
    (offsets in each prepared text, in order), split at masking marks and placeholders.
    Most tokens touch none and stay whole; only the others are split one by one."""
    blocked = np.zeros(int(base[-1]) + 1, dtype=bool)
    for i, a in enumerate(aligned):
        text = a.text
        if "xx" in text or "某" in text or "*" in text:
            for m in _MARKS.finditer(text):
                blocked[base[i] + m.start() : base[i] + m.end()] = True
        if not isinstance(a.start, range) and True in a.masked:
            blocked[base[i] : base[i] + len(text)] |= np.asarray(a.masked, dtype=bool)
    count = np.concatenate([[0], np.cumsum(blocked)])
    g_a, g_b = base[doc] + start, base[doc] + end
    touched = count[g_b] - count[g_a] > 0
    if not touched.any():
        return doc, start, end
    pieces = []
    for k in np.flatnonzero(touched).tolist():
        i, a0, b0 = int(doc[k]), int(start[k]), int(end[k])
        flags = blocked[base[i] + a0 : base[i] + b0].tolist()
        a = a0
        for j, flag in enumerate([*flags, True]):
            if flag:
                if a0 + j > a:
                    pieces.append((i, a, a0 + j))
                a = a0 + j + 1
    whole = ~touched
    more = np.asarray(pieces, dtype=np.int64).reshape(-1, 3).T
    u_doc = np.concatenate([doc[whole], more[0]])
    u_a = np.concatenate([start[whole], more[1]])
    u_b = np.concatenate([end[whole], more[2]])
    order = np.argsort(base[u_doc] + u_a, kind="stable")
    return u_doc[order], u_a[order], u_b[order]


_IS_GLUE = np.zeros(0x110000, dtype=bool)  # by code point
_IS_GLUE[[ord(c) for c in _GLUE]] = True


def batch_phrases(aligned: list[Aligned], doc, start, end, weight, limit: int) -> list:
    """:func:`phrases` of every text of a batch from its units ``(doc, start, end)`` and
    their weights, as ``(start, end, text, weight)`` tuples: runs, their strongest word and
    the trimming of weak or gluing edge words are found for the whole batch in array
    operations; the few phrases left are checked and mapped back to what was typed one by
    one."""
    n = len(aligned)
    out: list[list[tuple[int, int, str, float]]] = [[] for _ in range(n)]
    if limit <= 0 or not len(weight):
        return out
    texts = [a.text for a in aligned]
    base = np.concatenate([[0], np.cumsum([len(t) for t in texts])]).astype(np.int64)
    from features.batch_text import code_points

    points = code_points("".join(texts))
    positive = weight > 0
    joins = np.zeros(len(weight), dtype=bool)
    joins[1:] = positive[:-1] & (doc[1:] == doc[:-1]) & (end[:-1] == start[1:])
    first_of_run = positive & ~joins
    units = np.flatnonzero(positive)
    heads = np.searchsorted(units, np.flatnonzero(first_of_run))
    run = np.cumsum(first_of_run)[units] - 1
    strongest = np.maximum.reduceat(weight[units], heads)
    one_char = (end[units] - start[units]) == 1
    glue = (
        one_char & _IS_GLUE[points[np.minimum(base[doc[units]] + start[units], len(points) - 1)]]
    )
    weak = (weight[units] < _EDGE_SHARE * strongest[run]) | glue
    lo = np.minimum.reduceat(np.where(weak, len(weight), units), heads)
    hi = np.maximum.reduceat(np.where(weak, -1, units), heads)
    ok = lo <= hi
    lo, hi = lo[ok], hi[ok]
    listed = weight.tolist()
    kept: dict[int, list[tuple[int, int, str, float]]] = {}
    for u, v in zip(lo.tolist(), hi.tolist()):  # noqa: B905
        i = int(doc[u])
        a, b = int(start[u]), int(end[v])
        al = aligned[i]
        shown = al.text[a:b]
        if len(shown) < 2 or shown.isdigit():
            continue
        if isinstance(al.start, range):  # typed character for character
            s, e = a, b
        elif any(al.masked[a:b]):
            continue
        else:
            s, e = al.original(a, b)
        kept.setdefault(i, []).append((s, e, al.raw[s:e], round(sum(listed[u : v + 1]), 4)))
    for i, found in kept.items():
        seen: set[str] = set()
        spans = []
        for span in found:
            if span[2] not in seen:
                seen.add(span[2])
                spans.append(span)
        spans.sort(key=lambda x: -x[3])
        out[i] = [x for x in spans[:limit] if x[3] >= _PHRASE_SHARE * spans[0][3]]
    return out
