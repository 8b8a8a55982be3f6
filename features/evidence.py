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

__all__ = ["evidence_spans", "word_units"]

# Masking marks of dispatch records and of our own masking: never evidence of anything.
_MARKS = re.compile(r"x{2,}|某+|\*+|<[A-Z]+>")
# Words that only glue a phrase together; a phrase does not start or end with them.
_GLUE = frozenset("在的了和与及并而又就都也把将从向对于给让是有")
# An edge word carrying less than this share of its phrase's strongest word is dropped
# (门口 in 门口被人抢走手机), so phrases stay on what drove the answer.
_EDGE_SHARE = 0.2
# A phrase weighing less than this share of the strongest one is not shown (小区, 已经).
_PHRASE_SHARE = 0.1


def word_units(aligned: Aligned) -> list[tuple[int, int]]:
    """Words of the prepared text as ``[a, b)`` offsets, split at masking marks and
    placeholders (which are left out): the pieces a phrase is built from."""
    text = aligned.text
    blocked = [False] * len(text)
    for m in _MARKS.finditer(text):
        blocked[m.start() : m.end()] = [True] * (m.end() - m.start())
    for i, masked in enumerate(aligned.masked):
        if masked:
            blocked[i] = True
    units: list[tuple[int, int]] = []
    pos = 0
    for token in tokenize(text):
        at = text.find(token, pos)
        if at < 0:
            continue
        pos = at + len(token)
        a = at
        for i in range(at, pos + 1):
            if i == pos or blocked[i]:
                if i > a:
                    units.append((a, i))
                a = i + 1
    return units


def evidence_spans(
    aligned: Aligned, pieces: list[tuple[int, int, float]], limit: int
) -> list[TextSpan]:
    """Up to ``limit`` phrases of ``aligned.raw`` with a positive net contribution, strongest
    first. ``pieces`` are ``(a, b, contribution)`` in prepared-text offsets."""
    if limit <= 0 or not pieces:
        return []
    char = [0.0] * len(aligned.text)
    for a, b, w in pieces:
        if b > a:
            share = w / (b - a)
            for i in range(a, b):
                char[i] += share
    units = word_units(aligned)
    weights = [sum(char[a:b]) for a, b in units]
    phrases: list[list[int]] = []  # indices of units
    for k, (a, _) in enumerate(units):
        if weights[k] <= 0:
            continue
        if phrases and phrases[-1][-1] == k - 1 and units[k - 1][1] == a:
            phrases[-1].append(k)
        else:
            phrases.append([k])
    out: list[TextSpan] = []
    seen: set[str] = set()
    for run in phrases:
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
        out.append(TextSpan(start=start, end=end, text=text, weight=round(weight, 4)))
    out.sort(key=lambda s: -s.weight)
    return [s for s in out[:limit] if s.weight >= _PHRASE_SHARE * out[0].weight]


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
