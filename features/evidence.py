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

from features.contract import TextSpan
from features.segment import tokenize
from features.spans import Aligned

__all__ = ["evidence_spans", "phrases", "pieces_on_chars", "token_spans", "word_units"]

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
    out: list[tuple[int, int]] = []
    pos = 0
    for token in tokenize(text):
        at = text.find(token, pos)
        if at >= 0:
            pos = at + len(token)
            out.append((at, pos))
    return out


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
