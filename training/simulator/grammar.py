"""The slot grammar of the call-text generator: compiling templates, merging a category's
fragment modules, applying the second taxonomy's relabelling, checking slot names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import numpy as np

from training.simulator.slots import _SPECIALS
from training.simulator.text_fragments import relabel

_SLOT_RE = re.compile(r"\{(\w+)\}")
_LIST_KEYS = ("r", "n", "s", "d", "ds", "ur", "us", "cr", "cs", "spot")

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
