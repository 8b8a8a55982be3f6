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
question a little later 2, a question asked of a calm caller 0.3 (at 0.1 half the calls
were asked). The two thresholds are the pair with the least total cost on labelled calls,
searched over every pair of their scores. They are chosen on one set and reported on another (:func:`crossfit_tiers`): the
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
    "fit_signed_logistic",
    "fit_urgency_layer",
    "layer_anchor",
    "tier_metrics",
    "urgency_layer_tiers",
]

# The layer's regularisation, chosen by cross-validated log-loss (the sign constraints hold
# the weights, so it needs less of it than the unconstrained layer, ``LAYER_C_UNSCOPED``).
LAYER_C = (1.0, 3.0, 10.0, 30.0)
LAYER_C_UNSCOPED = (0.1, 0.3, 1.0, 3.0)
LAYER_ANCHOR = 2_000  # held-out simulated calls beside the records (same total weight)
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


# The layer's sign constraints: what can only raise urgency (a danger read as live, going on
# now, a child, the head's logit) and what can only lower it (over, treated, denied). With 44
# urgent records to learn from, a rare family (a crowd, a fall) would otherwise get whatever
# weight its two or three records happen to give it, negative ones included.
_RAISING = frozenset(
    {"head_logit", "guard", "ongoing", "just_now", "help_now", "vulnerable", "alone", "crowd"}
    | {"danger_words", "danger_now", "last_now"}
)
_LOWERING = frozenset(
    {"past", "gone", "treated", "no_harm", "minor_injury", "report_only", "no_weapon"}
    | {"danger_denied", "danger_over", "last_over"}
)


def _bounds(names: list[str]) -> list[tuple[float | None, float | None]]:
    """Bounds of each weight by its input's name: ≥ 0 raising, ≤ 0 lowering, else free."""
    return [
        (0.0, None)
        if n in _RAISING or n.startswith("live_")
        else (None, 0.0)
        if n in _LOWERING
        else (None, None)
        for n in names
    ]


def fit_signed_logistic(
    X: np.ndarray,  # noqa: N803
    y: np.ndarray,
    c: float,
    bounds: list[tuple[float | None, float | None]],
    weight: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """Logistic regression (row weights ``weight``, L2 penalty ``1 / (2c)``, intercept free)
    with each weight kept within its bounds, by L-BFGS-B; returns ``(coef, intercept)``."""
    from scipy.optimize import minimize

    sign = np.where(np.asarray(y, dtype=bool), 1.0, -1.0)
    w = np.ones(len(sign)) if weight is None else np.asarray(weight, dtype=float)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        margin = -sign * (X @ theta[1:] + theta[0])
        slope = -sign * w / (1.0 + np.exp(-margin))
        value = w @ np.logaddexp(0.0, margin) + 0.5 / c * theta[1:] @ theta[1:]
        return value, np.concatenate([[slope.sum()], X.T @ slope + theta[1:] / c])

    start = np.zeros(X.shape[1] + 1)
    fit = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=[(None, None), *bounds])
    return fit.x[1:], float(fit.x[0])


def _layer_rows(model, frame, scoped: bool) -> tuple[np.ndarray, np.ndarray]:
    """The layer's inputs and urgent labels of labelled calls ``frame``."""
    from features.urgency_signals import layer_inputs

    raw = model.score(frame["text"].astype(str).tolist())
    guard = np.asarray(raw["urgent_guard"], dtype=bool)
    X = layer_inputs(raw["urgent_head_score"], list(raw["prepared"]), guard, scoped=scoped)  # noqa: N806
    return X, frame["urgent"].astype(bool).to_numpy()


def fit_urgency_layer(
    model, frame, *, anchor=None, seed: int = 0, name: str = "", scoped: bool = True
) -> tuple[np.ndarray, dict]:
    """Fit ``model.urgency_layer`` (``features.urgency_signals``) on labelled calls ``frame``.

    The layer is a logistic regression from the head's logit, the cue guard, the signals
    that say when and to whom, and the danger families read in their clause
    (``features.urgency_scope``) to P(urgent); each weight keeps the sign its input can
    only have (:data:`_RAISING`, :data:`_LOWERING`). ``anchor``: labelled simulated calls
    the head did not train on (its held-out calls), fitted beside ``frame`` with the same
    total weight, so that the layer learns the records' wording without unlearning what
    the head knows of the other voices (fitted on 315 records alone, its weights chase the
    few urgent ones: on held-out simulated calls its AUC fell from the head's 0.988 to
    0.94). C is chosen by stratified 5-fold log-loss, the mean over ``frame`` and
    ``anchor``. The cue guard is one of its inputs (with the layer it only keeps its
    words out of 一般, see ``TriageModel.score``). Returns the out-of-fold urgency score
    of every call of ``frame`` — the scores the tiers may be chosen on without being
    chosen on the layer's own fit — and figures for the run's log (chosen C, out-of-fold
    log-loss, the weights). ``scoped=False`` fits the previous session's layer for
    comparison: every signal unscoped, with its interactions, free weights, no anchor.
    """
    from sklearn.metrics import log_loss
    from sklearn.model_selection import StratifiedKFold

    from features.urgency_signals import UrgencyLayer, input_names

    model.urgency_layer = None
    X, y = _layer_rows(model, frame, scoped)  # noqa: N806
    names = input_names(scoped=scoped)
    bounds = _bounds(names) if scoped else [(None, None)] * len(names)
    anchored = scoped and anchor is not None and len(anchor) > 0
    XA, yA = _layer_rows(model, anchor, scoped) if anchored else (X[:0], y[:0])  # noqa: N806
    folds = min(LAYER_FOLDS, int(y.sum()), int((~y).sum()))
    if folds < 2:
        raise ValueError(f"{name or 'the layer set'} needs urgent and calm calls")
    split = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, y))
    if anchored and min(int(yA.sum()), int((~yA).sum())) >= folds:
        split_a = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(XA, yA))
    else:  # too few anchor calls of a kind to fold: the anchor is in every fit
        split_a = [(np.arange(len(yA)), np.arange(0))] * folds

    def fit(rows, rows_a, c: float) -> tuple[np.ndarray, float]:
        w = np.concatenate(
            [np.ones(len(rows)), np.full(len(rows_a), len(rows) / max(1, len(rows_a)))]
        )
        return fit_signed_logistic(
            np.vstack([X[rows], XA[rows_a]]), np.concatenate([y[rows], yA[rows_a]]), c, bounds, w
        )

    def out_of_fold(c: float) -> tuple[np.ndarray, np.ndarray]:
        oof, oof_a = np.zeros(len(y)), np.zeros(len(yA))
        for (tr, va), (tr_a, va_a) in zip(split, split_a, strict=True):
            coef, intercept = fit(tr, tr_a, c)
            oof[va] = 1.0 / (1.0 + np.exp(-(X[va] @ coef + intercept)))
            oof_a[va_a] = 1.0 / (1.0 + np.exp(-(XA[va_a] @ coef + intercept)))
        return oof, oof_a

    def held_out_loss(c: float) -> float:
        oof, oof_a = out_of_fold(c)
        loss = log_loss(y, oof, labels=[False, True])
        if anchored and len(split_a[0][1]):
            loss = (loss + log_loss(yA, oof_a, labels=[False, True])) / 2
        return float(loss)

    grid = LAYER_C if scoped else LAYER_C_UNSCOPED
    losses = {c: held_out_loss(c) for c in grid}
    best = min(grid, key=losses.get)
    oof, _ = out_of_fold(best)
    coef, intercept = fit(np.arange(len(y)), np.arange(len(yA)), best)
    model.urgency_layer = UrgencyLayer(
        coef=coef.astype(float), intercept=intercept, fitted_on=name, scoped=scoped
    )
    info = {
        "urgency_layer_c": best,
        "urgency_layer_oof_log_loss": losses[best],
        "urgency_layer_n": float(len(y)),
        "urgency_layer_anchor_n": float(len(yA)),
        **{f"urgency_layer_w_{k}": v for k, v in model.urgency_layer.weights().items()},
    }
    return oof, info


def layer_anchor(holdout, cfg):
    """The simulated held-out calls the layer is anchored on (``LAYER_ANCHOR`` of them)."""
    if holdout is None or "urgent" not in holdout.columns or not len(holdout):
        return None
    rows = holdout[holdout["urgent"].notna()]
    return rows.sample(n=min(LAYER_ANCHOR, len(rows)), random_state=cfg.seed)


def urgency_layer_tiers(
    model, frame, cfg, say=print, holdout=None
) -> tuple[tuple[np.ndarray, np.ndarray], dict]:
    """Fit the urgency layer on ``frame`` (the records' city half), anchored on a sample of
    the simulated held-out calls ``holdout``; return the out-of-fold scores and labels the
    tiers are chosen on, and the figures to log."""
    anchor = layer_anchor(holdout, cfg)
    scores, info = fit_urgency_layer(
        model, frame, anchor=anchor, seed=cfg.seed, name="records city half"
    )
    say(
        f"urgency layer: signals + head fitted on {len(frame):,} records (city half) and "
        f"{0 if anchor is None else len(anchor):,} held-out simulated calls, "
        f"C {info['urgency_layer_c']:g}, out-of-fold log-loss "
        f"{info['urgency_layer_oof_log_loss']:.4f}"
    )
    return (scores, frame["urgent"].astype(bool).to_numpy()), info
