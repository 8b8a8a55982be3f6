"""The personal-data screen (``SCREEN_PATTERN``) of a whole batch by array operations.

Masking runs its full matcher only on the texts the cheap screen flags: four digit-like
characters in a row (a single separator allowed between two of them), or a province
and a Latin letter (a plate). On a joined batch the regular expression scans every
character one by one; here each character's class is read from a table over all code
points, built once by running the screen's own character classes over every code point,
and the screen's two shapes are then a few shifted array comparisons:

* ``(?:D S?){3} D``: ``R1 = D``, ``R(k+1)[i] = D[i] and (Rk[i+1] or (S[i+1] and
  Rk[i+2]))``; a match starts at ``i`` exactly when ``R4[i]`` (D and S never share a
  character, so the optional separator is never a digit).
* ``P ?L``: ``P[i] and (L[i+1] or (i+1 is a space and L[i+2]))``.

Neither shape can cross the separator (NUL is in no class), so a text is flagged exactly
when the regular expression finds a match in it (``tests/features/test_pii_screen.py``).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from features.pii_normal import (
    _DIGIT_LIKE,
    _FOLD,
    _SCREEN_LETTER,
    _SCREEN_PROVINCE,
    _SCREEN_SEP,
    ZERO_WIDTH,
)

__all__ = ["folded_texts", "screened_docs", "warm_screen"]

_DIGIT, _SEPARATOR, _PROVINCE, _LETTER, _SPACE = 1, 2, 4, 8, 16


@lru_cache(maxsize=1)
def _classes() -> np.ndarray:
    """Per code point, the bits of the screen's classes it belongs to."""
    every = np.arange(0x110000, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    table = np.zeros(0x110000, dtype=np.uint8)
    for bit, pattern in (
        (_DIGIT, _DIGIT_LIKE),
        (_SEPARATOR, _SCREEN_SEP),
        (_PROVINCE, _SCREEN_PROVINCE),
        (_LETTER, _SCREEN_LETTER),
        (_SPACE, " "),
    ):
        table[[m.start() for m in re.finditer(pattern, every)]] |= bit
    return table


def screened_docs(points: np.ndarray, seps: np.ndarray) -> np.ndarray:
    """The texts (indexes, ascending) of a joined batch that the screen flags, from the
    batch's code points and the positions of its separators."""
    flags = np.zeros(len(points) + 2, dtype=np.uint8)  # two unflagged places past the end
    flags[: len(points)] = _classes()[points]
    digit = (flags & _DIGIT) != 0
    sep = (flags & _SEPARATOR) != 0
    chain = digit
    for _ in range(3):
        longer = np.zeros_like(chain)
        longer[:-2] = chain[1:-1] | (sep[1:-1] & chain[2:])
        chain = digit & longer
    letter = (flags & _LETTER) != 0
    plate = np.zeros_like(chain)
    plate[:-2] = letter[1:-1] | (((flags[1:-1] & _SPACE) != 0) & letter[2:])
    plate &= (flags & _PROVINCE) != 0
    return np.unique(np.searchsorted(seps, np.flatnonzero(chain | plate), side="right"))


@lru_cache(maxsize=1)
def _folding() -> np.ndarray:
    """Per BMP code point, what the normalised view (``features.pii_normal``) folds it to
    (one character for one, by that view's own table); the zero-width characters it
    drops map to 0xFFFFFFFF."""
    bmp = np.arange(0x10000, dtype=np.uint32)
    chars = bmp.tobytes().decode("utf-32-le", "surrogatepass")
    folded = chars.translate(_FOLD).encode("utf-32-le", "surrogatepass")
    table = np.frombuffer(folded, dtype=np.uint32).copy()
    table[[ord(ch) for ch in ZERO_WIDTH]] = _DROPPED
    return table


_DROPPED = 0xFFFFFFFF


def folded_texts(points: np.ndarray, seps: np.ndarray, docs: list[int]) -> dict[int, str]:
    """``text.translate(_FOLD)`` of each of ``docs`` of a joined batch that holds neither
    a zero-width character nor one outside the BMP (those are left out), by one gather
    in the folding table."""
    folded = _folding()[np.minimum(points, 0xFFFF)]
    hard = (points > 0xFFFF) | (folded == _DROPPED)
    folded[hard] = 0x20  # (those texts are left out)
    left_out = set(np.searchsorted(seps, np.flatnonzero(hard), side="right").tolist())
    pieces = folded.tobytes().decode("utf-32-le", "surrogatepass")
    pieces = pieces.split("\x00")
    return {d: pieces[d] for d in docs if d not in left_out}


def warm_screen() -> None:
    """Build the tables now (a fraction of a second of CPU), not on the first batch."""
    _classes()
    _folding()
