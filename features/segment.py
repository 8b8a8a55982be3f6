"""Word segmentation of call texts: jieba's dictionary and algorithm, run in Rust.

jieba (pure Python) segments about 5-6k short texts a second on one core and was most of
the cost of scoring a call. rjieba binds jieba-rs, a port of the same algorithm (prefix
DAG over the dictionary, best path by log frequency, no HMM) that ships jieba's own
``dict.txt``; it segments ~90k texts a second. Two details keep its tokens identical to
jieba's (``tests/features/test_segment.py`` checks that on the simulated city, the
hand-written set and randomly corrupted texts):

* jieba's ``add_word`` adds a word's new frequency to the dictionary total without
  taking off the old one when the word was already in the dictionary; jieba-rs replaces
  it. The total sets the price of every extra word on a path, so the difference is put
  back as an unreachable entry (a control character never reaches the DAG).
* When two paths have exactly the same probability (the same words in another order,
  as in 喂喂喂 = 喂 + 喂喂 = 喂喂 + 喂), jieba and jieba-rs break the tie differently
  through floating-point rounding. That needs a repeated piece of text, so pieces with a
  character three times in a row or a repeated run of two to four characters go to jieba
  itself (about 1 % of calls), loaded only when first needed.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

__all__ = ["DOMAIN_WORDS", "DOMAIN_FREQ", "jieba_tokenize", "tokenize", "warm"]

# Words jieba's default dictionary splits badly but that call takers use constantly; kept
# whole they become strong, readable features (and readable keywords).
DOMAIN_WORDS: tuple[str, ...] = (
    "报警人",
    "来电人",
    "报警人称",
    "电动车",
    "电瓶车",
    "被盗",
    "被偷",
    "被抢",
    "被骗",
    "被打",
    "刷单",
    "网贷",
    "冒充公检法",
    "寻衅滋事",
    "广场舞",
    "醉酒",
    "喝醉",
    "砍人",
    "拿刀",
    "持刀",
    "菜刀",
    "受伤",
    "没受伤",
    "流血",
    "跳楼",
    "轻生",
    "走失",
    "走丢",
    "困电梯",
    "困在电梯",
    "被困",
    "反锁",
    "停水",
    "停电",
    "欠薪",
    "拖欠工资",
    "物业",
    "房东",
    "租客",
    "押金",
    "城管",
    "占道",
    "挪车",
    "身份证",
    "户口",
    "打错了",
    "外卖",
    "快递",
    "网约车",
    "出租车",
    "还在打",
    "还在吵",
    "小孩",
    "老人",
    "老太太",
    "老大爷",
    "邻居",
    "楼上",
    "漏水",
)
DOMAIN_FREQ = 2000

_PLACEHOLDER = re.compile(r"<[A-Z]+>")
_DROP_TOKENS = frozenset(" \t\n，。、；：？！,.;:?!\"'“”‘’（）()【】[]《》…—-~～·")
# The characters jieba segments through its dictionary (its ``re_han_default``).
_HAN = r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]"
# Text where two segmentations can tie exactly: a character three times in a row, or a
# run of 2-4 dictionary characters repeated at once.
_TIE_PRONE = re.compile(rf"({_HAN})\1\1|({_HAN}{{2,4}}?)\2")
# Only a repeat with a Chinese character or one of + # & can tie: the dictionary's only
# words of ASCII characters alone are c++, c#, at&t (so 1111 or 2020 never ties).
_TIE_CHARS = re.compile(r"[\u4E00-\u9FD5+#&]")
_BLOCK = re.compile(f"{_HAN}+")
_TOTAL_FIX = "\x00"  # never inside a dictionary block, so never on a path


def _jieba_dict_path() -> Path:
    import jieba

    return Path(jieba.__file__).with_name("dict.txt")


def _dictionary_freqs(words: tuple[str, ...]) -> dict[str, int]:
    """Frequencies of ``words`` in jieba's dictionary file (those it has)."""
    text = "\n" + _jieba_dict_path().read_text(encoding="utf-8")
    found: dict[str, int] = {}
    for word in words:
        at = text.find(f"\n{word} ")
        if at >= 0:
            found[word] = int(text[at + len(word) + 2 :].split(" ", 1)[0])
    return found


@lru_cache(maxsize=1)
def _rjieba():
    """rjieba with jieba's dictionary, our domain words and jieba's dictionary total."""
    import rjieba

    seg = rjieba.Jieba()
    for word in DOMAIN_WORDS:
        seg.add_word(word, DOMAIN_FREQ, None)
    replaced = sum(_dictionary_freqs(DOMAIN_WORDS).values())
    if replaced:
        seg.add_word(_TOTAL_FIX, replaced, None)
    return seg


@lru_cache(maxsize=1)
def _jieba():
    """jieba's tokenizer, initialised once with a writable cache dir and our domain words."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    cache = Path(os.environ.get("JINGQING_JIEBA_CACHE", tempfile.gettempdir()))
    cache.mkdir(parents=True, exist_ok=True)
    jieba.dt.tmp_dir = str(cache)
    jieba.dt.initialize()
    for word in DOMAIN_WORDS:
        jieba.dt.add_word(word, freq=DOMAIN_FREQ)
    return jieba.dt


@lru_cache(maxsize=65_536)
def _jieba_block(block: str) -> tuple[str, ...]:
    """jieba's words of one block that might tie (the same greetings and urgings recur:
    你好你好, 喂喂喂, 快点快点)."""
    return tuple(_jieba().lcut(block, HMM=False))


def _tie_prone(text: str) -> bool:
    return any(_TIE_CHARS.search(m.group(0)) for m in _TIE_PRONE.finditer(text))


def _cut(piece: str) -> list[str]:
    seg = _rjieba()
    if not _tie_prone(piece):
        return seg.cut(piece, False)
    # Both segment each maximal run of dictionary characters on its own, so only the
    # runs holding a repeat need jieba.
    tokens: list[str] = []
    pos = 0
    for block in _BLOCK.finditer(piece):
        if _tie_prone(block.group()):
            if block.start() > pos:
                tokens += seg.cut(piece[pos : block.start()], False)
            tokens += _jieba_block(block.group())
            pos = block.end()
    if pos < len(piece):
        tokens += seg.cut(piece[pos:], False)
    return tokens


def _words(text: str, cut) -> list[str]:
    tokens: list[str] = []
    pos = 0
    if "<" in text:
        for match in _PLACEHOLDER.finditer(text):
            if match.start() > pos:
                tokens.extend(cut(text[pos : match.start()]))
            tokens.append(match.group(0))
            pos = match.end()
    if pos < len(text):
        tokens.extend(cut(text[pos:]))
    return [t for t in tokens if t not in _DROP_TOKENS and not t.isspace()]


def tokenize(text: str) -> list[str]:
    """Words of a (normalised) text: jieba's dictionary segmentation (HMM off).

    Punctuation and spaces are dropped; masking placeholders stay one token each so
    ``<MOBILE>`` is a single feature, not three.
    """
    return _words(text, _cut)


def jieba_tokenize(text: str) -> list[str]:
    """:func:`tokenize` computed by jieba alone (the reference it is tested against)."""
    return _words(text, lambda piece: _jieba().lcut(piece, HMM=False))


def warm() -> None:
    """Build both segmenters now (a service does this at start, not on a request)."""
    _rjieba()
    _jieba()
