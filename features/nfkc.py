"""NFKC of a batch of call texts by one ``str.translate`` where that is exact.

``unicodedata.normalize("NFKC", s)`` returns at once when ``s`` is already normal, but a
single full-width comma (``，``, which NFKC maps to ``,``) in a Chinese call sends the whole
string, and so the whole joined batch, through decomposition and recomposition. Most
characters that NFKC changes change alone, whatever stands beside them: those whose
decomposition starts with a character that has combining class 0 and never composes with
what precedes it (Unicode's "boundary before", as ICU's ``hasCompBoundaryBefore`` has it).
When every character of a text is such a character, NFKC works on each one separately, so
the text's NFKC is each character's NFKC side by side: a ``translate`` table. A text
holding any other character (a combining mark, a Hangul vowel or final jamo, anything
outside the Basic Multilingual Plane, whose table is not built) goes through
``unicodedata.normalize`` itself. ``tests/features/test_nfkc.py`` checks both against
``unicodedata`` on every BMP character beside every other kind.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np

__all__ = ["nfkc_batch"]

_SEP = "\x00"  # what the batch functions join texts with (a boundary like any ASCII)
_SHORT = 2_000  # characters below which unicodedata itself is quicker than array calls


@lru_cache(maxsize=1)
def _tables() -> tuple[np.ndarray, dict[int, str]]:
    """Per BMP code point: True when NFKC may need its neighbours (no boundary before
    it); and the characters NFKC changes alone, with what it makes of them."""
    chars = [chr(c) for c in range(0x10000)]
    decomposition = list(map(unicodedata.decomposition, chars))
    # Characters that can be the second of a canonical composition (NFKC_QC = Maybe,
    # and more): second characters of two-character canonical decompositions, and the
    # Hangul vowel and final jamo that compose with a syllable algorithmically.
    seconds = {
        int(d.split()[1], 16)
        for d in decomposition
        if d and not d.startswith("<") and len(d.split()) == 2
    }
    seconds |= set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    combining = np.fromiter(map(unicodedata.combining, chars), dtype=np.int64, count=0x10000)
    blocked = combining != 0
    blocked[list(seconds)] = True
    table: dict[int, str] = {}
    for code, d in enumerate(decomposition):
        if not d or blocked[code]:
            continue
        first = ord(unicodedata.normalize("NFKD", chars[code])[0])
        if first > 0xFFFF or blocked[first]:
            blocked[code] = True  # it decomposes to something that may join what precedes
            continue
        mapped = unicodedata.normalize("NFKC", chars[code])
        if mapped != chars[code]:
            table[code] = mapped
    return blocked, table


@lru_cache(maxsize=1)
def _changes() -> np.ndarray:
    """Per BMP code point: True when NFKC changes it alone."""
    changes = np.zeros(0x10000, dtype=bool)
    changes[list(_tables()[1])] = True
    return changes


def _mapped(text: str, points: np.ndarray, table: dict[int, str]) -> str:
    """``text.translate(table)`` by one ``replace`` per distinct character to change (a
    batch holds a handful: ，！？：（）…); no replacement holds a character of the table."""
    for code in np.unique(points[_changes()[points]]).tolist():
        text = text.replace(chr(code), table[code])
    return text


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)


def nfkc_batch(joined: str) -> str:
    """``unicodedata.normalize("NFKC", t)`` of every text of ``joined`` (texts joined by
    NUL, the separator staying as it is)."""
    if len(joined) < _SHORT or unicodedata.is_normalized("NFKC", joined):
        return unicodedata.normalize("NFKC", joined)  # a text or two: no array calls
    return _by_table(joined)


def _by_table(joined: str) -> str:
    """:func:`nfkc_batch` through the tables, whatever the length."""
    blocked, table = _tables()
    points = _code_points(joined)
    hard = points > 0xFFFF
    hard[~hard] = blocked[points[~hard]]
    if not hard.any():
        return _mapped(joined, points, table)
    pieces = joined.split(_SEP)
    seps = np.flatnonzero(points == 0)
    slow = set(np.searchsorted(seps, np.flatnonzero(hard), side="right").tolist())
    return _SEP.join(
        unicodedata.normalize("NFKC", p) if i in slow else p.translate(table)
        for i, p in enumerate(pieces)
    )
