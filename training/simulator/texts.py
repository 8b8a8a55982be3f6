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
from dataclasses import dataclass
from itertools import accumulate

import numpy as np

from training.simulator.grammar import (
    Alt,
    _check_slots,
    _compile_list,
    _merge_modules,
    _pick,
    _relabel,
    _stream,
)
from training.simulator.paraphrase import (
    _TAILS,
    _lexicon,
    _paraphrase,
    _traditional_tables,
    speechify,
)
from training.simulator.slots import _PLACE_MARK, _Ctx, mask_place
from training.simulator.text_fragments import MODULES as _MODULES
from training.simulator.text_fragments import common
from training.simulator.text_fragments.pii import PII_CLAUSES
from training.simulator.text_fragments.places import LOC, PLACE_TYPES, SPOTS, place_type
from training.simulator.text_fragments.police_codes import DISPUTE_CODE, POLICE_CODES
from training.simulator.text_fragments.routes import _DEFAULT_ROUTE

VOICES = ("record", "note", "speech")
RECORD_SHARE = (
    0.45  # of the calls are written in the records voice, 0.30 as notes, the rest speech
)
# Share of record-voice calls whose given place is written masked (XX路XX号), as exports are.
PLACE_MASK_SHARE = 0.6
GRID_KINDS = ("commercial", "residential", "nightlife", "industrial", "village", "transport_hub")

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


_LEAD_SUBJECT = re.compile(
    r"(报警人(?:（[男女]）)?|事主|来电人|知情人)(称|报称|反映)(?:报警人|事主|当事人)(的)?"
)


def _fold_lead(text: str) -> str:
    """ "报警人称报警人被打" → "报警人称被打", "…称报警人的车" → "…称其车"."""
    return _LEAD_SUBJECT.sub(
        lambda m: m.group(1) + m.group(2) + ("其" if m.group(3) else ""), text
    )


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

    def subtype_mix(self, category: str, grid_kind: str, hour: int) -> dict[str, float]:
        """``p(sub-type | category, grid kind, hour)`` as ``sample`` draws it."""
        subs, cum = self._weights_for(category, grid_kind, int(hour) % 24)
        return {st.name: c - p for st, c, p in zip(subs, cum, [0.0, *cum[:-1]], strict=True)}

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
        subtype: str | None = None,
    ) -> CallText:
        """Write one call of ``category``; ``hour`` and ``grid_kind`` shift the sub-type mix.

        ``subtype`` fixes the sub-type (another caller reporting the same incident).

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
        voice = "record" if u < RECORD_SHARE else "note" if u < 0.75 else "speech"
        subs, cum = self._weights_for(category, grid_kind, hour)
        st = subs[min(bisect_right(cum, nx()), len(subs) - 1)]
        if subtype is not None:
            st = next(s for s in subs if s.name == subtype)
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
        if place and voice == "record" and nx() < PLACE_MASK_SHARE:
            ctx.place = mask_place(ctx.place, nx)
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
            text = speechify(text, nx, self._trad_full, self._trad_half)
        else:
            text = text.replace("，。", "。").replace("，，", "，").replace("。。", "。")
            if voice == "record":
                text = _fold_lead(text)
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
