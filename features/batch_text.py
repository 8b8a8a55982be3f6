"""Masking and normalisation of a whole batch of texts in a few passes over one string.

Scoring a call costs a few microseconds of real work and as much again in Python calls:
one NFKC call, one ``translate``, half a dozen regex searches per text. Joined with a
separator that none of those steps can match, map or cross (``SEP``, a NUL character),
a batch goes through each step once, and splitting the result gives exactly what the
per-text functions give, because every pattern involved matches only inside one text
(none matches the separator, and a look-around or ``\\b`` sees the separator as it sees
the text's start or end). A batch that already holds the separator is done text by text.

``tests/features/test_batch_text.py`` checks equality with :func:`features.textprep.prepare_text`
and :func:`features.text.normalize` on simulated calls, the hand-written set and corrupted texts.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from features.nfkc import nfkc_batch
from features.pii import SCREEN_PATTERN, mask_pii, mask_screened
from features.pii_screen import folded_texts, screened_docs
from features.text import (
    NUMERAL_GUARD,
    _zh_tables,
    anonymise_names,
    guarded_numerals,
    normalize,
    to_simplified,
)

__all__ = ["SEP", "doc_of_positions", "mask_texts", "normalize_texts", "prepare_texts"]

SEP = "\x00"
_SCREEN = re.compile(SCREEN_PATTERN)
_SHORT = 2_000  # characters below which the screen's regular expression is quicker
_LOWER_PLACEHOLDER = re.compile(r"<[a-z]+>")
# convert_numerals works only on a text holding one of these characters.
_NUMERAL_GUARD = re.compile(f"[{NUMERAL_GUARD}]")


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    return "" if value is None else str(value)


def joinable(texts: list[str]) -> str | None:
    """The texts joined by :data:`SEP`, or None when one of them holds the separator."""
    joined = SEP.join(texts)
    if joined.count(SEP) != max(len(texts) - 1, 0):
        return None
    return joined


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` as an array (one element per character)."""
    return np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)


def separators(joined: str) -> np.ndarray:
    """Positions of :data:`SEP` in ``joined``."""
    return np.flatnonzero(code_points(joined) == 0)


def doc_of_positions(joined: str, positions, seps: np.ndarray | None = None) -> np.ndarray:
    """Index of the text each character position of ``joined`` falls in."""
    seps = separators(joined) if seps is None else seps
    return np.searchsorted(seps, np.asarray(positions, dtype=np.int64), side="right")


@lru_cache(maxsize=1)
def _traditional() -> np.ndarray:
    """A lookup over code points: True for the characters ``to_simplified`` converts."""
    chars = _zh_tables()[0]
    table = np.zeros(0x110000, dtype=bool)
    table[np.fromiter(chars, dtype=np.int64, count=len(chars))] = True
    return table


def _simplified(joined: str, seps: np.ndarray) -> str:
    """``to_simplified`` of each text: only texts holding a convertible character change,
    and only they go through the phrase matcher."""
    points = code_points(joined)
    hits = np.flatnonzero(_traditional()[points])
    if not len(hits):
        return joined
    pieces = joined.split(SEP)
    for i in np.unique(np.searchsorted(seps, hits, side="right")).tolist():
        pieces[i] = to_simplified(pieces[i])
    return SEP.join(pieces)


def _numerals(joined: str) -> str:
    """``convert_numerals`` of each text: it changes nothing in a text without one of
    its guard characters (万 is one of them), so only the texts holding one are converted."""
    starts = [m.start() for m in _NUMERAL_GUARD.finditer(joined)]
    if not starts:
        return joined
    pieces = joined.split(SEP)
    for i in set(doc_of_positions(joined, starts).tolist()):
        pieces[i] = guarded_numerals(pieces[i])
    return SEP.join(pieces)


def mask_texts(texts: list[str], joined: str | None = None) -> list[str]:
    """``[mask_pii(t) for t in texts]``: the full matcher runs only on the texts the cheap
    screen flags, found by one scan of the joined batch."""
    joined = joinable(texts) if joined is None else joined
    if joined is None:
        return [mask_pii(t) for t in texts]
    out = list(texts)
    if len(joined) < _SHORT:
        starts = [m.start() for m in _SCREEN.finditer(joined)]
        for i in set(doc_of_positions(joined, starts).tolist()) if starts else ():
            out[i] = mask_screened(texts[i])
        return out
    # the screen by array operations (features.pii_screen), and the folded characters
    # of the texts it flags (the first step of masking's normalised view) at once
    points = code_points(joined)
    seps = np.flatnonzero(points == 0)
    flagged = screened_docs(points, seps).tolist()
    if flagged:
        folded = folded_texts(points, seps, flagged)
        for i in flagged:
            out[i] = mask_screened(texts[i], folded.get(i))
    return out


def normalize_texts(texts: list[str]) -> list[str]:
    """``[normalize(t) for t in texts]`` in one pass of each step over the joined batch."""
    joined = joinable(texts)
    if joined is None:
        return [normalize(t) for t in texts]
    text = nfkc_batch(joined)
    text = _simplified(text, separators(text))
    text = _numerals(text)
    text = anonymise_names(text)
    text = text.lower()
    if "<" in text:
        text = _LOWER_PLACEHOLDER.sub(lambda m: m.group(0).upper(), text)
    # whitespace runs as one space: str.split's whitespace is the regex \s of normalize
    return [piece.strip() for piece in " ".join(text.split()).split(SEP)]


def prepare_texts(texts) -> list[str]:
    """``[prepare_text(t) for t in texts]``: masked, then normalised, batch-wise."""
    texts = [_as_text(t) for t in texts]
    if not texts:
        return []
    return normalize_texts(mask_texts(texts))
