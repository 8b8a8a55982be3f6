"""Call texts of the synthetic city: a believable Chinese 110 call for a given category.

Each sub-type is a small slot grammar (see ``text_fragments``): record/note/speech event
clauses, details, urgent and calming clauses and routing hints, filled from large shared
fragment lists. Labels are drawn per sub-type *before* the text is written, and the text
is written to show them (an urgent call says "还在打" or "拿着刀"; a diverted one often says
where it should go), so a classifier can learn them.

All randomness comes from the caller's ``numpy.random.Generator`` through one buffered
stream of floats per call, which keeps sampling deterministic and fast (~10^4 calls/s).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate

import numpy as np

from training.simulator.text_fragments import (
    assistance,
    assistance_extra,
    assistance_more,
    common,
    criminal,
    criminal_extra,
    criminal_more,
    criminal_new,
    dispute,
    dispute_extra,
    dispute_more,
    non_police,
    non_police_extra,
    non_police_more,
    public_order,
    public_order_extra,
    public_order_law,
    public_order_more,
    records_more,
    relabel,
    synonyms,
    traffic_fire,
)
from training.simulator.text_fragments.pii import (
    PII_CLAUSES,
    fake_bank_card,
    fake_id_number,
    fake_landline,
    fake_mobile,
    fake_plate,
)
from training.simulator.text_fragments.places import LOC, PLACE_TYPES, SPOTS, place_type
from training.simulator.text_fragments.police_codes import DISPUTE_CODE, POLICE_CODES

VOICES = ("record", "note", "speech")
GRID_KINDS = ("commercial", "residential", "nightlife", "industrial", "village", "transport_hub")

# Per category, fragment modules in order; later modules add sub-types or extend earlier ones.
_MODULES = {
    "criminal": (criminal, criminal_more, criminal_extra, criminal_new),
    "public_order": (
        public_order,
        public_order_more,
        public_order_extra,
        public_order_law,
        records_more.PUBLIC_ORDER,
    ),
    "dispute": (dispute, dispute_more, dispute_extra),
    "assistance": (assistance, assistance_more, assistance_extra),
    "non_police": (
        non_police,
        non_police_more,
        non_police_extra,
        traffic_fire,
        records_more.NON_POLICE,
    ),
}
_LIST_KEYS = ("r", "n", "s", "d", "ds", "ur", "us", "cr", "cs", "spot")

# Hour profiles: multiplier of a sub-type's weight at each hour of the day.
_HOURS: dict[str, tuple[float, ...]] = {
    "flat": (1.0,) * 24,
    "day": tuple(1.6 if 8 <= h <= 19 else 0.4 for h in range(24)),
    "work": tuple(1.8 if 8 <= h <= 17 else 0.3 for h in range(24)),
    "evening": tuple(1.8 if 17 <= h <= 23 else 0.6 for h in range(24)),
    "night": tuple(2.2 if (h >= 21 or h <= 4) else 0.4 for h in range(24)),
    "late": tuple(3.0 if (h >= 23 or h <= 5) else 0.3 for h in range(24)),
    "morning": tuple(1.8 if 5 <= h <= 11 else 0.6 for h in range(24)),
}

_SLOT_RE = re.compile(r"\{(\w+)\}")
# Stands for the call's place until paraphrasing is done, so place names stay verbatim.
_PLACE_MARK = "\uf8ff"
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
_PUNCT_DROP = str.maketrans({"，": " ", "。": " ", "、": None, "：": None})
_PUNCT_GONE = str.maketrans({"，": None, "。": None, "、": None, "：": None})


@dataclass(frozen=True)
class CallText:
    """One simulated call: its text and the labels it was written to show."""

    text: str
    category: str
    subtype: str
    disposition: str
    divert_to: str
    urgent: bool
    voice: str
    pii: tuple[str, ...]
    # Which hand-written event clause the text tells its event with ("<subtype>/<r|n|s><i>":
    # record/note/speech list, first index of that clause), so a model can be validated on
    # phrasings it never saw in training.
    phrasing: str = ""
    # The police's own coding of the call (警情类别 / 警情类型), consistent with ``category``.
    police_class: str = ""
    police_type: str = ""


Alt = str | tuple


def _compile(template: str) -> Alt:
    """Compile a template to a tuple of literals, ``(slot,)`` references and slot functions.

    Templates without slots stay plain strings, so picking them costs nothing.
    """
    pieces = _SLOT_RE.split(template)
    if len(pieces) == 1:
        return template
    parts: list = []
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            if piece:
                parts.append(piece)
        else:
            parts.append(_SPECIALS.get(piece) or (piece,))
    return tuple(parts)


@cache
def _compile_list(items: tuple[str, ...]) -> tuple[Alt, ...]:
    return tuple(_compile(s) for s in items)


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

# Category-level defaults, calibrated to the Simao figures in TAXONOMY.md.
_DEFAULT_ROUTE: dict[str, list[tuple[str, str, float]]] = {
    "criminal": [("transfer", "", 0.915), ("on_scene", "", 0.085)],
    "public_order": [("transfer", "", 0.90), ("on_scene", "", 0.10)],
    "dispute": [
        ("on_scene", "", 0.80),
        ("transfer", "", 0.15),
        ("divert", "mediation", 0.03),
        ("divert", "property", 0.02),
    ],
    "assistance": [
        ("on_scene", "", 0.90),
        ("transfer", "", 0.06),
        ("divert", "120", 0.03),
        ("divert", "119", 0.01),
    ],
    "non_police": [("divert", "*", 0.85), ("transfer", "", 0.07), ("on_scene", "", 0.08)],
}


class _SubType:
    """A compiled sub-type: per-voice slot tables, labels' distributions."""

    __slots__ = (
        "name",
        "category",
        "tables",
        "route",
        "route_cum",
        "safe_route",
        "safe_cum",
        "urgent",
        "pii_p",
        "pii_kinds",
        "detail_p",
        "calm_p",
        "hint_p",
        "weight",
        "grid",
        "hours",
        "loc",
        "spot_keys",
        "main_ids",
    )


def _cum(weights: list[float]) -> list[float]:
    total = sum(weights)
    return [c / total for c in accumulate(weights)]


# Compiled sub-types are immutable, so every generator in the process shares one build.
_BUILT: dict[str, tuple] = {}


class TextGenerator:
    """Writes simulated 110 call texts with their routing labels."""

    def __init__(self) -> None:
        self._weights: dict[tuple[str, str, int], tuple[list[_SubType], list[float]]] = {}
        cached = _BUILT.get("state")
        if cached is not None:
            self._subtypes, self._trad_full, self._trad_half = cached
            return
        self._subtypes: dict[str, list[_SubType]] = {}
        base = {k: list(v) for k, v in common.COMMON.items()}
        voice_extra = {
            "record": common.RECORD_SLOTS,
            "note": common.NOTE_SLOTS,
            "speech": common.SPEECH_SLOTS,
        }
        frames = {
            "record": common.RECORD_FRAMES,
            "note": common.NOTE_FRAMES,
            "speech": common.SPEECH_FRAMES,
        }
        pii_voice = {v: {k: c[v] for k, c in PII_CLAUSES.items()} for v in VOICES}
        merged = _relabel({c: _merge_modules(m) for c, m in _MODULES.items()})
        for category, (shared, hints, specs) in merged.items():
            compiled: list[_SubType] = []
            for name, spec in specs.items():
                compiled.append(
                    self._build(
                        category, name, spec, base, shared, hints, voice_extra, frames, pii_voice
                    )
                )
            self._subtypes[category] = compiled
        self._trad_full, self._trad_half = _traditional_tables(self._all_chars())
        _BUILT["state"] = (self._subtypes, self._trad_full, self._trad_half)

    # ---- construction -------------------------------------------------------------------------
    def _build(self, category, name, spec, base, shared, hints, voice_extra, frames, pii_voice):
        st = _SubType()
        st.name = name
        st.category = category
        st.weight = float(spec.get("w", 1.0))
        st.grid = dict(spec.get("grid", {}))
        st.hours = _HOURS[spec.get("hours", "flat")]
        st.urgent = float(spec.get("urgent", 0.0))
        st.pii_p = float(spec.get("pii_p", 0.09))
        st.pii_kinds = tuple(spec.get("pii", ("phone",)))
        st.detail_p = float(spec.get("detail_p", 0.65))
        st.calm_p = float(spec.get("calm_p", 0.4))
        st.hint_p = float(spec.get("hint_p", 0.6))
        st.loc = "any" if "spot" in spec else spec.get("loc", LOC.get(name, "any"))
        st.spot_keys = None if st.loc == "any" else {t: f"sp_{st.loc}_{t}" for t in PLACE_TYPES}
        route = spec.get("route") or _DEFAULT_ROUTE[category]
        route = [(d, spec.get("divert", "none") if t == "*" else t, p) for d, t, p in route]
        st.route = route
        st.route_cum = _cum([p for _, _, p in route])
        safe = [r for r in route if r[0] != "divert"] or [("on_scene", "", 1.0)]
        st.safe_route = safe
        st.safe_cum = _cum([p for _, _, p in safe])
        if st.urgent > 0 and not (spec.get("ur") and spec.get("us")):
            raise ValueError(f"{name}: urgent sub-type needs ur/us clauses")
        st.tables = {}
        st.main_ids = {}
        for voice in VOICES:
            raw = dict(base)
            raw.update(voice_extra[voice])
            raw.update(shared)
            raw.update(spec.get("slots", {}))
            raw["FRAME"] = frames[voice]
            sv = voice == "speech"
            raw["MAIN"] = (
                spec["s"] if sv else spec.get("n", spec["r"]) if voice == "note" else spec["r"]
            )
            raw["DETAIL"] = spec.get("ds", spec.get("d", [])) if sv else spec.get("d", [])
            raw["URG"] = spec.get("us" if sv else "ur", [])
            raw["CALM"] = spec.get("cs" if sv else "cr", [])
            for key, (hr, hs) in hints.items():
                raw["HINT_" + key] = hs if sv else hr
            for key, (hr, hs) in spec.get("hints", {}).items():
                raw["HINT_" + key] = hs if sv else hr
            for kind, clauses in pii_voice[voice].items():
                raw["PII_" + kind] = clauses
            if "spot" in spec:
                for g in GRID_KINDS:
                    raw["spot_" + g] = spec["spot"]
            if st.spot_keys is not None:
                for t, key in st.spot_keys.items():
                    raw[key] = SPOTS[st.loc][t]
            table = {k: _compile_list(tuple(v)) for k, v in raw.items()}
            _check_slots(name, voice, table)
            st.tables[voice] = table
            key = "s" if sv else "n" if voice == "note" and "n" in spec else "r"
            first: dict = {}
            st.main_ids[voice] = tuple(
                f"{name}/{key}{first.setdefault(alt, i)}" for i, alt in enumerate(table["MAIN"])
            )
        return st

    def _all_chars(self) -> str:
        chars: set[str] = set()
        for subs in self._subtypes.values():
            for st in subs:
                for alts in st.tables["speech"].values():
                    for alt in alts:
                        for item in (alt,) if isinstance(alt, str) else alt:
                            if isinstance(item, str):
                                chars.update(item)
        for key, alts in _lexicon()[1].items():
            chars.update(key, *alts)
        for pair in _TAILS.values():
            chars.update(*pair[0], *pair[1])
        return "".join(sorted(c for c in chars if "\u4e00" <= c <= "\u9fff"))

    def _weights_for(self, category: str, grid_kind: str, hour: int):
        key = (category, grid_kind, hour)
        got = self._weights.get(key)
        if got is None:
            subs = self._subtypes[category]
            w = [st.weight * st.grid.get(grid_kind, 1.0) * st.hours[hour] for st in subs]
            got = (subs, _cum(w))
            self._weights[key] = got
        return got

    # ---- public API ---------------------------------------------------------------------------
    def subtypes(self, category: str) -> list[str]:
        """Sub-type names of a category, in a fixed order."""
        return [st.name for st in self._subtypes[category]]

    def event_phrasings(self, category: str) -> dict[str, tuple[int, int]]:
        """Distinct hand-written event clauses per sub-type: (records/notes, speech).

        Why: the variety that matters to a classifier is in how the event is told, not in
        the places, times and numbers around it; tests hold these counts above a floor.
        """
        return {
            st.name: (len(set(st.tables["record"]["MAIN"])), len(set(st.tables["speech"]["MAIN"])))
            for st in self._subtypes[category]
        }

    def sample(
        self,
        category: str,
        rng: np.random.Generator,
        *,
        hour: int = 12,
        grid_kind: str = "residential",
        place: str | None = None,
        minute: int | None = None,
    ) -> CallText:
        """Write one call of ``category``; ``hour`` and ``grid_kind`` shift the sub-type mix.

        ``place`` is the grid's place name (a generated one when None); the event appends a
        spot that fits it. ``minute`` (of the call's receipt) keeps every clock time in the
        text at or before ``hour:minute``; without it, times stay within ``hour``.
        """
        if category not in self._subtypes:
            raise ValueError(f"unknown category {category!r}")
        if grid_kind not in GRID_KINDS:
            raise ValueError(f"unknown grid kind {grid_kind!r}")
        hour = int(hour) % 24
        nx = _stream(rng).__next__
        u = nx()
        voice = "record" if u < 0.45 else "note" if u < 0.75 else "speech"
        subs, cum = self._weights_for(category, grid_kind, hour)
        st = subs[min(bisect_right(cum, nx()), len(subs) - 1)]
        urgent = nx() < st.urgent
        if urgent:
            d, t, _ = st.safe_route[min(bisect_right(st.safe_cum, nx()), len(st.safe_cum) - 1)]
        else:
            d, t, _ = st.route[min(bisect_right(st.route_cum, nx()), len(st.route_cum) - 1)]
        table = st.tables[voice]
        ctx = _Ctx(hour, "", None if minute is None else int(minute) % 60)
        ex = self._expand
        base_place = place if place else ex(_pick(table["place_" + grid_kind], nx), table, nx, ctx)
        if st.spot_keys is None:
            spots = table["spot_" + grid_kind]
        else:
            spots = table[st.spot_keys[place_type(base_place)]]
        spot = ex(_pick(spots, nx), table, nx, ctx)
        if spot and base_place.endswith(spot):
            spot = ""
        ctx.place = base_place + spot
        main = table["MAIN"]
        k = int(nx() * len(main))
        parts = [ex(main[k], table, nx, ctx)]
        if table["DETAIL"] and nx() < st.detail_p:
            parts.append(ex(_pick(table["DETAIL"], nx), table, nx, ctx))
        if urgent:
            parts.append(ex(_pick(table["URG"], nx), table, nx, ctx))
        elif table["CALM"] and nx() < st.calm_p:
            parts.append(ex(_pick(table["CALM"], nx), table, nx, ctx))
        hint = table.get("HINT_" + (t or d))
        if hint and nx() < st.hint_p:
            parts.append(ex(_pick(hint, nx), table, nx, ctx))
        if nx() < st.pii_p:
            kind = st.pii_kinds[int(nx() * len(st.pii_kinds))]
            parts.append(ex(_pick(table["PII_" + kind], nx), table, nx, ctx))
        body = "，".join(p for p in parts if p)
        frame = _pick(table["FRAME"], nx)
        ctx.body = body
        text = _paraphrase(ex(frame, table, nx, ctx), nx, voice, urgent, d)
        text = text.replace(_PLACE_MARK, ctx.place)
        if voice == "speech":
            text = self._speechify(text, nx)
        else:
            text = text.replace("，。", "。").replace("，，", "，").replace("。。", "。")
        for i, value in enumerate(ctx.pii):
            text = text.replace(chr(0xE000 + i), value)
        if t == "12345" and d == "divert" and voice != "speech" and nx() < 0.5:
            lead = common.HOTLINE_LEADS[int(nx() * len(common.HOTLINE_LEADS))]
            text = lead.replace("{n}", str(10000 + int(nx() * 90000))) + text
        police_class, police_type = POLICE_CODES.get(st.name) or DISPUTE_CODE
        return CallText(
            text=text,
            category=category,
            subtype=st.name,
            disposition=d,
            divert_to=t if d == "divert" else "",
            urgent=urgent,
            voice=voice,
            pii=tuple(ctx.pii),
            phrasing=st.main_ids[voice][k],
            police_class=police_class,
            police_type=police_type,
        )

    # ---- internals ----------------------------------------------------------------------------
    def _expand(self, alt: Alt, table, nx, ctx: _Ctx) -> str:
        if alt.__class__ is str:
            return alt
        out = []
        expand = self._expand
        for item in alt:
            kind = item.__class__
            if kind is str:
                out.append(item)
            elif kind is tuple:
                alts = table[item[0]]
                got = alts[int(nx() * len(alts))]
                out.append(got if got.__class__ is str else expand(got, table, nx, ctx))
            else:
                out.append(item(nx, ctx))
        return "".join(out)

    def _speechify(self, text: str, nx) -> str:
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
            text = text.translate(self._trad_full)
        elif u < 0.12:
            cut = int(nx() * len(text))
            text = text[:cut] + text[cut:].translate(self._trad_half)
        return text


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


def _merge_modules(modules) -> tuple[dict, dict, dict]:
    """Merge a category's fragment modules: lists with the same key are concatenated."""
    shared: dict[str, list[str]] = {}
    hints: dict[str, tuple[list[str], list[str]]] = {}
    specs: dict[str, dict] = {}
    for module in modules:  # a module, or a plain dict of sub-types that extends earlier ones
        for key, items in getattr(module, "SLOTS", {}).items():
            shared[key] = shared.get(key, []) + list(items)
        for key, (hr, hs) in getattr(module, "HINTS", {}).items():
            old_r, old_s = hints.get(key, ([], []))
            hints[key] = (old_r + list(hr), old_s + list(hs))
        subtypes = module if isinstance(module, dict) else module.SUBTYPES
        for name, spec in subtypes.items():
            if name not in specs:
                specs[name] = {**spec, "slots": dict(spec.get("slots", {}))}
                continue
            into = specs[name]
            for key, value in spec.items():
                if key in _LIST_KEYS:
                    into[key] = list(into.get(key, [])) + list(value)
                elif key == "slots":
                    for slot, items in value.items():
                        into["slots"][slot] = into["slots"].get(slot, []) + list(items)
                elif key == "hints":
                    merged = dict(into.get("hints", {}))
                    for hk, (hr, hs) in value.items():
                        old_r, old_s = merged.get(hk, ([], []))
                        merged[hk] = (old_r + list(hr), old_s + list(hs))
                    into["hints"] = merged
                else:
                    into[key] = value
    return shared, hints, specs


def _relabel(merged: dict[str, tuple[dict, dict, dict]]) -> dict[str, tuple[dict, dict, dict]]:
    """Apply ``text_fragments.relabel``: moved sub-types and reassigned event clauses.

    Clauses keep working in their new home: the slots they used from their old category
    travel with them (as spec-level slots of the receiving sub-type).
    """

    def carry(src: str, spec: dict, into: dict) -> None:
        slots = into.setdefault("slots", {})
        for key, items in {**merged[src][0], **spec.get("slots", {})}.items():
            if key not in slots and key not in merged_dst_shared(into):
                slots[key] = list(items)

    owner: dict[int, str] = {}

    def merged_dst_shared(into: dict) -> dict:
        return merged[owner[id(into)]][0]

    for name, (src, dst, changes) in relabel.MOVES.items():
        spec = merged[src][2].pop(name)
        owner[id(spec)] = dst
        carry(src, dict(spec), spec)
        for key, value in changes.items():
            if value is None:
                spec.pop(key, None)
            else:
                spec[key] = value
        merged[dst][2][name] = spec
    for name, changes in relabel.RETARGET.items():
        for _, _, specs in merged.values():
            if name in specs:
                specs[name].update(changes)
    for src, name, pattern, dst, target in relabel.REASSIGN:
        spec, into = merged[src][2][name], merged[dst][2][target]
        owner[id(into)] = dst
        rx = re.compile(pattern)
        for key in ("r", "n", "s"):
            if key not in spec:
                continue
            moving = [c for c in spec[key] if rx.search(c)]
            spec[key] = [c for c in spec[key] if not rx.search(c)]
            if key in into:
                into[key] = list(into[key]) + moving
        carry(src, spec, into)
    return merged


def _check_slots(name: str, voice: str, table: dict[str, tuple[Alt, ...]]) -> None:
    """Fail at build time, not mid-simulation, when a template names an unknown slot."""
    for alts in table.values():
        for alt in alts:
            for item in () if isinstance(alt, str) else alt:
                if item.__class__ is tuple and item[0] not in table:
                    raise ValueError(f"{name} ({voice}): unknown slot {{{item[0]}}}")


def _pick(alts: tuple[Alt, ...], nx) -> Alt:
    return alts[int(nx() * len(alts))]


def _stream(rng: np.random.Generator) -> Iterator[float]:
    while True:
        yield from rng.random(48).tolist()


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
