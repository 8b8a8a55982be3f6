"""Urgency tiers: two thresholds on the urgency score set from a stated cost of each outcome.

A call taker acts on three tiers (``features.urgency``): 紧急 sends a unit at once, 可能紧急
asks at once whether it is still going on (weapon, injury, still there), 一般 takes the
call in turn. What each outcome costs is a configuration value (``TriageConfig``), in units
of one false 紧急 alarm (a unit sent at top priority for nothing):

======================  ================  =====================
truth \\ tier           紧急              可能紧急   一般
======================  ================  =====================
urgent                  0                 ``urgency_cost_late``  ``urgency_cost_miss``
not urgent              1                 ``urgency_cost_ask``   0
======================  ================  =====================

The defaults: a missed urgent call costs 20 false alarms, an urgent call found by the
question a little later 2, a question asked of a calm caller 0.1. The two thresholds are
the pair with the least total cost on labelled calls, searched over every pair of their
scores. They are chosen on one set and reported on another (:func:`crossfit_tiers`): the
records' city half when the model was trained on the synthetic city, else the two halves
of the calibration items, each judged with the thresholds of the other.
"""

from __future__ import annotations

import numpy as np

from features.urgency import TIERS, tiers
from training.triage.evaluate import binary_pr

__all__ = [
    "choose_tiers",
    "costs_of",
    "crossfit_tiers",
    "fit_urgency_layer",
    "tier_metrics",
    "urgency_layer_tiers",
]

LAYER_C = (0.1, 0.3, 1.0, 3.0)  # the layer's regularisation, chosen by cross-validated log-loss
LAYER_FOLDS = 5


def costs_of(cfg) -> tuple[float, float, float, float]:
    """(false 紧急 alarm, urgent at 可能紧急, calm at 可能紧急, urgent at 一般) from a config."""
    return 1.0, cfg.urgency_cost_late, cfg.urgency_cost_ask, cfg.urgency_cost_miss


def choose_tiers(
    score: np.ndarray, urgent: np.ndarray, costs: tuple[float, float, float, float]
) -> tuple[float, float, float]:
    """``(紧急 threshold, 可能紧急 threshold, mean cost per call)`` with the least total cost.

    A threshold is one of the scores (a call is in a tier when its score reaches it) or
    just above the highest (nobody in that tier). Among equal costs the higher thresholds
    win: fewer calls are raised for the same cost.
    """
    score = np.asarray(score, dtype=float)
    y = np.asarray(urgent, dtype=bool)
    if not len(score):
        return 0.5, 0.5, 0.0
    alarm, late, ask, miss = costs
    cuts = np.append(np.unique(score), np.inf)  # ascending
    # Calls at or above each cut, urgent and calm.
    order = np.searchsorted(cuts, score, side="right") - 1  # index of the highest cut ≤ score
    u_at = np.bincount(order[y], minlength=len(cuts))
    c_at = np.bincount(order[~y], minlength=len(cuts))
    u_ge = np.cumsum(u_at[::-1])[::-1]
    c_ge = np.cumsum(c_at[::-1])[::-1]
    ju = np.arange(len(cuts))[:, None]  # 紧急 cut
    jm = np.arange(len(cuts))[None, :]  # 可能紧急 cut
    total = (
        alarm * c_ge[ju]
        + ask * (c_ge[jm] - c_ge[ju])
        + late * (u_ge[jm] - u_ge[ju])
        + miss * (y.sum() - u_ge[jm])
    ).astype(float)
    total[jm > ju] = np.inf  # the 可能紧急 cut is never above the 紧急 cut
    # Least cost; ties go to the highest cuts (flattened in descending order of both).
    flipped = total[::-1, ::-1]
    best_u, best_m = np.unravel_index(int(np.argmin(flipped)), flipped.shape)
    iu, im = len(cuts) - 1 - best_u, len(cuts) - 1 - best_m
    top = float(score.max()) + 1e-6
    t_urgent = top if np.isinf(cuts[iu]) else float(cuts[iu])
    t_maybe = top if np.isinf(cuts[im]) else float(cuts[im])
    return t_urgent, t_maybe, float(total[iu, im] / len(score))


def crossfit_tiers(
    model,
    score: np.ndarray,
    urgent: np.ndarray,
    fold: np.ndarray,
    cfg,
    *,
    choose_on: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Set ``model``'s two thresholds and return the tier of every call of ``score`` as
    judged honestly: with thresholds chosen on ``choose_on`` (scores, labels of another set)
    when given, else on the other folds of ``fold``."""
    costs = costs_of(cfg)
    if choose_on is not None:
        t_urgent, t_maybe, _ = choose_tiers(*choose_on, costs)
        model.urgent_threshold, model.maybe_threshold = t_urgent, t_maybe
        return tiers(score, t_urgent, t_maybe)
    out = np.full(len(score), TIERS[2], dtype=object)
    for k in np.unique(fold):
        part = fold == k
        t_urgent, t_maybe, _ = choose_tiers(score[~part], urgent[~part], costs)
        out[part] = tiers(score[part], t_urgent, t_maybe)
    model.urgent_threshold, model.maybe_threshold, _ = choose_tiers(score, urgent, costs)
    return out


def tier_metrics(
    tier: np.ndarray,
    urgent: np.ndarray,
    prefix: str,
    costs: tuple[float, float, float, float] | None = None,
) -> dict[str, float]:
    """Precision and recall of 紧急 (``urgent_*``, the urgent flag) and of 紧急 or 可能紧急
    (``raised_*``), the precision of 可能紧急, each tier's share of calls and, with
    ``costs``, the mean cost per call."""
    tier = np.asarray(tier, dtype=object)
    y = np.asarray(urgent, dtype=bool)
    m: dict[str, float] = {}
    m[f"{prefix}_urgent_precision"], m[f"{prefix}_urgent_recall"] = binary_pr(tier == TIERS[0], y)
    raised = tier != TIERS[2]
    m[f"{prefix}_raised_precision"], m[f"{prefix}_raised_recall"] = binary_pr(raised, y)
    maybe = tier == TIERS[1]
    m[f"{prefix}_maybe_precision"] = binary_pr(maybe, y)[0]
    for name, value in (("urgent", TIERS[0]), ("maybe", TIERS[1]), ("calm", TIERS[2])):
        m[f"{prefix}_{name}_share"] = float((tier == value).mean()) if len(tier) else float("nan")
    if costs is not None and len(tier):
        alarm, late, ask, miss = costs
        total = (
            alarm * ((tier == TIERS[0]) & ~y).sum()
            + late * (maybe & y).sum()
            + ask * (maybe & ~y).sum()
            + miss * ((tier == TIERS[2]) & y).sum()
        )
        m[f"{prefix}_urgency_cost"] = float(total / len(tier))
    return m


def fit_urgency_layer(model, frame, *, seed: int = 0, name: str = "") -> tuple[np.ndarray, dict]:
    """Fit ``model.urgency_layer`` (``features.urgency_signals``) on labelled calls ``frame``.

    The layer is a logistic regression from the head's logit and the urgency signals to
    P(urgent), with its C chosen by stratified 5-fold log-loss. The cue guard is one of its
    inputs (with the layer it only keeps its words out of 一般, see ``TriageModel.score``).
    Returns the out-of-fold urgency score of every call — the scores the tiers may be
    chosen on without being chosen on the layer's own fit — and figures for the run's
    log (chosen C, out-of-fold log-loss, the weights).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.model_selection import StratifiedKFold

    from features.urgency_signals import UrgencyLayer, layer_inputs

    model.urgency_layer = None
    texts = frame["text"].astype(str).tolist()
    raw = model.score(texts)
    y = frame["urgent"].astype(bool).to_numpy()
    guard = np.asarray(raw["urgent_guard"], dtype=bool)
    X = layer_inputs(raw["urgent_head_score"], list(raw["prepared"]), guard)  # noqa: N806
    folds = min(LAYER_FOLDS, int(y.sum()), int((~y).sum()))
    if folds < 2:
        raise ValueError(f"{name or 'the layer set'} needs urgent and calm calls")
    split = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, y))

    def out_of_fold(c: float) -> np.ndarray:
        oof = np.zeros(len(y))
        for tr, va in split:
            fit = LogisticRegression(C=c, max_iter=2000).fit(X[tr], y[tr])
            oof[va] = fit.predict_proba(X[va])[:, 1]
        return oof

    losses = {c: log_loss(y, out_of_fold(c), labels=[False, True]) for c in LAYER_C}
    best = min(LAYER_C, key=losses.get)
    oof = out_of_fold(best)
    final = LogisticRegression(C=best, max_iter=2000).fit(X, y)
    model.urgency_layer = UrgencyLayer(
        coef=final.coef_[0].astype(float), intercept=float(final.intercept_[0]), fitted_on=name
    )
    info = {
        "urgency_layer_c": best,
        "urgency_layer_oof_log_loss": losses[best],
        "urgency_layer_n": float(len(y)),
        **{f"urgency_layer_w_{k}": v for k, v in model.urgency_layer.weights().items()},
    }
    return oof, info


def urgency_layer_tiers(
    model, frame, cfg, say=print
) -> tuple[tuple[np.ndarray, np.ndarray], dict]:
    """Fit the urgency layer on ``frame`` (the records' city half); return the out-of-fold
    scores and labels the tiers are chosen on, and the figures to log."""
    scores, info = fit_urgency_layer(model, frame, seed=cfg.seed, name="records city half")
    say(
        f"urgency layer: signals + head fitted on {len(frame):,} records (city half), "
        f"C {info['urgency_layer_c']:g}, out-of-fold log-loss "
        f"{info['urgency_layer_oof_log_loss']:.4f}"
    )
    return (scores, frame["urgent"].astype(bool).to_numpy()), info
