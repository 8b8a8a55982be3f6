"""Learn the linker's coefficients and threshold from calls with a known ``incident_id``.

The simulator's incidents are the ground truth. The logistic model is fitted on the
candidate pairs of one table, once with and once without its coordinates (then pairs are
the same or neighbouring grids), each also with the categories hidden, so the same
coefficients serve tables (and requests) without coordinates or a category. The threshold is
the one that maximises pairwise F1 of the resulting incidents on the same table; it is
evidence only on another table (``benchmarks/linking/run.py`` reports on a city with
another seed and on the hand-written pairs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.linking import (
    FEATURES,
    Calls,
    Linker,
    LinkParams,
    candidate_pairs,
    join_incidents,
    pair_features,
)

__all__ = ["fit_params", "pairwise_scores", "training_pairs"]

_CATEGORY = FEATURES.index("category")


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    times = pd.to_datetime(frame["received_at"], utc=True)
    return frame.iloc[np.argsort(times.to_numpy(), kind="stable")].reset_index(drop=True)


def training_pairs(frame: pd.DataFrame, params: LinkParams, neighbours=None):
    """Features and labels (same ``incident_id``) of the candidate pairs of ``frame``."""
    df = _sorted(frame)
    calls = Calls.build(
        df["received_at"],
        df["text"].fillna(""),
        df.get("grid_id"),
        df.get("lat"),
        df.get("lon"),
        df.get("category"),
        ngram=params.ngram,
    )
    i, j = candidate_pairs(calls, params, neighbours)
    x = pair_features(calls, i, calls, j, params, neighbours)
    inc = df["incident_id"].astype(str).to_numpy()
    return x, inc[i] == inc[j], (i, j)


def pairwise_scores(truth, predicted) -> dict[str, float]:
    """Pairwise precision, recall and F1 of predicted incidents against true ones.

    A pair of calls counts when both are in one incident (``sklearn``'s pair confusion
    matrix counts ordered pairs; the ratios are the same).
    """
    from sklearn.metrics.cluster import pair_confusion_matrix

    (_, fp), (fn, tp) = pair_confusion_matrix(np.asarray(truth), np.asarray(predicted))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "true_pairs": int(tp + fn) // 2,
        "predicted_pairs": int(tp + fp) // 2,
    }


def fit_params(
    frame: pd.DataFrame,
    base: LinkParams | None = None,
    neighbours=None,
    thresholds: np.ndarray | None = None,
    trained_on: str = "",
) -> tuple[LinkParams, dict[str, float]]:
    """Fit coefficients on ``frame``'s pairs, then the threshold with the best pairwise F1.

    Returns the parameters and the scores at the chosen threshold (on ``frame`` itself:
    a fit figure, not evidence).
    """
    from sklearn.linear_model import LogisticRegression

    base = base or LinkParams()
    x, y, pairs = training_pairs(frame, base, neighbours)
    no_coords = frame.drop(columns=[c for c in ("lat", "lon") if c in frame.columns])
    xg, yg, _ = training_pairs(no_coords, base, neighbours)
    parts = [x, xg]
    for part in (x, xg):
        hidden = part.copy()
        hidden[:, _CATEGORY] = 0.0
        parts.append(hidden)
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit(np.vstack(parts), np.concatenate([y, yg, y, yg]))
    params = LinkParams(
        window_s=base.window_s,
        max_km=base.max_km,
        ngram=base.ngram,
        coef=[round(float(c), 6) for c in model.coef_[0]],
        intercept=round(float(model.intercept_[0]), 6),
        trained_on=trained_on,
    )
    linker = Linker(params, neighbours)
    score = linker.scores(x)
    df = _sorted(frame)
    truth = df["incident_id"].astype(str).to_numpy()
    best: tuple[float, float, dict] = (-1.0, 0.5, {})
    for t in thresholds if thresholds is not None else np.arange(0.2, 0.96, 0.025):
        root = join_incidents(len(df), pairs[0], pairs[1], score, float(t))[0]
        scores = pairwise_scores(truth, root)
        if scores["f1"] > best[0]:
            best = (scores["f1"], round(float(t), 3), scores)
    params.threshold = best[1]
    return params, best[2]
