"""The answers of a scored batch as plain rows, built from its arrays.

``TriageModel.score`` returns arrays for the whole batch; a caller that writes JSON (the
command line, the service) wants one mapping per text in the shape of the answer contract
(``features.contract.Suggestion.model_dump()``). Building them column by column from the
arrays (one ``tolist`` per column, candidates ordered for the whole batch at once) costs a
fraction of constructing and dumping a validated ``Suggestion`` per text; ``suggest``
still validates every answer against the contract.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BRIEF_FIELDS", "answer_rows", "brief_rows", "span_row"]

# The fields of a brief answer (``TriageModel.classify``): the category part of a suggestion.
BRIEF_FIELDS = ("category", "confidence", "probabilities", "review", "candidates", "shift")


def span_row(span) -> dict | None:
    """A span ``(start, end, text, weight)`` as the contract's ``TextSpan`` mapping."""
    if span is None:
        return None
    start, end, text, weight = span
    return {"start": start, "end": end, "text": text, "weight": weight}


def _text_or_none(values) -> list:
    return [None if v is None else str(v) for v in values]


def answer_rows(scored: dict[str, np.ndarray], classes: list[str]) -> list[dict]:
    """One contract mapping per text of ``scored`` (the arrays ``TriageModel.score``
    returns), exactly what ``Suggestion(...).model_dump()`` gives for it."""
    proba = scored["proba"]
    n = len(proba)
    order = np.argsort(-proba, axis=1, kind="stable")
    chosen = np.take_along_axis(np.asarray(scored["candidates"], dtype=bool), order, axis=1)
    names = np.asarray(classes, dtype=object)
    columns = zip(  # noqa: B905 - every column has one value per text
        [str(c) for c in scored["category"]],
        np.asarray(scored["confidence"], dtype=float).tolist(),
        proba.tolist(),
        _text_or_none(scored["disposition"]),
        _text_or_none(scored["divert_to"]),
        np.asarray(scored["urgent"], dtype=bool).tolist(),
        np.minimum(np.asarray(scored["urgent_score"], dtype=float), 1.0).tolist(),
        [str(u) for u in scored["urgency"]],
        scored["urgency_cue"],
        scored["spans"],
        np.asarray(scored["review"], dtype=bool).tolist(),
        names[order].tolist(),
        chosen.tolist(),
        np.asarray(scored["shift"], dtype=float).tolist(),
    )
    rows = []
    for (
        cat,
        conf,
        p,
        disp,
        div,
        urgent,
        u_score,
        tier,
        cue,
        spans,
        review,
        ranked,
        keep,
        shift,
    ) in columns:
        shown = [span_row(s) for s in spans]
        rows.append(
            {
                "category": cat,
                "confidence": conf,
                "probabilities": dict(zip(classes, p)),  # noqa: B905
                "disposition": disp,
                "divert_to": div,
                "urgent": urgent,
                "urgent_score": u_score,
                "urgency": tier,
                "urgency_cue": span_row(cue),
                "keywords": [s["text"] for s in shown],
                "spans": shown,
                "review": review,
                "candidates": [c for c, k in zip(ranked, keep) if k],  # noqa: B905
                "shift": shift,
                "same_incident": None,
            }
        )
    assert len(rows) == n
    return rows


def brief_rows(classified: dict[str, np.ndarray], classes: list[str]) -> list[dict]:
    """One mapping per text of ``TriageModel.classify``'s arrays: the :data:`BRIEF_FIELDS`
    of the contract, with the values a full answer has for them."""
    proba = classified["proba"]
    order = np.argsort(-proba, axis=1, kind="stable")
    chosen = np.take_along_axis(np.asarray(classified["candidates"], dtype=bool), order, axis=1)
    ranked = np.asarray(classes, dtype=object)[order].tolist()
    columns = zip(  # noqa: B905 - every column has one value per text
        [str(c) for c in classified["category"]],
        np.asarray(classified["confidence"], dtype=float).tolist(),
        proba.tolist(),
        np.asarray(classified["review"], dtype=bool).tolist(),
        ranked,
        chosen.tolist(),
        np.asarray(classified["shift"], dtype=float).tolist(),
    )
    return [
        {
            "category": cat,
            "confidence": conf,
            "probabilities": dict(zip(classes, p)),  # noqa: B905
            "review": review,
            "candidates": [c for c, k in zip(names, keep) if k],  # noqa: B905
            "shift": shift,
        }
        for cat, conf, p, review, names, keep, shift in columns
    ]
