"""The evidence spans of one text (``features.contributions.explain``) in plain Python.

``explain`` spreads a batch's feature contributions over the characters of each text with
a few dozen array operations; for one text, whose features sit in a few hundred places,
those calls cost more than the arithmetic. Here the same sums are made in the same order
(``np.bincount`` and ``np.cumsum`` add in input order, as these loops do), from the places
the one-text featurisation listed (``features.one_text.Places``), and the phrases are cut
by the per-text definitions (``features.evidence.word_units`` and ``phrases``), which the
batch functions reproduce. ``tests/triage/test_one_text.py`` compares every span with the
batch's.
"""

from __future__ import annotations

import numpy as np

__all__ = ["explain_one"]

_ZERO = 1e-9  # as features.contributions: what is left of sums that cancel is 0


def explain_one(
    aligned,
    X,  # noqa: N803
    which: int,
    weights: np.ndarray,
    index,
    skip: np.ndarray,
    limit: int,
    boost: list[tuple[int, int, float]],
    where,
) -> list[tuple[int, int, str, float]]:
    """The spans ``explain`` gives the one text of ``X`` (see the module docstring)."""
    from features.cues import CUE_NAMES, cue_spans
    from features.evidence import phrases, word_units

    text = aligned.text
    cols = X.indices
    every = (X.data * weights[which, cols]).tolist()
    skipped = skip[cols].tolist()
    value = {c: v for c, v, s in zip(cols.tolist(), every, skipped) if v != 0 and not s}  # noqa: B905
    places = where.places
    cue_at, cue_end = index.cue_at, index.cue_at + len(CUE_NAMES)
    fired = [c - cue_at for c in value if cue_at <= c < cue_end]
    if fired:
        places = places + [(cue_at + k, a, b) for k, a, b in cue_spans(text, fired)]
    found = [(c, a, b) for c, a, b in places if c in value]
    times: dict[int, int] = {}
    for c, _, _ in found:
        times[c] = times.get(c, 0) + 1
    size = len(text) + 1
    up, down = [0.0] * size, [0.0] * size
    for c, a, b in found:
        share = value[c] / times[c] / (b - a)
        up[a] += share
        down[b] += share
    density = [u - d for u, d in zip(up, down)]  # noqa: B905
    for a, b, w in boost:
        density[a] += w / (b - a)
        density[b] -= w / (b - a)
    running, prefix = 0.0, [0.0]
    total = 0.0
    for d in density[:-1]:
        running += d
        total += 0.0 if abs(running) < _ZERO else running
        prefix.append(total)
    units = word_units(aligned, where.tokens)
    unit_weight = []
    for a, b in units:
        w = prefix[b] - prefix[a]
        unit_weight.append(0.0 if abs(w) < _ZERO else w)
    shown = phrases(aligned, units, unit_weight, limit)
    return [(s.start, s.end, s.text, s.weight) for s in shown]
