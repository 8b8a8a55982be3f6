"""The normalised view of a text that personal-data matching runs on.

``normalise(text)`` returns ``(norm, origin)``: ``norm`` is what the matchers read and
``origin[i]`` is the index in ``text`` that ``norm[i]`` came from, so a span found in
``norm`` masks exactly the right characters of the original.

What it does, each for a way people (or evasive writers) spell numbers:

* NFKC per character when that gives one character: full-width ``１３８``, mathematical
  ``𝟏𝟑𝟖``, superscripts; every script's decimal digits (Arabic-Indic ``١٣٨``, Devanagari…)
  and single-digit circled or dingbat numbers (``①``, ``❶``, ``➀``) become ASCII digits.
* zero-width and bidirectional-control characters are dropped (``138\u200b0013…``).
* Chinese numerals (``〇零一二…九幺两``, and the financial ``壹贰…``) become digits, but only
  inside a digit run of at least ``NUMERAL_RUN`` characters: ``一三八零零一三八零零零`` is a
  phone number, ``三个人`` and ``一九年`` are words.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["NUMERAL_RUN", "SCREEN_PATTERN", "ZERO_WIDTH", "normalise"]

ZERO_WIDTH = "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\ufeff"
_NUMERALS = "〇○零一二三四五六七八九幺两壹贰叁肆伍陆柒捌玖"
_NUMERAL_DIGITS = "00012345678912123456789"
NUMERAL_RUN = 7  # shorter runs of numerals are words and dates, not numbers

_NUMERAL_TABLE = str.maketrans(_NUMERALS, _NUMERAL_DIGITS)
_ZERO_WIDTH_RE = re.compile(f"[{ZERO_WIDTH}]")
# A run of digits and numerals, with single separators, that may need folding.
_NUMERAL_RUN_RE = re.compile(
    rf"[0-9{_NUMERALS}](?:[ .\-—–·]?[0-9{_NUMERALS}]){{{NUMERAL_RUN - 1},}}"
)
_HAS_NUMERAL = re.compile(f"[{_NUMERALS}]")

# What makes a text worth the full matcher: four digit-like characters in a row (any script,
# circled, numerals; single separators or zero-width characters allowed between them), or
# a province and a letter (plates). ``\d`` is Unicode-aware: every script's decimal digits.
_DIGIT_LIKE = (
    rf"[\d\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24ff\u2776-\u2793{_NUMERALS}]"
)
_SCREEN_SEP = rf"[ .\-—–·_{ZERO_WIDTH}]"
_SCREEN_PROVINCE = "[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
_SCREEN_LETTER = "[A-Za-zＡ-Ｚａ-ｚ]"
SCREEN_PATTERN = (
    rf"(?:{_DIGIT_LIKE}{_SCREEN_SEP}?){{3}}{_DIGIT_LIKE}|{_SCREEN_PROVINCE} ?{_SCREEN_LETTER}"
)


class _FoldTable(dict[int, int | str]):
    """A ``str.translate`` table filled on first sight of each character (then a dict hit).

    Only one-to-one foldings are kept, so ``translate`` preserves length and offsets.
    """

    def __missing__(self, cp: int) -> int | str:
        ch = chr(cp)
        folded: int | str = cp
        if ch.isdigit() and not ch.isascii():
            digit = unicodedata.digit(ch, None)
            if digit is not None:
                folded = ord("0") + digit
        else:
            nfkc = unicodedata.normalize("NFKC", ch)
            if len(nfkc) == 1 and nfkc != ch:
                folded = nfkc
        self[cp] = folded
        return folded


_FOLD = _FoldTable({cp: cp for cp in range(128)})


def _fold_numerals(match: re.Match[str]) -> str:
    return match.group().translate(_NUMERAL_TABLE)


def normalise(text: str, folded: str | None = None) -> tuple[str, list[int] | range]:
    """``(norm, origin)`` for ``text``; see the module docstring. ``folded``: the caller
    knows ``text`` holds no zero-width character and gives ``text.translate(_FOLD)``
    (``features.pii_screen.folded_texts`` folds a whole batch at once)."""
    origin: list[int] | range = range(len(text))
    if folded is not None:
        norm = folded
    else:
        if _ZERO_WIDTH_RE.search(text):
            origin = [i for i, ch in enumerate(text) if ch not in ZERO_WIDTH]
            text = _ZERO_WIDTH_RE.sub("", text)
        norm = text.translate(_FOLD)
    if _HAS_NUMERAL.search(norm):
        norm = _NUMERAL_RUN_RE.sub(_fold_numerals, norm)
    return norm, origin
