"""Text normalisation and tokenising for call descriptions.

Call texts arrive in three voices (dispatch records, call-taker notes, transcribed speech)
and in mixed scripts: full-width digits from input methods, traditional characters from
speech recognisers and Hong Kong/Taiwan keyboards, Chinese numerals for amounts. Folding all
of that onto one form before any feature is computed means the model learns one spelling
of each word instead of four, and that training and serving see identical features.

Everything here is module-level and stateless (tables are built once, lazily) so the
functions pickle by reference inside scikit-learn pipelines.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from features.segment import DOMAIN_WORDS, tokenize

__all__ = ["normalize", "to_simplified", "convert_numerals", "tokenize", "DOMAIN_WORDS"]

_LOWER_PLACEHOLDER = re.compile(r"<[a-z]+>")
_SPACES = re.compile(r"\s+")

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
# A run of Chinese numerals is converted only when a counting unit follows, where it is
# unambiguous ("两万块", "五千元", "七十多岁"); "一直", "万一", "十分" stay as they are.
_NUMERAL_RUN = re.compile(
    r"[零〇一二两三四五六七八九十百千万亿]+(?=多?(?:元|块|岁|余元|分钟|个小时))"
)
# Arabic digits with a 万 multiplier ("1.5万", "2万元") become plain numbers too.
_DIGIT_WAN = re.compile(r"(\d+(?:\.\d+)?)万(?=多?(?:元|块)?)")


@lru_cache(maxsize=1)
def _zh_tables() -> tuple[dict[int, str], re.Pattern[str] | None, dict[str, str]]:
    """Character and phrase maps traditional → simplified, built once from zhconv's tables.

    zhconv converts by longest-match over ~9,000 entries, which is too slow for a model that
    must score thousands of texts a second. Almost every entry is a 1:1 character mapping;
    a few hundred phrases need context (乾 → 干 or 乾). Characters go through
    ``str.translate``; the phrases through one regex that only runs when the text actually
    contains traditional characters.
    """
    import zhconv

    table_path = Path(zhconv.__file__).with_name("zhcdict.json")
    data = json.loads(table_path.read_text(encoding="utf-8"))
    mapping: dict[str, str] = data["zh2Hans"]
    chars = {ord(k): v for k, v in mapping.items() if len(k) == 1 and k != v}
    convertible = {chr(code) for code in chars}
    phrases: dict[str, str] = {}
    for key, value in mapping.items():
        if len(key) < 2 or not (set(key) & convertible):
            continue
        if key.translate(chars) != value:
            phrases[key] = value
    pattern = None
    if phrases:
        alternatives = sorted(phrases, key=len, reverse=True)
        pattern = re.compile("|".join(map(re.escape, alternatives)))
    return chars, pattern, phrases


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese; simplified text passes through unchanged."""
    chars, pattern, phrases = _zh_tables()
    converted = text.translate(chars)
    if converted == text:
        return text
    if pattern is None:
        return converted
    pieces: list[str] = []
    pos = 0
    for match in pattern.finditer(text):  # a phrase's own mapping wins over its characters
        pieces.append(text[pos : match.start()].translate(chars))
        pieces.append(phrases[match.group(0)])
        pos = match.end()
    pieces.append(text[pos:].translate(chars))
    return "".join(pieces)


def _numeral_value(run: str) -> int | None:
    """Value of a Chinese numeral string such as 三千五百, 两万, 十五; None if malformed."""
    total = 0
    section = 0
    digit: int | None = None
    for ch in run:
        if ch in _DIGITS:
            if digit is not None and digit != 0:  # "二三" is not a number in this grammar
                return None
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        elif ch in _BIG:
            section += digit or 0
            if section == 0:
                return None
            total += section * _BIG[ch]
            section = 0
            digit = None
    section += digit or 0
    value = total + section
    return value if value > 0 else None


def convert_numerals(text: str) -> str:
    """Chinese numerals before a counting unit → Arabic digits ("被骗两万元" → "被骗20000元").

    Amounts of money are a cue call takers weigh (a 50-yuan scrape is a dispute, 20,000
    yuan gone to a "police officer" on the phone is fraud); one spelling of each amount lets
    the cue features and the n-grams see it.
    """

    if any(ch in text for ch in NUMERAL_GUARD):
        return guarded_numerals(text)
    return text


def guarded_numerals(text: str) -> str:
    """:func:`convert_numerals` of a text known to hold a character of ``NUMERAL_GUARD``."""
    text = _NUMERAL_RUN.sub(numeral_digits, text)
    if "万" in text:
        text = _DIGIT_WAN.sub(wan_digits, text)
    return text


NUMERAL_GUARD = "十百千万亿两三四五六七八九"  # convert_numerals reads a text holding one


def numeral_digits(match: re.Match[str]) -> str:
    """A run of Chinese numerals as its digits (unchanged when it is not a number)."""
    value = _numeral_value(match.group(0))
    return match.group(0) if value is None else str(value)


def wan_digits(match: re.Match[str]) -> str:
    """Digits with a 万 multiplier as one number (unchanged when not a whole number)."""
    value = float(match.group(1)) * 10_000
    return str(int(value)) if value.is_integer() else match.group(0)


# The most common Chinese surnames; with a title or after 姓 they name a person, and who the
# caller is must not sway the category ("我姓孙" is not about a grandson, 孙子).
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤"
)
_TITLED_NAME = re.compile(
    f"[{_SURNAMES}](某某|某|先生|女士|小姐|师傅|阿姨|大爷|大妈|大姐|大哥|老师|老板|警官)"
)
_SURNAME_GIVEN = re.compile(f"姓[{_SURNAMES}]")


def anonymise_names(text: str) -> str:
    """Replace surnames used as names with 某, the dispatch records' own convention.

    "王女士" → "某女士", "张某某" → "某某某", "我姓周" → "我姓某". Names are not personal data
    the contract requires masking, but they carry no signal about what happened, and their
    characters overlap real words (孙/孙子, 周/周末), so a model would learn noise from them.
    """
    text = _TITLED_NAME.sub(lambda m: "某" + m.group(1), text)
    return _SURNAME_GIVEN.sub("姓某", text)


def normalize(text: str) -> str:
    """One canonical form of a call text: NFKC width folding, simplified script, numerals,
    surnames used as names replaced by 某 (:func:`anonymise_names`).

    NFKC turns full-width letters, digits and punctuation into ASCII (１２０ → 120, ＫＴＶ →
    KTV); Latin letters are lower-cased (ktv/KTV/Ktv are one word) except masking
    placeholders such as ``<MOBILE>``, which stay upper case; runs of whitespace collapse.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text)
    text = convert_numerals(text)
    text = anonymise_names(text)
    text = text.lower()
    if "<" in text:
        text = _LOWER_PLACEHOLDER.sub(lambda m: m.group(0).upper(), text)
    return _SPACES.sub(" ", text).strip()
