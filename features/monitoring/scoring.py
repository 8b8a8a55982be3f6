"""The fields the monitor watches, from a triage model's scores or from audit records.

``TriageModel.score`` gives the shift score (share of unseen character n-grams,
``features.shift``) when the model carries its training n-grams; older models do not, and
the monitor then reports text drift from confidence alone.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from features.monitoring.drift import build_reference

WATCHED = ("category", "disposition", "urgent", "confidence", "shift")
BATCH = 2048


def watched_scores(model, texts: list[str]) -> dict[str, np.ndarray | None]:
    """Score ``texts`` in batches and keep only the watched fields (None if absent)."""
    parts: dict[str, list[np.ndarray]] = {k: [] for k in WATCHED}
    for lo in range(0, len(texts), BATCH):
        scores = model.score(texts[lo : lo + BATCH])
        for key in WATCHED:
            parts[key].append(scores.get(key))
    out: dict[str, np.ndarray | None] = {}
    for key, chunks in parts.items():
        present = [c for c in chunks if c is not None]
        out[key] = np.concatenate(present) if present and len(present) == len(chunks) else None
    return _without_empty_router(out)


def watched_fields(scores: Mapping, rows: np.ndarray | None = None) -> dict:
    """The watched fields of scores already computed (``TriageModel.score`` of a batch),
    at ``rows`` (positions; all when None): the same as :func:`watched_scores` of them."""
    out = {}
    for key in WATCHED:
        value = scores.get(key)
        out[key] = (
            None if value is None else np.asarray(value)[slice(None) if rows is None else rows]
        )
    return _without_empty_router(out)


def _without_empty_router(out: dict) -> dict:
    if out["disposition"] is not None and all(v is None for v in out["disposition"]):
        out["disposition"] = None  # a model without a router: nothing to watch
    return out


def training_reference(model, texts: list[str], source: str) -> dict:
    """What the model answers on calls of its training data it was not fitted on: the
    reference the monitor compares with (stored in ``model.info["monitor_reference"]``)."""
    return build_reference(watched_scores(model, texts), source)
