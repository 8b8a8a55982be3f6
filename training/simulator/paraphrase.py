"""The paraphrase layer of the call-text generator: synonyms, reporter frames, word order
and label-neutral tails, applied after the event clause is chosen (labels never change).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from training.simulator.slots import _PLACE_MARK
from training.simulator.text_fragments import common, synonyms

_PARA_P = 0.4  # chance that a matched lexicon word is replaced by one of its synonyms
# Leading reporter frame of a call-taker note ("报警人称", "来电群众反映", "110转来：报警人称").
_LEAD_RE = re.compile(
    r"^(?:110转来：)?(?:报警人|来电人|来电群众|群众|事主|知情人|一[^，。：]{0,3})"
    r"[^，。：]{0,6}?(?:来电称|报警称|报称|反映|称)：?"
)
# Label-neutral tails: (record/note, speech) per situation. "人还在现场" only where the
# call is already urgent, requests for attendance only where police do attend.
_TAILS = {
    "urgent": (
        ("人还在现场", "请尽快出警", "情况紧急", "报警人在现场等候"),
        ("人还在这", "你们快点", "快点来啊"),
    ),
    "attend": (
        (
            "请尽快处理",
            "具体情况不详",
            "详情待民警到场核实",
            "报警人在现场等候",
            "其余情况不清",
            "具体情况拒讲",
        ),
        ("具体我也说不清楚", "麻烦你们来一下", "你们来看看吧"),
    ),
    "divert": (("具体情况不详", "详情不清"), ("具体我也说不清楚", "就这个事")),
}


@cache
def _lexicon() -> tuple[re.Pattern, dict[str, tuple[str, ...]]]:
    """The synonym table and one regex over all its keys, longest first, built once.

    Why one alternation: scanning a text once in C keeps the layer cheap (~10^4 calls/s).
    """
    table = synonyms.parse()
    keys = sorted(table, key=lambda k: (-len(k), k))
    return re.compile("|".join(map(re.escape, keys))), table


def _paraphrase(text: str, nx, voice: str, urgent: bool, disposition: str) -> str:
    """Say the same thing in other words: synonyms, reporter frame, word order, a tail.

    Runs after the event clause is chosen (phrasing ids stay) and while places and PII
    are still placeholders (they stay verbatim). Every change keeps meaning and labels.
    """
    pattern, table = _lexicon()

    def swap(m: re.Match) -> str:
        alts = table[m.group()]
        if not alts:
            return m.group()
        u = nx()
        return alts[int(u / _PARA_P * len(alts))] if u < _PARA_P else m.group()

    text = pattern.sub(swap, text)
    if voice == "speech":
        if nx() < 0.12:
            key = "urgent" if urgent else "divert" if disposition == "divert" else "attend"
            tails = _TAILS[key][1]
            text = text.rstrip("，。") + "，" + tails[int(nx() * len(tails))]
        return text
    u = nx()
    if voice == "note" and u < 0.3:
        m = _LEAD_RE.match(text)
        if m and text[m.end() : m.end() + 1] not in ("其", "自", "本", "他", "她", ""):
            text = text[m.end() :].lstrip("：，")
    elif voice == "record" and u < 0.3:
        mark = _PLACE_MARK + "，"
        if text.startswith(mark) and text.endswith("。") and "。" not in text[:-1]:
            body = text[len(mark) : -1]
            k = int(nx() * 3)
            text = (
                f"{body}，地点：{_PLACE_MARK}。",
                f"{body}（{_PLACE_MARK}）。",
                f"在{_PLACE_MARK}，{body}。",
            )[k]
        elif text.endswith(f"（{_PLACE_MARK}）。") and "。" not in text[:-1]:
            text = f"{_PLACE_MARK}，{text[: -len(_PLACE_MARK) - 3]}。"
    if nx() < 0.12:
        key = "urgent" if urgent else "divert" if disposition == "divert" else "attend"
        tails = _TAILS[key][0]
        text = text.rstrip("，。") + "，" + tails[int(nx() * len(tails))] + "。"
    return text


_PUNCT_DROP = str.maketrans({"，": " ", "。": " ", "、": None, "：": None})
_PUNCT_GONE = str.maketrans({"，": None, "。": None, "、": None, "：": None})


def speechify(text: str, nx, trad_full: dict[int, str], trad_half: dict[int, str]) -> str:
    """Regional words, recognition slips, dropped punctuation, traditional characters."""
    if nx() < 0.35:
        for a, b in common.DIALECTS[int(nx() * len(common.DIALECTS))]:
            text = text.replace(a, b)
    if nx() < 0.15:
        a, b = common.LATIN[int(nx() * len(common.LATIN))]
        text = text.replace(a, b, 1)
    if nx() < 0.4:
        for _ in range(1 + int(nx() * 2)):
            a, b = common.HOMOPHONES[int(nx() * len(common.HOMOPHONES))]
            text = text.replace(a, b, 1)
    if nx() < 0.25:
        i = int(nx() * len(text))
        if "\u4e00" <= text[i] <= "\u9fff":
            k = 1 + int(nx() * 2)
            text = text[: i + k] + text[i : i + k] + text[i + k :]
    u = nx()
    if u < 0.12:
        text = text.translate(_PUNCT_GONE)
    elif u < 0.25:
        text = text.translate(_PUNCT_DROP)
    u = nx()
    if u < 0.04:
        text = text.translate(trad_full)
    elif u < 0.12:
        cut = int(nx() * len(text))
        text = text[:cut] + text[cut:].translate(trad_half)
    return text


@lru_cache(maxsize=4)
def _traditional_tables(chars: str) -> tuple[dict[int, str], dict[int, str]]:
    """Simplified→traditional character maps (all, and a fixed half) for speech noise."""
    import zhconv

    converted = zhconv.convert("\n".join(chars), "zh-hant").split("\n")
    full: dict[int, str] = {}
    if len(converted) == len(chars):
        for s, t in zip(chars, converted, strict=True):
            if len(t) == 1 and t != s:
                full[ord(s)] = t
    half = {k: v for i, (k, v) in enumerate(sorted(full.items())) if i % 2 == 0}
    return full, half
