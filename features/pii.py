"""Find and mask personal data in call descriptions.

Call texts reach logs, MLflow artifacts, training sets and the feedback store, so personal
data is replaced by typed placeholders *before* any of that happens. The placeholders keep
the information a model needs ("the caller gave a phone number") without the data itself.

Matching is deliberately checksum-aware: an 18-digit number is only an ID number when its
ISO 7064 MOD 11-2 check digit is right, a 16–19 digit number is only a bank card when it
passes Luhn. That keeps order numbers, amounts, times and house numbers readable, which
matters for triage (``5000元`` is a fraud amount, ``23:40`` a time of day).

People write numbers in many spellings, so matching runs on a normalised view of the text
(``features.pii_normal``): NFKC per character (full-width, circled, mathematical digits),
every script's decimal digits, zero-width characters dropped, Chinese numerals folded in
digit runs (``一三八…``, ``幺``). A number is read as *digit groups* joined by single
separators (space, dot, dash, ``—``), and a span may start and end at any group boundary,
so ``138 0013 8000``, ``138.0013.8000`` and ``440304 19900307 4510`` are found while
``13800138000 5000元`` still masks only the phone number. Spans always index the original.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from features.pii_normal import SCREEN_PATTERN, normalise

__all__ = [
    "PLACEHOLDERS",
    "SCREEN_PATTERN",
    "PiiSpan",
    "find_pii",
    "mask_incident_no",
    "mask_pii",
    "mask_screened",
]

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


# Simplified, then the traditional spellings of the ones that differ (雲J·34567 is a plate).
_PROVINCES = (
    "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼滬雲遼魯蘇贛晉陝閩貴粵寧瓊"
)
_PLATE_LETTER = "A-HJ-NP-Z"  # plates never use I or O

# Cheap screen on the raw text: digit-like runs or a province + letter (plates).
_CANDIDATE = re.compile(SCREEN_PATTERN)

# A run of digit groups joined by one separator (or " - "), with an ID's final X.
_SEP = r"(?: ?[-.·•‐‑‒–—―_]{1,2} ?| )"
# (A run starts at a digit not preceded by one: the look-behind after the first digit lets
# the regex engine jump from digit to digit instead of trying every position.)
_RUN = re.compile(rf"[0-9](?<![0-9]{{2}})[0-9]*(?:{_SEP}[0-9]+)*(?:{_SEP}?[Xx](?![A-Za-z0-9]))?")
_GROUP = re.compile(r"[0-9]+|[Xx]")

_ID18 = re.compile(
    r"[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]"
)
# Old 15-digit IDs have no check digit, so they are only taken when announced as an ID.
_ID15 = re.compile(r"[1-9][0-9]{5}[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}")
_ID_CONTEXT = ("身份证", "证件号", "身份号")
_CARD = re.compile(r"[0-9]{16,19}")
# Numbers announced as order/tracking numbers are not bank cards even when Luhn-valid.
_NOT_CARD_CONTEXT = ("订单", "单号", "运单", "流水号", "编号", "工单")
_MOBILE = re.compile(r"(?:0086|86)?1[3-9][0-9]{9}")
_MOBILE_PREFIX = re.compile(r"(?:\+|(?<![0-9])00)86[ -]?$|\+$")
# (Not after a digit: checked after the first character, as for _RUN.)
_LANDLINE = re.compile(
    r"(?:\((?<![0-9]\()0[1-9][0-9]{1,2}\) ?|0(?<![0-9]0)[1-9][0-9]{1,2}[ -])[2-9][0-9]{6,7}"
    r"(?:-[0-9]{1,4})?(?![0-9])"
)
_PLATE = re.compile(
    rf"[{_PROVINCES}] ?[{_PLATE_LETTER}][·•\- ]?"
    rf"(?P<body>[DF][{_PLATE_LETTER}0-9][0-9]{{4}}|[0-9]{{5}}[DF]|[{_PLATE_LETTER}0-9]{{5}})"
    rf"[挂学警港澳]?(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_MAX_DIGITS = 19  # the longest kind (a bank card); longer group sequences are not tried

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


class _Candidate(NamedTuple):
    start: int  # in the normalised text
    end: int
    digits: str  # the groups joined without separators
    lengths: tuple[int, ...]  # the length of each group


def _candidates(norm: str) -> list[_Candidate]:
    """Every contiguous sequence of digit groups, of at most ``_MAX_DIGITS`` characters."""
    out: list[_Candidate] = []
    for run in _RUN.finditer(norm):
        text = run.group()
        if len(text) < 11:  # the shortest kind (a mobile number) has 11 digits
            continue
        if text.isdigit():  # one group: the common case
            out.append(_Candidate(run.start(), run.end(), text, (len(text),)))
            continue
        base = run.start()
        groups = [(m.start() + base, m.end() + base) for m in _GROUP.finditer(text)]
        for i, (start, _) in enumerate(groups):
            digits = ""
            lengths: list[int] = []
            for s, e in groups[i:]:
                digits += norm[s:e]
                lengths.append(e - s)
                if len(digits) > _MAX_DIGITS:
                    break
                if len(digits) >= 11:
                    out.append(_Candidate(start, e, digits, tuple(lengths)))
    # Longest first, so a grouped number is taken whole before any of its parts.
    out.sort(key=lambda c: (c.start - c.end, c.start))
    return out


def _card_grouping(lengths: tuple[int, ...]) -> bool:
    """A card is one block, or blocks of four with a shorter last block (``6222 0212 … 128``)."""
    return len(lengths) == 1 or all(n == 4 for n in lengths[:-1])


def find_pii(text: str) -> list[PiiSpan]:
    """All personal-data spans in ``text``, sorted by start, never overlapping.

    Kinds are tried from the most specific (checksummed IDs and cards) to the least
    (plates), and a later kind never claims characters an earlier one took.
    """
    if not text or not _CANDIDATE.search(text):
        return []
    return _find(text, *normalise(text))


def _find(text: str, norm: str, origin) -> list[PiiSpan]:
    """:func:`find_pii` of a text the screen flags, from its normalised view."""
    found: list[tuple[int, int, str]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in found)

    candidates = _candidates(norm)
    id_shaped: set[tuple[int, int]] = set()
    for c in candidates:
        if len(c.digits) == 18 and _ID18.fullmatch(c.digits):
            # ID-shaped numbers with a wrong check digit are left alone (a mistyped ID or
            # another number), and are not re-read as bank cards either.
            id_shaped.add((c.start, c.end))
            if id_check_ok(c.digits) and free(c.start, c.end):
                found.append((c.start, c.end, "idcard"))
    for c in candidates:
        if (
            len(c.digits) == 15
            and _ID15.fullmatch(c.digits)
            and free(c.start, c.end)
            and _context(norm, c.start, _ID_CONTEXT)
        ):
            found.append((c.start, c.end, "idcard"))
    for c in candidates:
        if (
            _CARD.fullmatch(c.digits)
            and (c.start, c.end) not in id_shaped
            and _card_grouping(c.lengths)
            and free(c.start, c.end)
            and luhn_ok(c.digits)
            and not _context(norm, c.start, _NOT_CARD_CONTEXT)
        ):
            found.append((c.start, c.end, "bankcard"))
    for c in candidates:
        if _MOBILE.fullmatch(c.digits) and free(c.start, c.end):
            prefix = _MOBILE_PREFIX.search(norm, max(0, c.start - 6), c.start)
            if len(c.digits) == 13 and not (prefix and prefix.group() == "+"):
                continue  # 86 + a mobile number only when written +86
            found.append((prefix.start() if prefix else c.start, c.end, "mobile"))
    for m in _LANDLINE.finditer(norm):
        if free(*m.span()):
            found.append((m.start(), m.end(), "landline"))
    for m in _PLATE.finditer(norm):
        body = m.group("body")
        if sum(c.isdigit() for c in body) >= 2 and free(*m.span()):
            found.append((m.start(), m.end(), "plate"))
    return sorted(PiiSpan(origin[s], origin[e - 1] + 1, kind) for s, e, kind in found)


def mask_pii(text: str) -> str:
    """``text`` with every personal-data span replaced by its typed placeholder.

    Idempotent: placeholders contain no digits, so masking masked text changes nothing.
    Non-string input (None, NaN from a CSV) is returned as an empty string.
    """
    if not isinstance(text, str):
        return ""
    return _masked(text, find_pii(text))


def mask_screened(text: str, folded: str | None = None) -> str:
    """:func:`mask_pii` of a text the screen is known to flag (it is not run again);
    ``folded``: its folded characters, when known (see ``features.pii_normal.normalise``)."""
    return _masked(text, _find(text, *normalise(text, folded)))


def _masked(text: str, spans: list[PiiSpan]) -> str:
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


# An incident number (警情编号) is a Latin letter prefix glued to a digit run
# (J3201052026120100017). About one in eleven of those with 18 digits has a valid ID check
# digit, so in free text they would read as ID numbers; in the ``incident_no`` field the
# glued run is the number itself.
_INCIDENT_PREFIX = re.compile(r"\s*[A-Za-z]+[0-9]+(?![0-9])")


def mask_incident_no(value: str) -> str:
    """The ``incident_no`` field masked: a digit run glued to a leading Latin letter prefix
    is the incident number and is kept; anything else in the field (a bare number, what
    follows the run) is masked as :func:`mask_pii` masks free text."""
    if not isinstance(value, str):
        return ""
    head = _INCIDENT_PREFIX.match(value)
    if head is None:
        return mask_pii(value)
    return value[: head.end()] + mask_pii(value[head.end() :])
