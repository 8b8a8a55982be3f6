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
    calls = Calls.from_frame(df, ngram=params.ngram)
    i, j = candidate_pairs(calls, params, neighbours)
    x = pair_features(calls, i, calls, j, params, neighbours)
    inc = df["incident_id"].astype(str).to_numpy()
    y = inc[i] == inc[j]
    return (
        np.vstack([x, _look_alikes(df, calls, x, i, j, y, params)]),
        np.concatenate([y, np.zeros(int(y.sum()), dtype=bool)]),
        (i, j),
    )


def _look_alikes(df, calls, x, i, j, y, params, seed: int = 0) -> np.ndarray:
    """One unrelated look-alike per same-incident pair: the later call's time and place
    with the text and category of another incident's call (of the same category half the
    time).

    Why: simulated calls are spread evenly over their grid, so two unrelated calls minutes
    and metres apart almost never occur and the model would learn that time and place
    alone decide; at a busy square or a bar street they do occur, and then only the words
    and the category tell them apart.
    """
    rng = np.random.default_rng(seed)
    pos_i, pos_j = i[y], j[y]
    inc = df["incident_id"].astype(str).to_numpy()
    category = calls.category
    by_category = {c: np.flatnonzero(category == c) for c in np.unique(category)}
    other = rng.integers(0, len(df), size=len(pos_i))
    same = rng.random(len(pos_i)) < 0.5
    for k in np.flatnonzero(same):
        pool = by_category.get(category[pos_j[k]])
        if pool is not None and len(pool):
            other[k] = pool[rng.integers(len(pool))]
    clash = inc[other] == inc[pos_i]
    other[clash] = (other[clash] + 1) % len(df)
    fake = pair_features(calls, pos_i, calls, other, params)
    out = x[y].copy()
    for name in ("category", "text"):
        out[:, FEATURES.index(name)] = fake[:, FEATURES.index(name)]
    grid_only = out[:, FEATURES.index("no_coords")]
    out[:, FEATURES.index("text_no_coords")] = out[:, FEATURES.index("text")] * grid_only
    return out


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
    """Fit coefficients on ``frame``'s pairs, then the threshold with the best pair F1.

    The threshold is chosen on the candidate pairs with coordinates (natural ones and the
    look-alikes, with and without categories). Returns the parameters and the pair scores
    at the chosen threshold (on ``frame`` itself: a fit figure, not evidence).
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
    hidden = parts[2]
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
    score = Linker(params, neighbours).scores(np.vstack([x, hidden]))
    truth = np.concatenate([y, y])
    best: tuple[float, float, dict] = (-1.0, 0.5, {})
    for t in thresholds if thresholds is not None else np.arange(0.2, 0.96, 0.025):
        pred = score >= t
        tp = int((pred & truth).sum())
        precision, recall = tp / max(1, pred.sum()), tp / max(1, truth.sum())
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        if f1 > best[0]:
            best = (f1, round(float(t), 3), {"precision": precision, "recall": recall, "f1": f1})
    params.threshold = best[1]
    return params, best[2]
