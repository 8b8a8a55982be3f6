"""Word segmentation of call texts: jieba's dictionary and algorithm, run in Rust.

jieba (pure Python) segments about 5-6k short texts a second on one core and was most of
the cost of scoring a call. rjieba binds jieba-rs, a port of the same algorithm (prefix
DAG over the dictionary, best path by log frequency, no HMM) that ships jieba's own
``dict.txt``; it segments ~90k texts a second. Two details keep its tokens identical to
jieba's (``tests/features/test_segment.py`` checks that on the simulated city, the
hand-written set and randomly corrupted texts):

* jieba's ``add_word`` adds a word's new frequency to the dictionary total without
  taking off the old one when the word was already in the dictionary; jieba-rs replaces
  it.
* jieba adds up every line of ``dict.txt`` into the total, jieba-rs every distinct word
  once, and the file holds one word twice (``B超 3``).

  The total sets the price of every word on a path, so both differences are put back as
  one unreachable entry (a control character never reaches the DAG). With the same total
  both compute every path's log probability with the same floating-point operations in
  the same order and break exact ties the same way (the later end wins). Before the
  duplicate was counted, paths that tie mathematically (the same words in another order,
  as in 喂喂喂反正… = 喂 + 喂喂 + … = 喂喂 + 喂 + …) could round differently and come out in
  another order, so repeated text went to jieba itself; now nothing does.
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
_TOTAL_FIX = "\x00"  # never inside a dictionary block, so never on a path


def _jieba_dict_path() -> Path:
    from importlib.util import find_spec  # importing jieba costs ~0.3 s of CPU (pkg_resources)

    return Path(find_spec("jieba").origin).with_name("dict.txt")


def _total_fix(words: tuple[str, ...]) -> int:
    """What jieba's dictionary total holds beyond jieba-rs's once ``words`` are added:
    the frequencies ``words`` had in the dictionary (jieba keeps them in its total) and
    every line of a word written twice but its last (jieba counts all lines, jieba-rs
    keeps the last)."""
    lines = _DICT_LINE.findall(_jieba_dict_path().read_bytes())
    last = dict(lines)
    surplus = sum(map(int, (f for _, f in lines))) - sum(map(int, last.values()))
    return surplus + sum(int(last[w]) for w in {w.encode() for w in words} if w in last)


_DICT_LINE = re.compile(rb"^([^ \n]+) ([0-9]+)", re.MULTILINE)


@lru_cache(maxsize=1)
def _rjieba():
    """rjieba with jieba's dictionary, our domain words and jieba's dictionary total."""
    import rjieba

    seg = rjieba.Jieba()
    for word in DOMAIN_WORDS:
        seg.add_word(word, DOMAIN_FREQ, None)
    fix = _total_fix(DOMAIN_WORDS)
    if fix:
        seg.add_word(_TOTAL_FIX, fix, None)
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


def _cut(piece: str) -> list[str]:
    return _rjieba().cut(piece, False)


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
    """Build the segmenter and the masking screen's table now (a service does this at
    start, not on a request)."""
    from features.pii_screen import warm_screen

    _rjieba()
    warm_screen()
