"""Where each character of a prepared call text came from in what the call taker typed.

Features are computed on the prepared text (``features.textprep.prepare_text``: personal
data masked, NFKC width folding, traditional → simplified, Chinese numerals → digits,
surnames → 某, lower case, spaces collapsed). A keyword found there (``20000块``) must be
shown as the call taker typed it (``兩萬塊``), so :func:`align` repeats those steps while
keeping, for every prepared character, the ``[start, end)`` of the original characters it
came from. A character that replaced several (a numeral run, a masked phone number) points
at all of them; ``masked[i]`` marks characters of a placeholder (``<MOBILE>``), which never
reach a keyword.

The steps follow ``features.text.normalize`` one by one; :func:`align` checks its result
against the real prepared text and, when a step it cannot follow changed the text (a
combining sequence NFKC composes), falls back to matching the equal blocks of both texts.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from features.pii import PLACEHOLDERS, find_pii
from features.text import (
    _DIGIT_WAN,
    _LOWER_PLACEHOLDER,
    _NUMERAL_RUN,
    _SPACES,
    _SURNAME_GIVEN,
    _TITLED_NAME,
    _numeral_value,
    _zh_tables,
)

__all__ = ["Aligned", "align", "align_texts"]


@dataclass
class Aligned:
    """A prepared text with, per character, the span of the original it came from."""

    raw: str
    text: str
    start: list[int] | range
    end: list[int] | range
    masked: list[bool]

    def original(self, a: int, b: int) -> tuple[int, int]:
        """The span of ``raw`` that prepared characters ``[a, b)`` came from."""
        return min(self.start[a:b]), max(self.end[a:b])


def align(raw: object, prepared: str | None = None) -> Aligned:
    """The prepared form of ``raw`` with its offset map (``prepared``, when given, is the
    pipeline's own result and wins if the steps here disagree with it)."""
    if not isinstance(raw, str):
        raw = "" if raw is None else str(raw)
    # Masking leaves a placeholder (``<MOBILE>``) that normalising keeps: without one in
    # the pipeline's own result there was nothing to mask.
    state = _mask(raw, prepared is None or "<" in prepared)
    state = _nfkc(state)
    state = _simplified(state)
    if any(ch in state.text for ch in "十百千万亿两三四五六七八九"):
        state = _sub(state, _NUMERAL_RUN, _numeral)
    if "万" in state.text:
        state = _sub(state, _DIGIT_WAN, _digit_wan)
    state = _sub(state, _TITLED_NAME, lambda m: "某" + m.group(1))
    state = _sub(state, _SURNAME_GIVEN, lambda m: "姓某")
    state = _lower(state)
    if "<" in state.text:
        state = _sub(state, _LOWER_PLACEHOLDER, lambda m: m.group(0).upper())
    state = _sub(state, _SPACES, lambda m: " ")
    state = _strip(state)
    if prepared is not None and state.text != prepared:
        return _matched(raw, prepared, state)
    return state


def _numeral(match: re.Match[str]) -> str:  # as in features.text.convert_numerals
    value = _numeral_value(match.group(0))
    return match.group(0) if value is None else str(value)


def _digit_wan(match: re.Match[str]) -> str:
    value = float(match.group(1)) * 10_000
    return str(int(value)) if value.is_integer() else match.group(0)


def _mask(raw: str, look: bool = True) -> Aligned:
    n = len(raw)
    spans = find_pii(raw) if look else []
    if not spans:
        return Aligned(raw, raw, list(range(n)), list(range(1, n + 1)), [False] * n)
    text: list[str] = []
    start: list[int] = []
    end: list[int] = []
    masked: list[bool] = []
    pos = 0
    for a, b, kind in spans:
        text.append(raw[pos:a])
        start += range(pos, a)
        end += range(pos + 1, a + 1)
        masked += [False] * (a - pos)
        mark = PLACEHOLDERS[kind]
        text.append(mark)
        start += [a] * len(mark)
        end += [b] * len(mark)
        masked += [True] * len(mark)
        pos = b
    text.append(raw[pos:])
    start += range(pos, n)
    end += range(pos + 1, n + 1)
    masked += [False] * (n - pos)
    return Aligned(raw, "".join(text), start, end, masked)


def _per_char(state: Aligned, fold: Callable[[str], str]) -> Aligned:
    """``fold`` applied to every character; a character that became several keeps its span."""
    text: list[str] = []
    start: list[int] = []
    end: list[int] = []
    masked: list[bool] = []
    for i, ch in enumerate(state.text):
        out = fold(ch)
        text.append(out)
        start += [state.start[i]] * len(out)
        end += [state.end[i]] * len(out)
        masked += [state.masked[i]] * len(out)
    return Aligned(state.raw, "".join(text), start, end, masked)


class _Nfkc(dict):
    """``str.translate`` table: each character's own NFKC form, filled on first sight."""

    def __missing__(self, code: int) -> str:
        self[code] = unicodedata.normalize("NFKC", chr(code))
        return self[code]


_NFKC = _Nfkc()


def _nfkc(state: Aligned) -> Aligned:
    text = state.text
    if unicodedata.is_normalized("NFKC", text):
        return state
    folded = text.translate(_NFKC)
    if len(folded) == len(text) and folded == unicodedata.normalize("NFKC", text):
        return Aligned(state.raw, folded, state.start, state.end, state.masked)  # one to one
    return _per_char(state, lambda ch: unicodedata.normalize("NFKC", ch))


def _simplified(state: Aligned) -> Aligned:
    """``features.text.to_simplified`` with the map: phrases by their own mapping (on the
    text as it was), the characters between them one by one."""
    chars, pattern, phrases = _zh_tables()
    if state.text.translate(chars) == state.text:
        return state
    out = Aligned(state.raw, "", [], [], [])
    pos = 0
    matches = list(pattern.finditer(state.text)) if pattern is not None else []
    for m in [*matches, None]:
        a, b = m.span() if m is not None else (len(state.text), len(state.text))
        _extend(out, _per_char(_slice(state, pos, a), lambda ch: ch.translate(chars)))
        if m is not None:
            _extend(out, _replaced(_slice(state, a, b), phrases[m.group(0)]))
        pos = b
    return out


def _slice(state: Aligned, a: int, b: int) -> Aligned:
    return Aligned(state.raw, state.text[a:b], state.start[a:b], state.end[a:b], state.masked[a:b])


def _extend(out: Aligned, part: Aligned) -> None:
    out.text += part.text
    out.start += part.start
    out.end += part.end
    out.masked += part.masked


def _replaced(part: Aligned, new: str) -> Aligned:
    """``part`` replaced by ``new``: character by character when the lengths agree, else
    every new character points at the whole of ``part``."""
    if len(new) == len(part.text):
        return Aligned(part.raw, new, part.start, part.end, part.masked)
    if not part.text:
        return Aligned(part.raw, new, [], [], [])
    n = len(new)
    return Aligned(
        part.raw, new, [min(part.start)] * n, [max(part.end)] * n, [any(part.masked)] * n
    )


def _sub(
    state: Aligned, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]
) -> Aligned:
    """``pattern.sub(replace, text)`` keeping the map (see :func:`_replaced`)."""
    changed = [
        (m.span(), new) for m in pattern.finditer(state.text) if (new := replace(m)) != m.group(0)
    ]
    if not changed:  # every match stays as it is (a numeral run that is not a number)
        return state
    out = Aligned(state.raw, "", [], [], [])
    pos = 0
    for (a, b), new in changed:
        _extend(out, _slice(state, pos, a))
        _extend(out, _replaced(_slice(state, a, b), new))
        pos = b
    _extend(out, _slice(state, pos, len(state.text)))
    return out


def _lower(state: Aligned) -> Aligned:
    lowered = state.text.lower()
    if len(lowered) == len(state.text):
        return Aligned(state.raw, lowered, state.start, state.end, state.masked)
    return _per_char(state, str.lower)


def _strip(state: Aligned) -> Aligned:
    text = state.text
    a = len(text) - len(text.lstrip())
    b = len(text.rstrip())
    if a == 0 and b == len(text):
        return state
    return Aligned(state.raw, text[a:b], state.start[a:b], state.end[a:b], state.masked[a:b])


def _matched(raw: str, prepared: str, near: Aligned) -> Aligned:
    """Map ``prepared`` through the equal blocks it shares with ``near.text``; characters
    outside them point at the span between their neighbours' origins."""
    n = len(prepared)
    start = [-1] * n
    end = [-1] * n
    masked = [False] * n
    matcher = difflib.SequenceMatcher(None, near.text, prepared, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            i, j = block.a + k, block.b + k
            start[j], end[j], masked[j] = near.start[i], near.end[i], near.masked[i]
    last = 0
    for j in range(n):  # unmatched characters: from the previous origin to the next one
        if start[j] < 0:
            nxt = next((start[t] for t in range(j + 1, n) if start[t] >= 0), len(raw))
            start[j], end[j], masked[j] = last, max(nxt, last), True
        last = end[j]
    return Aligned(raw, prepared, start, end, masked)


@lru_cache(maxsize=1)
def _folds() -> np.ndarray:
    """Per code point of the BMP, the one character a prepared text makes of it on its own
    (NFKC, simplified script, lower case), or -1 when that is not one character."""
    chars = _zh_tables()[0]
    out = np.full(0x10000, -1, dtype=np.int32)
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        folded = unicodedata.normalize("NFKC", chr(code))
        if len(folded) == 1:
            folded = folded.translate(chars).lower()
            if len(folded) == 1:
                out[code] = ord(folded)
    return out


@lru_cache(maxsize=1)
def _fold_list() -> list[int]:
    return _folds().tolist()


def _plain(raw: str, text: str) -> bool:
    """Every character of ``text`` is the one of ``raw`` at its place or what that one
    folds to on its own (``raw`` and ``text`` of one length)."""
    folds = _fold_list()
    for x, y in zip(raw, text):  # noqa: B905
        if x != y:
            code = ord(x)
            if code >= 0x10000 or folds[code] != ord(y):
                return False
    return True


def align_texts(raws: list[str], prepared: list[str]) -> list[Aligned]:
    """:func:`align` of every text of a batch. A prepared text of the typed one's length
    whose every character is the typed one or what it folds to on its own (full-width
    punctuation, traditional characters, capitals) maps character for character, found for
    the whole batch in a few array operations; only the others go through :func:`align`."""
    from features.batch_text import code_points

    n = len(raws)
    raws = [r if isinstance(r, str) else ("" if r is None else str(r)) for r in raws]
    if n == 1:  # one text: the same test, character by character
        raw, text = raws[0], prepared[0]
        if len(raw) == len(text) and _plain(raw, text):
            m = len(text)
            return [Aligned(raw, text, range(m), range(1, m + 1), [False] * m)]
        return [align(raw, text)]
    same_len = [len(r) == len(p) for r, p in zip(raws, prepared)]  # noqa: B905
    plain = np.zeros(n, dtype=bool)
    idx = [i for i in range(n) if same_len[i]]
    if idx:
        a = code_points("".join(raws[i] for i in idx)).astype(np.int64)
        b = code_points("".join(prepared[i] for i in idx)).astype(np.int64)
        if len(a) == len(b):
            fold = _folds()
            folded = np.where(a < 0x10000, fold[np.minimum(a, 0xFFFF)], -1)
            bad = (a != b) & (folded != b)
            lengths = np.asarray([len(raws[i]) for i in idx], dtype=np.int64)
            doc = np.repeat(np.arange(len(idx)), lengths)
            wrong = np.bincount(doc[bad], minlength=len(idx))
            plain[np.asarray(idx)[wrong == 0]] = True
    out = []
    for i, (raw, text) in enumerate(zip(raws, prepared)):  # noqa: B905
        if plain[i]:
            m = len(text)
            out.append(Aligned(raw, text, range(m), range(1, m + 1), [False] * m))
        else:
            out.append(align(raw, text))
    return out
