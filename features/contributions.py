"""Per text, what each feature contributed to an answer, and the evidence spans from it.

The keyword explanation of a suggestion needs, for every row of a sparse feature matrix,
each feature's contribution (feature value × its weight toward the answer, positive or
negative). They are computed for the whole batch in a few array operations; each text's
contributions are then placed on the words they cover (``features.evidence``).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["explain", "row_contributions"]


def row_contributions(
    X: sp.csr_matrix,  # noqa: N803
    which: np.ndarray,
    weights: np.ndarray,
    skip: np.ndarray,
) -> list[tuple[list[int], list[float]]]:
    """Per row ``i``: every column with a non-zero ``X[i, j] * weights[which[i], j]`` and
    that contribution, positive or negative; columns where ``skip`` is true never count."""
    n = X.shape[0]
    counts = np.diff(X.indptr)
    rows = np.repeat(np.arange(n), counts)
    every = X.data * weights[which[rows], X.indices]
    keep = (every != 0) & ~skip[X.indices]
    rows, cols, every = rows[keep], X.indices[keep].tolist(), every[keep].tolist()
    bounds = np.searchsorted(rows, np.arange(n + 1)).tolist()
    return [(cols[lo:hi], every[lo:hi]) for lo, hi in zip(bounds[:-1], bounds[1:])]  # noqa: B905


def explain(
    aligned: list,
    X: sp.csr_matrix,  # noqa: N803
    which: np.ndarray,
    weights: np.ndarray,
    names: np.ndarray,
    skip: np.ndarray,
    limit: int,
    boost: list[list[tuple[int, int, float]]] | None = None,
) -> list[list]:
    """Per text, its evidence spans (``features.evidence.evidence_spans``) for the answer
    whose feature weights are ``weights[which[i]]``. Features named in
    ``features.cues.CUE_NAMES`` (the last columns) sit on their pattern's matches, every
    other feature on each place its text occurs; ``boost`` adds pieces of its own."""
    from features.cues import CUE_NAMES, cue_spans
    from features.evidence import evidence_spans

    k = len(CUE_NAMES)
    cue_at = X.shape[1] - k if tuple(names[-k:]) == CUE_NAMES else X.shape[1]
    out = []
    for i, (cols, contribs) in enumerate(row_contributions(X, which, weights, skip)):
        text = aligned[i].text
        pieces: list[tuple[int, int, float]] = list(boost[i]) if boost else []
        cue_weight: dict[int, float] = {}
        for col, w in zip(cols, contribs):  # noqa: B905
            if col >= cue_at:
                cue_weight[col - cue_at] = w
                continue
            piece = names[col]
            found = []
            at = text.find(piece)
            while at >= 0:
                found.append(at)
                at = text.find(piece, at + 1)
            for at in found:
                pieces.append((at, at + len(piece), w / len(found)))
        if cue_weight:
            matches = [m for m in cue_spans(text) if m[0] in cue_weight]
            per_cue = {c: sum(1 for m in matches if m[0] == c) for c in cue_weight}
            pieces += [(a, b, cue_weight[c] / per_cue[c]) for c, a, b in matches]
        out.append(evidence_spans(aligned[i], pieces, limit))
    return out
