"""The training-time reference stored with the triage model (a hook of triage training)."""

from __future__ import annotations

import pandas as pd

from features.monitoring.scoring import training_reference

MAX_REFERENCE_CALLS = 20_000  # enough for shares to ±1 point; keeps training fast


def attach_reference(model, holdout: pd.DataFrame, train: pd.DataFrame, seed: int = 0) -> dict:
    """Score the held-out calls (the training sample when nothing is held out) and store
    the answers' mix and the confidence / shift histograms in ``model.info``."""
    part, source = (holdout, "holdout") if len(holdout) else (train, "training sample")
    if len(part) > MAX_REFERENCE_CALLS:
        part = part.sample(MAX_REFERENCE_CALLS, random_state=seed)
    ref = training_reference(model, part["text"].astype(str).tolist(), source)
    model.info["monitor_reference"] = ref
    return ref
