"""Find and mask personal data in call descriptions.

Call texts reach logs, MLflow artifacts, training sets and the feedback store, so personal
data is replaced by typed placeholders *before* any of that happens. The placeholders keep
the information a model needs ("the caller gave a phone number") without the data itself.

Matching is deliberately checksum-aware: an 18-digit number is only an ID number when its
ISO 7064 MOD 11-2 check digit is right, a 16–19 digit number is only a bank card when it
passes Luhn. That keeps order numbers, amounts, times and house numbers readable, which
matters for triage (``5000元`` is a fraud amount, ``23:40`` a time of day).

Full-width characters (``１３８…``, ``（０２１）``) are matched through a one-to-one
translation, so spans always index the original text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["PLACEHOLDERS", "PiiSpan", "find_pii", "mask_pii"]

PLACEHOLDERS: dict[str, str] = {
    "mobile": "<MOBILE>",
    "landline": "<LANDLINE>",
    "idcard": "<IDCARD>",
    "plate": "<PLATE>",
    "bankcard": "<BANKCARD>",
}


class PiiSpan(NamedTuple):
    """A piece of personal data: ``text[start:end]`` is of ``kind`` (a PLACEHOLDERS key)."""

    start: int
    end: int
    kind: str


# One-to-one (length-preserving) map of full-width digits, letters and punctuation to ASCII,
# so that regexes written for ASCII also match full-width input at the same offsets.
_FULLWIDTH = {ord("０") + i: ord("0") + i for i in range(10)}
_FULLWIDTH.update({ord("Ａ") + i: ord("A") + i for i in range(26)})
_FULLWIDTH.update({ord("ａ") + i: ord("a") + i for i in range(26)})
_FULLWIDTH.update({ord(a): ord(b) for a, b in zip("－（）＋　", "-()+ ", strict=True)})

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_LETTER = "A-HJ-NP-Z"  # plates never use I or O

# Cheap screen: every kind needs four digits in a row, or a province + letter (plates).
_CANDIDATE = re.compile(rf"[0-9０-９]{{4}}|[{_PROVINCES}][A-Za-zＡ-Ｚａ-ｚ]")

_ID18 = re.compile(
    r"(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])"
    r"(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9])"
)
# Old 15-digit IDs have no check digit, so they are only taken when announced as an ID.
_ID15 = re.compile(
    r"(?<![0-9])[1-9][0-9]{5}[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}(?![0-9])"
)
_ID_CONTEXT = ("身份证", "证件号", "身份号")
_CARD = re.compile(
    r"(?<![0-9])(?:[0-9]{16,19}|[0-9]{4}(?:[ -][0-9]{4}){3}(?:[ -]?[0-9]{1,3})?)(?![0-9])"
)
# Numbers announced as order/tracking numbers are not bank cards even when Luhn-valid.
_NOT_CARD_CONTEXT = ("订单", "单号", "运单", "流水号", "编号", "工单")
_MOBILE = re.compile(
    r"(?<![0-9+])(?:(?:\+|00)86[ -]?)?1[3-9][0-9](?:[0-9]{8}|[ -][0-9]{4}[ -][0-9]{4})(?![0-9])"
)
_LANDLINE = re.compile(
    r"(?<![0-9])(?:\(0[1-9][0-9]{1,2}\) ?|0[1-9][0-9]{1,2}[ -])[2-9][0-9]{6,7}"
    r"(?:-[0-9]{1,4})?(?![0-9])"
)
_PLATE = re.compile(
    rf"[{_PROVINCES}][{_PLATE_LETTER}][·• ]?"
    rf"(?:[DF][{_PLATE_LETTER}0-9][0-9]{{4}}|[0-9]{{5}}[DF]|[{_PLATE_LETTER}0-9]{{5}})"
    rf"[挂学警港澳]?(?![A-Za-z0-9])",
    re.IGNORECASE,
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_ok(number: str) -> bool:
    """True when an 18-character ID number has the right ISO 7064 MOD 11-2 check digit."""
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn_ok(digits: str) -> bool:
    """True when a digit string passes the Luhn check used by bank cards."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _context(text: str, start: int, words: tuple[str, ...], width: int = 8) -> bool:
    before = text[max(0, start - width) : start]
    return any(w in before for w in words)


def find_pii(text: str) -> list[PiiSpan]:
    """All personal-data spans in ``text``, sorted by start, never overlapping.

    Kinds are tried from the most specific (checksummed IDs and cards) to the least
    (plates), and a later kind never claims characters an earlier one took.
    """
    if not text or not _CANDIDATE.search(text):
        return []
    norm = text.translate(_FULLWIDTH)
    spans: list[PiiSpan] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(start: int, end: int, kind: str) -> None:
        spans.append(PiiSpan(start, end, kind))
        taken.append((start, end))

    id_shaped: list[tuple[int, int]] = []
    for m in _ID18.finditer(norm):
        # ID-shaped numbers with a wrong check digit are left alone (a mistyped ID or
        # another number), and are not re-read as bank cards either.
        id_shaped.append(m.span())
        if id_check_ok(m.group()):
            add(m.start(), m.end(), "idcard")
    for m in _ID15.finditer(norm):
        if free(*m.span()) and _context(norm, m.start(), _ID_CONTEXT):
            add(m.start(), m.end(), "idcard")
    for m in _CARD.finditer(norm):
        start, end = m.span()
        if (start, end) in id_shaped or not free(start, end):
            continue
        digits = m.group().replace(" ", "").replace("-", "")
        if (
            16 <= len(digits) <= 19
            and luhn_ok(digits)
            and not _context(norm, start, _NOT_CARD_CONTEXT)
        ):
            add(start, end, "bankcard")
    for m in _MOBILE.finditer(norm):
        if free(*m.span()):
            add(m.start(), m.end(), "mobile")
    for m in _LANDLINE.finditer(norm):
        if free(*m.span()):
            add(m.start(), m.end(), "landline")
    for m in _PLATE.finditer(norm):
        body = m.group()[2:]
        if sum(c.isdigit() for c in body) >= 2 and free(*m.span()):
            add(m.start(), m.end(), "plate")
    spans.sort()
    return spans


def mask_pii(text: str) -> str:
    """``text`` with every personal-data span replaced by its typed placeholder.

    Idempotent: placeholders contain no digits, so masking masked text changes nothing.
    Non-string input (None, NaN from a CSV) is returned as an empty string.
    """
    if not isinstance(text, str):
        return ""
    spans = find_pii(text)
    if not spans:
        return text
    out: list[str] = []
    pos = 0
    for start, end, kind in spans:
        out.append(text[pos:start])
        out.append(PLACEHOLDERS[kind])
        pos = end
    out.append(text[pos:])
    return "".join(out)
