"""The training-time reference stored with the triage model (a hook of triage training)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from features.monitoring.drift import build_reference
from features.monitoring.scoring import training_reference, watched_fields

MAX_REFERENCE_CALLS = 20_000  # enough for shares to ±1 point; keeps training fast


def attach_reference(
    model,
    holdout: pd.DataFrame,
    train: pd.DataFrame,
    seed: int = 0,
    holdout_scores: Mapping | None = None,
) -> dict:
    """Score the held-out calls (the training sample when nothing is held out) and store
    the answers' mix and the confidence / shift histograms in ``model.info``.

    ``holdout_scores``: the model's scores of every held-out call, in order, when the
    caller has them already (training's evaluation): the same calls are then read from
    them instead of being scored again.
    """
    part, source = (holdout, "holdout") if len(holdout) else (train, "training sample")
    rows = None
    if len(part) > MAX_REFERENCE_CALLS:  # the positions part.sample would draw
        rows = pd.Series(range(len(part))).sample(MAX_REFERENCE_CALLS, random_state=seed)
        rows = rows.to_numpy()
    if holdout_scores is not None and len(holdout):
        ref = build_reference(watched_fields(holdout_scores, rows), source)
    else:
        texts = part["text"].astype(str)
        texts = texts if rows is None else texts.iloc[rows]
        ref = training_reference(model, texts.tolist(), source)
    model.info["monitor_reference"] = ref
    return ref
