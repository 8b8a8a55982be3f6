"""Cue values of a whole batch of texts (``features.cues.cue_vector`` of each) in a few scans.

A batch is scanned as one string (texts joined by NUL, which no cue matches). Negated
mentions are cut out first, as ``cue_vector`` cuts them; then every literal cue word is
found by its integer code: the code points of every one, two and three characters of the
batch are coded as in ``features.ngram_codes`` and looked up in a table of the cue words'
codes (``features.code_table``), and words of four or more characters are confirmed where
their first three are found. The one cue that is a regular expression (amounts of money)
and the amounts themselves run only over the texts that hold a decimal digit.
``tests/features/test_batch_text.py`` checks equality with ``cue_vector``.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from features.code_table import CodeTable
from features.cues import (
    _AMOUNT,
    _CUE_PATTERNS,
    _META,
    _NEGATED_INJURY,
    _NEGATED_LOSS,
    CUE_NAMES,
    _alternatives,
)
from features.ngram_codes import _BITS, _code

__all__ = ["batch_cues"]

_SEP = "\x00"
_LONGEST_CODED = 3  # characters a code holds (three code points fit in 64 bits)


@lru_cache(maxsize=1)
def _words():
    """The literal cue words as tables: codes of the words of up to three characters →
    word number, codes of the first three characters of longer words → their group; which
    cues each word is a word of; and the alternatives that are regular expressions."""
    words: dict[str, list[int]] = {}
    patterns: list[tuple[int, re.Pattern[str]]] = []
    for k, pattern in enumerate(_CUE_PATTERNS.values()):
        for alternative in _alternatives(pattern):
            if _META.search(alternative):
                patterns.append((k, re.compile(alternative)))
            else:
                words.setdefault(alternative, []).append(k)
    short = [w for w in words if len(w) <= _LONGEST_CODED]
    longer = [w for w in words if len(w) > _LONGEST_CODED]
    names = short + longer
    of_cue = np.zeros((len(names), len(CUE_NAMES)), dtype=bool)
    for i, word in enumerate(names):
        of_cue[i, words[word]] = True
    exact = CodeTable(np.asarray([_code(w) for w in short], dtype=np.uint64), range(len(short)))
    heads = sorted({w[:_LONGEST_CODED] for w in longer})
    by_head = CodeTable(np.asarray([_code(h) for h in heads], dtype=np.uint64), range(len(heads)))
    groups = [
        [(len(short) + j, w) for j, w in enumerate(longer) if w.startswith(head)] for head in heads
    ]
    starts_word = np.zeros(0x10000, dtype=bool)
    starts_word[[ord(w[0]) for w in names if ord(w[0]) < 0x10000]] = True
    return exact, by_head, groups, of_cue, patterns, starts_word


@lru_cache(maxsize=2)
def _first_chars(pattern: re.Pattern[str]) -> np.ndarray:
    """Per BMP code point: True when a match of ``pattern`` (a negation) can start there."""
    table = np.zeros(0x10000, dtype=bool)
    for alternative in _alternatives(pattern.pattern):
        head = re.match(r"\(\?:([^()]*)\)|(.)", alternative)
        firsts = head.group(1).split("|") if head.group(1) is not None else [head.group(2)]
        table[[ord(f[0]) for f in firsts]] = True
    return table


@lru_cache(maxsize=1)
def _amount_chars() -> tuple[np.ndarray, np.ndarray]:
    """Per BMP code point: what ``\\d`` matches (Unicode decimal digits), and the units an
    amount ends with (元 块 万); a text needs both to hold an amount."""
    digits = np.fromiter((chr(c).isdecimal() for c in range(0x10000)), dtype=bool, count=0x10000)
    units = np.zeros(0x10000, dtype=bool)
    units[[ord(c) for c in "元块万"]] = True
    return digits, units


def _points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)


def _doc(seps: np.ndarray, positions) -> np.ndarray:
    return np.searchsorted(seps, np.asarray(positions, dtype=np.int64), side="right")


def _word_hits(plain: str, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and word number of every occurrence of every literal cue word in ``plain``:
    at every position whose character starts a cue word, the codes of its next one, two
    and three characters are looked up."""
    exact, by_head, groups, _, _, starts_word = _words()
    at = np.flatnonzero(starts_word[np.minimum(points, 0xFFFF)] & (points <= 0xFFFF))
    plus1 = np.zeros(len(points) + _LONGEST_CODED, dtype=np.uint64)  # zeros: past the end
    plus1[: len(points)] = points
    plus1[: len(points)] += np.uint64(1)
    starts, found = [], []
    code = np.zeros(len(at), dtype=np.uint64)
    for n in range(_LONGEST_CODED):
        code = (code << np.uint64(_BITS)) | plus1[at + n]
        word = exact.get(code)
        hit = word >= 0
        starts.append(at[hit])
        found.append(word[hit])
    group = by_head.get(code)  # a longer word: its first three characters, then the rest
    for i in np.flatnonzero(group >= 0).tolist():
        for number, text in groups[group[i]]:
            if plain.startswith(text, int(at[i])):
                starts.append(at[i : i + 1])
                found.append(np.asarray([number]))
    return np.concatenate(starts), np.concatenate(found)


def _docs_with(table: np.ndarray, points: np.ndarray, seps: np.ndarray) -> list[int]:
    """The texts holding a character ``table`` marks (any character outside the BMP
    counts as marked)."""
    marked = table[np.minimum(points, 0xFFFF)] | (points > 0xFFFF)
    return np.unique(_doc(seps, np.flatnonzero(marked))).tolist()


def _matches(pattern: re.Pattern[str], pieces: list[str], docs: list[int]):
    """``(doc, match)`` of every match of ``pattern`` in ``pieces[d]`` for ``d`` in
    ``docs``, by one scan of those pieces joined."""
    if not docs:
        return []
    joined = _SEP.join(pieces[d] for d in docs)
    found = list(pattern.finditer(joined))
    where = _doc(np.flatnonzero(_points(joined) == 0), [m.start() for m in found])
    return [(docs[w], m) for w, m in zip(where.tolist(), found, strict=True)]


def _docs_matching(pattern: re.Pattern[str], joined: str, points, seps) -> set[int]:
    """The texts of ``joined`` holding a match of ``pattern`` (a negation, which never
    spans the separator): the pattern is tried only where a character it can start with
    stands, and a text no further once it has one."""
    starts = np.flatnonzero(_first_chars(pattern)[np.minimum(points, 0xFFFF)] | (points > 0xFFFF))
    found: set[int] = set()
    for doc, at in zip(_doc(seps, starts).tolist(), starts.tolist(), strict=True):
        if doc not in found and pattern.match(joined, at):
            found.add(doc)
    return found


def batch_cues(texts: list[str]) -> np.ndarray:
    """:func:`features.cues.cue_vector` of every text (none holding NUL), as one array."""
    joined = _SEP.join(texts)
    n, n_cues = len(texts), len(_CUE_PATTERNS)
    out = np.zeros((n, len(CUE_NAMES)), dtype=np.float64)
    points = _points(joined)
    seps = np.flatnonzero(points == 0)
    pieces = joined.split(_SEP)
    injury = _docs_matching(_NEGATED_INJURY, joined, points, seps)
    loss = _docs_matching(_NEGATED_LOSS, joined, points, seps)
    plain = joined
    if injury or loss:  # cut as cue_vector cuts: injuries, then losses in texts with one
        cut = list(pieces)
        for d in injury:
            cut[d] = _NEGATED_INJURY.sub("", cut[d])
        for d in loss:
            cut[d] = _NEGATED_LOSS.sub("", cut[d])
        plain = _SEP.join(cut)
    plain_points = _points(plain) if plain is not joined else points
    plain_seps = np.flatnonzero(plain_points == 0)
    starts, words = _word_hits(plain, plain_points)
    rows, cues = np.nonzero(_words()[3][words])
    out[_doc(plain_seps, starts[rows]), cues] = 1.0
    # An amount (a digit run, then a unit) is looked for only in texts holding a decimal
    # digit and a unit (outside the BMP: taken as maybe one); cutting negated phrases
    # removes neither. Other regular-expression alternatives run over every text.
    digits, units = _amount_chars()
    with_digits = set(_docs_with(digits, points, seps))
    with_amount = sorted(with_digits & set(_docs_with(units, points, seps)))
    plain_pieces = plain.split(_SEP)
    for k, pattern in _words()[4]:
        amount = pattern.pattern.startswith(r"\d") and pattern.pattern.endswith("(?:元|块|万)")
        docs = with_amount if amount else list(range(n))
        for doc, _ in _matches(pattern, plain_pieces, docs):
            out[doc, k] = 1.0
    out[list(injury), n_cues] = 1.0
    out[list(loss), n_cues + 1] = 1.0
    largest = np.zeros(n)
    for doc, match in _matches(_AMOUNT, pieces, with_amount):
        try:
            value = float(match.group(1))
        except ValueError:
            continue
        largest[doc] = max(largest[doc], value)
    out[:, n_cues + 2] = np.minimum(np.log10(1.0 + largest) / 6.0, 1.5)
    out[:, n_cues + 3] = largest >= 5000
    return out
