"""Slots the call-text generator fills in code rather than from fragment lists: personal
data (kept as placeholders until the text is done), amounts, clock times true to the call's
hour, how late it is, building numbers, digits, the place and the body of a frame.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from training.simulator.text_fragments.pii import (
    fake_bank_card,
    fake_id_number,
    fake_landline,
    fake_mobile,
    fake_plate,
)

# Stands for the call's place until paraphrasing is done, so place names stay verbatim.
_PLACE_MARK = "\uf8ff"


class _Ctx:
    """Per-call state the dynamic slots need."""

    __slots__ = ("body", "hour", "minute", "pii", "place")

    def __init__(self, hour: int, place: str, minute: int | None = None) -> None:
        self.body = ""
        self.hour = hour
        self.minute = minute
        self.place = place
        self.pii: list[str] = []


def _pii_slot(make: Callable[[Callable[[], float]], str]) -> Callable:
    def slot(nx: Callable[[], float], ctx: _Ctx) -> str:
        ctx.pii.append(make(nx))
        return chr(0xE000 + len(ctx.pii) - 1)

    return slot


_CN_DIGIT = "零一二三四五六七八九"


def _amount(lo: int, hi: int) -> Callable:
    def slot(nx: Callable[[], float], ctx: _Ctx) -> str:
        u = nx()
        v = int(lo * (hi / lo) ** nx())
        if v >= 1000:
            v = v // 100 * 100
        elif v >= 100:
            v = v // 10 * 10
        if u < 0.45:
            return f"{v}元"
        if u < 0.65:
            return f"{v}块"
        if u < 0.8 and v >= 10000:
            w, r = divmod(v, 10000)
            return f"{w}万{'多' if r else ''}" + ("元" if nx() < 0.5 else "块")
        if u < 0.95 and 1000 <= v < 10000 and v % 1000 == 0:
            k = v // 1000
            return ("两" if k == 2 else _CN_DIGIT[k]) + "千" + ("块" if nx() < 0.5 else "元")
        if v >= 100:
            return f"{v}多块"
        return f"{v}元钱"

    return slot


def _clock(nx: Callable[[], float], ctx: _Ctx) -> str:
    """A clock time at or before the call: within its hour, or up to 45 minutes before it.

    Why: a record saying "22:56许" for a call received at 22:10 is impossible.
    """
    if ctx.minute is None:
        h = ctx.hour
        m = int(nx() * 60)
    else:
        h, m = divmod((ctx.hour * 60 + ctx.minute - int(nx() * 46)) % 1440, 60)
    u = nx()
    if u < 0.5:
        return f"{h:02d}:{m:02d}"
    if u < 0.7:
        return f"{h}时{m}分"
    part = (
        "凌晨"
        if h < 6
        else "早上"
        if h < 9
        else "上午"
        if h < 12
        else "中午"
        if h < 14
        else ("下午" if h < 18 else "晚上")
    )
    h12 = h if h <= 12 else h - 12
    return f"{part}{h12}点" + ("多" if u < 0.85 else f"{m}分")


_DAYPARTS = (
    (0, ("凌晨",)),
    (5, ("早上", "一早", "清早")),
    (8, ("上午", "早上")),
    (11, ("中午",)),
    (13, ("下午",)),
    (18, ("傍晚", "晚上")),
    (20, ("晚上",)),
    (22, ("晚上", "深夜")),
)


def _daypart_now(nx: Callable[[], float], ctx: _Ctx) -> str:
    """A part of today that has already begun at the call's hour ("今天{daypart_now}")."""
    started = [w for h, ws in _DAYPARTS if h <= ctx.hour for w in ws]
    return started[int(nx() * len(started))]


def _late(nx: Callable[[], float], ctx: _Ctx) -> str:
    """How late it is now, true to the call's hour (noise complaints say "凌晨2点了")."""
    h = ctx.hour
    u = nx()
    if h < 5:
        return (f"凌晨{_CN_HOUR[h]}点多了", "半夜", "深更半夜", "这都凌晨了")[int(u * 4)]
    if h >= 22:
        return (f"{_CN_HOUR[h - 12]}点多了", "深夜", "半夜", "这么晚了")[int(u * 4)]
    if h >= 18:
        return (f"晚上{_CN_HOUR[h - 12]}点多了", "这个点", "晚上")[int(u * 3)]
    return ("大白天", "一整天", "从早到现在", "这个时间")[int(u * 4)]


_CN_HOUR = ("十二", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")


def _bldg(nx: Callable[[], float], ctx: _Ctx) -> str:
    b = 1 + int(nx() * 30)
    u = 1 + int(nx() * 6)
    f = 1 + int(nx() * 28)
    r = 1 + int(nx() * 4)
    k = nx()
    if k < 0.5:
        return f"{b}号楼{u}单元{f}0{r}"
    if k < 0.75:
        return f"{b}栋{u}单元{f}0{r}室"
    if k < 0.9:
        return f"{b}幢{f}0{r}"
    return f"{b}-{u}-{f}0{r}"


def _digits(n: int) -> Callable:
    def slot(nx: Callable[[], float], ctx: _Ctx) -> str:
        return "".join(str(int(nx() * 10)) for _ in range(n))

    return slot


def _place(nx: Callable[[], float], ctx: _Ctx) -> str:
    return _PLACE_MARK


# Real exports mask the names in an address (XX路XX号, XX小区, XX村): the name before a kind of
# place becomes XX, and now and then the house number too.
_PLACE_KINDS = (
    "大道|路|街|巷|道|小区|花园|家园|公寓|苑|大厦|广场|市场|公园|医院|中学|小学|学校|幼儿园|"
    "酒店|宾馆|超市|商场|网吧|酒吧|KTV|夜市|车站|汽车站|菜市场|家属院|社区|村|镇|乡|寨|组|"
    "景区|工地|厂|公司|银行|加油站|停车场|店|中心"
)
# A name is Chinese characters but not the words around it (旁边, 附近, 门口, 3号楼 …).
_NAME_CHAR = r"[^\W\d_a-zA-Z旁边附近对面门口后前侧一带内外里楼号单元栋层室的与及]"
_NAMED_PLACE = re.compile(rf"{_NAME_CHAR}{{1,6}}?(?:{_PLACE_KINDS})")
_HOUSE_NUMBER = re.compile(r"\d+(?=号)")


def mask_place(place: str, nx: Callable[[], float]) -> str:
    """``place`` as a dispatch record writes it: each named part's name masked with XX
    (the kind kept: 西环东路125号 → XX路125号 or XX路XX号), the rest left as it is."""
    masked = _NAMED_PLACE.sub(lambda m: "XX" + _kind_of(m.group(0)), place)
    if nx() < 0.5:
        masked = _HOUSE_NUMBER.sub("XX", masked, count=1)
    return masked


def _kind_of(name: str) -> str:
    match = re.search(rf"(?:{_PLACE_KINDS})$", name)
    return match.group(0) if match else ""


def _body(nx: Callable[[], float], ctx: _Ctx) -> str:
    return ctx.body


_SPECIALS: dict[str, Callable] = {
    "phone": _pii_slot(fake_mobile),
    "landline": _pii_slot(fake_landline),
    "idno": _pii_slot(fake_id_number),
    "plate": _pii_slot(fake_plate),
    "card": _pii_slot(fake_bank_card),
    "amt": _amount(50, 50000),
    "amt_s": _amount(20, 900),
    "amt_b": _amount(3000, 500000),
    "amt_l": _amount(6000, 300000),  # damage a crime: well over the 5,000-yuan line
    "clock": _clock,
    "daypart_now": _daypart_now,
    "late": _late,
    "bldg": _bldg,
    "digits4": _digits(4),
    "digits8": _digits(8),
    "P": _place,
    "R": _body,
    "S": _body,
}
