"""Urgency tiers and the words that raised them, from a fitted triage model's scores.

The urgency score (the urgency head's probability, raised to 1 by the cue guard) is cut in
three by two thresholds the training sets from a stated cost of each outcome
(``training.triage.urgency``): 紧急 (dispatch now; the old ``urgent`` flag), 可能紧急 (the
call taker asks at once whether it is still going on) and 一般. The cue is the phrase of
the text that pushed the urgency head up the most, as typed; the words the cue guard reads
(持刀, 跳楼, then 还在打) count first wherever they are, and with an urgency layer
(``features.urgency_signals``) so do the words of the signals that raised its score.
"""

from __future__ import annotations

import numpy as np

from features.contributions import explain, feature_index
from features.cues import CUE_NAMES

__all__ = ["TIERS", "tiers", "urgency_cues"]

TIERS: tuple[str, str, str] = ("紧急", "可能紧急", "一般")
# The cues the guard reads (features.cues.guard_from_cues): their words are the cue, the
# danger itself (刀, 跳楼) before what says it is going on (还在, 快来).
_GUARD_WEIGHTS = {
    CUE_NAMES.index(name): weight
    for names, weight in (
        (("weapon", "self_harm", "fire", "trapped", "blood"), 10.0),
        (("ongoing", "violence", "threat"), 3.0),
    )
    for name in names
}


# A layer signal's weight (a logit, up to about 4) in the units of the guard's words above.
_LAYER_SCALE = 2.5


def tiers(score: np.ndarray, urgent_at: float, maybe_at: float) -> np.ndarray:
    """The tier of every score: 紧急 from ``urgent_at``, 可能紧急 from ``maybe_at``."""
    score = np.asarray(score, dtype=float)
    out = np.full(score.shape, TIERS[2], dtype=object)
    out[score >= min(maybe_at, urgent_at)] = TIERS[1]
    out[score >= urgent_at] = TIERS[0]
    return out


def urgency_cues(model, aligned: list, X, tier: np.ndarray, record=None) -> list:  # noqa: N803
    """Per text, the span that raised its urgency (None for 一般 or with no such words);
    ``record``: where the batch's features are (``features.contributions.explain``)."""
    from features.cues import cue_spans
    from features.urgency_signals import signal_spans

    out: list = [None] * len(aligned)
    rows = np.flatnonzero(tier != TIERS[2])
    head = getattr(model.urgent, "model", None)
    if not len(rows) or model.feature_names is None:
        return out
    n = X.shape[1]
    if head is not None and getattr(head, "coef_", None) is not None:
        positive = [i for i, c in enumerate(head.classes_) if str(c) in ("True", "true", "1")]
        sign = 1.0 if positive == [1] else -1.0
        weights = (sign * np.asarray(head.coef_[0][:n], dtype=np.float32))[None, :]
    else:
        weights = np.zeros((1, n), dtype=np.float32)
    layer = getattr(model, "urgency_layer", None)
    raising = layer.raising() if layer is not None else {}
    boost = []
    for i in rows:  # the guard's words name the danger wherever they are, fired or not
        found = cue_spans(aligned[i].text, _GUARD_WEIGHTS)
        boost.append([(a, b, _GUARD_WEIGHTS[k]) for k, a, b in found])
        if raising:  # the layer's signals that raised it, by their weight
            spans = signal_spans(aligned[i].text)
            boost[-1] += [(a, b, _LAYER_SCALE * raising[k]) for k, a, b in spans if k in raising]
    index = feature_index(model.category.named_steps["features"])
    skip = model.feature_kind >= 2  # placeholders and cues
    skip[index.cue_at : index.cue_at + len(CUE_NAMES)] = False
    which = np.zeros(len(rows), dtype=np.int64)
    if record is not None and "one" not in record:  # (one text: its record as it is)
        from features.contributions import take_record

        record = take_record(record, rows)
    chosen = [aligned[i] for i in rows]
    some = X if len(rows) == X.shape[0] else X[rows]
    found = explain(chosen, some, which, weights, index, skip, 1, boost, record)
    for i, spans in zip(rows, found):  # noqa: B905
        out[i] = spans[0] if spans else None
    return out
