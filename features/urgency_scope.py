"""Urgency signals read within their clause: is the danger denied, over, or going on now?

A word family (``features.urgency_signals``) says *what* a call mentions; a call taker also
reads *whether it is so now*. 没有拿刀 denies the weapon, 昨天被打了 puts the beating in the
past, 人已经走了 ends it, 还在打 keeps it going. This module reads the danger families of a
prepared text clause by clause (a clause ends at punctuation or a space):

- a danger match is **denied** when a negation (没有, 没, 未, 无, 不) stands just before it in
  its clause (无人受伤; a family whose own words hold a negation, 没有呼吸, is not denied);
- a danger match is **over** when its clause carries a time that is past (昨天, 上周) or says
  it has ended, was treated or did no harm (已离开, 已送医, 没有人受伤);
- a danger match is **now** when its clause says it is going on or has just happened (正在,
  还在, 刚刚, 快来);
- the **last clause** of a record says how things stand (现双方已分开, 人还在里面).

The columns (:data:`SCOPE_NAMES`): each danger family counted only where it is neither
denied nor over (``live_*``), how many danger matches are denied, over and now, and whether
the last clause ends it or says it goes on. A batch is scanned as one NUL-joined string, one
regular expression per family, so a text costs a few microseconds.
"""

from __future__ import annotations

import re

import numpy as np

from features.urgency_signals import DANGER, signal_pattern

__all__ = ["DANGER", "SCOPE_NAMES", "scope_matrix"]

_OVER = ("past", "gone", "treated", "no_harm")
_NOW = ("ongoing", "just_now", "help_now")
SCOPE_NAMES: tuple[str, ...] = (
    *(f"live_{name}" for name in DANGER),
    "danger_denied",
    "danger_over",
    "danger_now",
    "last_over",
    "last_now",
)
_SEP = "\x00"
_CLAUSE_END = re.compile(r"[,，。.!！?？;；:：、\s\x00]")
# A negation just before a danger word, in its clause: 没有/没/未/无/不/别 within 3 characters.
_DENY = re.compile(r"(?:没有|没|未|无|不|别|并非|并未)[^,，。.!！?？;；:：、\s\x00]{0,3}$")
_LOOKBACK = 6
_TRAILING = re.compile(r"[,，。.!！?？;；:：、\s]+$")
# Words inside a family's own patterns that hold a negation (没有呼吸, 叫不醒, 出不来): such a
# match is itself the danger, so a negation before it is part of it.
_SELF_NEGATED = re.compile(r"没|不|未|无")


def _matches(pattern: re.Pattern, joined: str) -> tuple[np.ndarray, np.ndarray]:
    spans = [m.span() for m in pattern.finditer(joined)]
    if not spans:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    a = np.array(spans, dtype=np.int64)
    return a[:, 0], a[:, 1]


def scope_matrix(prepared: list[str]) -> np.ndarray:
    """The clause-scoped columns (:data:`SCOPE_NAMES`) of each prepared text."""
    n = len(prepared)
    out = np.zeros((n, len(SCOPE_NAMES)), dtype=np.float64)
    if not n:
        return out
    texts = [t.replace(_SEP, " ") for t in prepared]
    joined = _SEP.join(texts)
    ends = np.cumsum([len(t) + 1 for t in texts])  # one past each text's separator
    # Clause ids: the number of clause ends before a position (the joins end clauses too).
    cuts = np.array([m.start() for m in _CLAUSE_END.finditer(joined)], dtype=np.int64)
    # The last clause of each text: the clause of its last character that is not a clause
    # end (-1 for a text of punctuation only).
    last_clause = np.full(n, -1, dtype=np.int64)
    for row, (t, e) in enumerate(zip(texts, ends, strict=True)):
        body = len(_TRAILING.sub("", t))
        if body:
            last_clause[row] = np.searchsorted(cuts, e - len(t) - 1 + body - 1, side="right")
    over_clauses: set[int] = set()
    now_clauses: set[int] = set()
    for names, into in ((_OVER, over_clauses), (_NOW, now_clauses)):
        for name in names:
            starts, _ = _matches(signal_pattern(name), joined)
            into.update(np.searchsorted(cuts, starts, side="right").tolist())
    col = {name: i for i, name in enumerate(SCOPE_NAMES)}
    for name in DANGER:
        pattern = signal_pattern(name)
        for m in pattern.finditer(joined):
            start = m.start()
            row = int(np.searchsorted(ends, start, side="right"))
            clause = int(np.searchsorted(cuts, start, side="right"))
            before = joined[max(0, start - _LOOKBACK) : start]
            if _DENY.search(before) and not _SELF_NEGATED.search(m.group()):
                out[row, col["danger_denied"]] += 1
            elif clause in over_clauses:
                out[row, col["danger_over"]] += 1
            else:
                out[row, col[f"live_{name}"]] = 1.0
                if clause in now_clauses:
                    out[row, col["danger_now"]] += 1
    for row in range(n):
        if last_clause[row] in over_clauses:
            out[row, col["last_over"]] = 1.0
        if last_clause[row] in now_clauses:
            out[row, col["last_now"]] = 1.0
    # Counts as log(1 + n): a second denied word adds less than the first.
    for name in ("danger_denied", "danger_over", "danger_now"):
        out[:, col[name]] = np.log1p(out[:, col[name]])
    return out
