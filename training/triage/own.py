"""Training on a city's own records, with the synthetic city as a prior.

A city's labelled 接警记录 are the product's real training data; the simulator is the demo
and a prior: the simulated-only champion's recipe (a calibrated linear SVM) fitted on
simulated calls. Time-ordered cross-validation on the own records (train on the earlier,
validate on the later, as the model will be used) chooses how to use it: not at all
("none"), alone, or as inputs of the own model: its margins (collapsed into one linear
model) or its log-probabilities (``stacked.py``). Mixing the simulated calls into the own
records' fit with a weight instead (the third and fourth sessions' scheme, 2,000 calls at
0-16x) scored below the simulated-only model on the records holdout at every size (README).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, log_loss

from features.errors import UserError
from training.triage.config import TriageConfig
from training.triage.stacked import (
    OnLogProba,
    Stacking,
    fit_on_log_proba,
    fit_on_prior,
    fit_prior,
)

SIMULATED_MARK = "phrasing"  # a column only the simulator writes


def is_simulated(frame: pd.DataFrame) -> bool:
    """Whether a calls table is the synthetic city (it carries the simulator's phrasing ids)."""
    return SIMULATED_MARK in frame.columns and frame[SIMULATED_MARK].notna().any()


def check_enough(train: pd.DataFrame, cfg: TriageConfig) -> None:
    """Refuse to learn a category from too few own records, with one line naming them.

    (Too few records in all is ``training.gates.require_rows``' rule, applied first.)

    Raises:
        UserError: a category with fewer than ``own_min_per_class`` training records.
    """
    counts = train["category"].value_counts()
    thin = [(c, int(n)) for c, n in counts.items() if n < cfg.own_min_per_class]
    if thin:
        listed = ", ".join(f"{c} {n}" for c, n in sorted(thin, key=lambda t: t[1]))
        raise UserError(
            f"too few records per category to learn from ({listed}; at least "
            f"{cfg.own_min_per_class} each among the {len(train):,} training records): add "
            "records, or map rare police classes onto other labels with --label-map"
        )


def synthetic_prior(n: int, seed: int) -> pd.DataFrame:
    """``n`` simulated calls in the city's category mix (text and labels only)."""
    from training.simulator.sample import CITY_SHARES
    from training.simulator.texts import GRID_KINDS, TextGenerator

    gen = TextGenerator()
    rng = np.random.default_rng([seed, 9])
    cats = list(CITY_SHARES)
    p = np.array([CITY_SHARES[c] for c in cats])
    drawn = rng.choice(len(cats), size=n, p=p / p.sum())
    hours = rng.integers(0, 24, size=n)
    kinds = rng.integers(0, len(GRID_KINDS), size=n)
    calls = [
        gen.sample(cats[c], rng, hour=int(h), grid_kind=GRID_KINDS[k])
        for c, h, k in zip(drawn, hours, kinds, strict=True)
    ]
    from features.pii import mask_pii

    return pd.DataFrame(
        {
            "call_id": [f"prior-{i}" for i in range(n)],
            "text": [mask_pii(c.text) for c in calls],
            "category": [c.category for c in calls],
            "disposition": [c.disposition for c in calls],
            "divert_to": [c.divert_to for c in calls],
            "urgent": [c.urgent for c in calls],
            "source": "prior",
        }
    )


@dataclass
class PriorChoice:
    """The chosen way to use the prior and the cross-validated score of every way tried.

    ``how`` is ``None`` for "none" (own records only), ``"prior"`` for the prior model
    alone, else the :class:`Stacking` of the own model on the prior's logits."""

    how: Stacking | OnLogProba | str | None
    name: str = "none"
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    folds: int = 0

    @property
    def label(self) -> str:
        if self.how is None:
            return "none"
        return "the prior alone" if self.how == "prior" else self.how.label


def prior_weights(n_own: int, n_prior: int, ratio: float) -> np.ndarray:
    """Per-row weights: own rows 1, prior rows sharing ``ratio * n_own`` between them."""
    w_prior = ratio * n_own / n_prior if n_prior else 0.0
    return np.concatenate([np.ones(n_own), np.full(n_prior, w_prior)])


def time_folds(y: np.ndarray, k: int, min_per_class: int, start: float = 0.5) -> list:
    """Expanding-window folds in time order whose validation blocks are the later records.

    The records after the first ``start`` share are cut into ``k`` consecutive blocks; each
    is validated by a fit on everything before it. ``TimeSeriesSplit`` would start from a
    quarter of the records (50 of 200): the fewer the own records, the more any prior
    helps, so such folds can over-value the prior for the model that is then trained on
    all of them. A fold whose training part holds fewer than ``min_per_class`` records of a
    category (the final fit is refused below that, ``check_enough``) does not stand for the
    final model and is left out, unless that would leave none.
    """
    n = len(y)
    edges = np.linspace(int(n * start), n, k + 1).astype(int)
    folds = [
        (np.arange(a), np.arange(a, b))
        for a, b in zip(edges[:-1], edges[1:], strict=True)
        if b > a
    ]
    labels = np.unique(y)

    def complete(tr: np.ndarray) -> bool:
        counts = pd.Series(y[tr]).value_counts()
        return all(counts.get(c, 0) >= min_per_class for c in labels)

    return [f for f in folds if complete(f[0])] or folds


def _ways(cfg: TriageConfig) -> dict[str, Stacking | OnLogProba | str | None]:
    ways: dict[str, Stacking | OnLogProba | str | None] = {"none": None, "prior": "prior"}
    for scale, c in cfg.prior_stacking:
        ways[f"stack_s{scale:g}_c{c:g}"] = Stacking(scale=scale, c=c)
    for c in cfg.prior_log_proba:
        ways[f"logp_c{c:g}"] = OnLogProba(c=c)
    return ways


def _fit_way(way, prior_model, X, y: np.ndarray, cfg: TriageConfig):  # noqa: N803
    if way is None:
        return LogisticRegression(C=cfg.logreg_c, max_iter=300, tol=1e-3).fit(X, y)
    return _on_prior(way, prior_model, X, y)


def _on_prior(way, prior_model, X, y: np.ndarray):  # noqa: N803
    if way == "prior":
        return prior_model
    if isinstance(way, OnLogProba):
        return fit_on_log_proba(prior_model, X, y, way)
    return fit_on_prior(prior_model, X, y, way)


def choose_prior(
    own: pd.DataFrame,
    prior: pd.DataFrame,
    cfg: TriageConfig,
    progress: Callable[[str], None] = print,
) -> PriorChoice:
    """Pick how to use the prior by expanding-window CV on the own records, in time order.

    The ways tried are the own records alone ("none"), the prior model alone, the own
    model stacked on the prior's margins for each (scale, C) of ``cfg.prior_stacking``, and
    the own model beside the prior's log-probabilities for each C of ``cfg.prior_log_proba``.
    The features are fitted once on the prior's and all own training texts (no labels:
    the final model's vocabulary holds them too) and the prior model once on the simulated
    calls, which never include an own record; folds are :func:`time_folds`, validation
    predictions are pooled over folds and scored by macro-F1 (log-loss breaks ties).
    """
    from features.vectorize import fast_fitting
    from training.triage.pipeline import build_featurizer

    ordered = own.sort_values("received_at", kind="stable").reset_index(drop=True)
    texts = ordered["text"].astype(str).tolist()
    y = ordered["category"].astype(str).to_numpy(dtype=object)
    p_y = prior["category"].astype(str).to_numpy(dtype=object)
    labels = np.unique(np.concatenate([y, p_y]))
    featurizer = build_featurizer(cfg)
    with fast_fitting():
        X_all = sp.csr_matrix(featurizer.fit_transform(texts + prior["text"].astype(str).tolist()))  # noqa: N806
    X, X_prior = X_all[: len(texts)], X_all[len(texts) :]  # noqa: N806
    progress(f"prior: fitting the prior ({cfg.prior_model}) on {len(p_y):,} simulated calls")
    prior_model = fit_prior(X_prior, p_y, cfg)
    folds = time_folds(y, cfg.own_cv_folds, cfg.own_min_per_class)
    ways = _ways(cfg)
    pooled = {name: np.zeros((len(y), len(labels))) for name in ways}
    seen = np.zeros(len(y), dtype=bool)
    for k, (tr, va) in enumerate(folds):
        for name, way in ways.items():
            if way != "prior" and len(np.unique(y[tr])) < 2:
                continue
            clf = _fit_way(way, prior_model, X[tr], y[tr], cfg)
            cols = [int(np.flatnonzero(labels == c)[0]) for c in clf.classes_]
            pooled[name][np.ix_(va, cols)] = clf.predict_proba(X[va])
        seen[va] = True
        progress(f"prior: time fold {k + 1}/{len(folds)} ({len(tr)} earlier, {len(va)} later)")
    scores: dict[str, dict[str, float]] = {}
    for name in ways:
        proba = pooled[name][seen]
        if not proba.any():
            continue
        truth = y[seen]
        pred = labels[proba.argmax(axis=1)]
        clipped = np.clip(proba, 1e-6, 1.0)
        clipped /= clipped.sum(axis=1, keepdims=True)
        scores[name] = {
            "macro_f1": float(f1_score(truth, pred, average="macro")),
            "log_loss": float(log_loss(truth, clipped, labels=labels)),
        }
    best = max(scores, key=lambda w: (round(scores[w]["macro_f1"], 4), -scores[w]["log_loss"]))
    return PriorChoice(how=ways[best], name=best, scores=scores, folds=len(folds))


def _classifier_fit(how: Stacking | OnLogProba | str, is_prior: np.ndarray, cfg: TriageConfig):
    """The final category fit for ``fit_triage``: the prior model on the simulated rows
    (and their noisy copies), then, unless the prior alone was chosen, the own model
    stacked on its logits on the own rows; ``rows`` maps each row of ``X`` to its call."""

    def fit(X, y: np.ndarray, rows: np.ndarray):  # noqa: N803
        simulated = is_prior[rows]
        prior_model = fit_prior(X[simulated], y[simulated], cfg)
        return _on_prior(how, prior_model, X[~simulated], y[~simulated])

    return fit


def with_prior(
    train: pd.DataFrame,
    cfg: TriageConfig,
    say: Callable[[str], None] = print,
    prior: pd.DataFrame | None = None,
) -> tuple[str, np.ndarray | None, pd.DataFrame, dict[str, float], Callable | None]:
    """The own training records, plus the synthetic prior when time-ordered CV wants it.

    Returns:
        a note for the run ("none", "the prior alone", "stacked on …"), per-row weights
        (None without prior; the prior's rows share ``prior_head_ratio`` × the own records'
        weight in the routing and urgency heads), the rows to train on, the CV figures to
        log, and the category fit for ``fit_triage`` (None: its own logistic regression).
    """
    if cfg.prior == "none":
        say("prior: none (switched off in the config)")
        return "none (config)", None, train, {"prior_ratio": 0.0}, None
    say(f"prior: {cfg.prior_rows:,} simulated calls; choosing how to use them by time-ordered CV")
    if prior is None:
        prior = synthetic_prior(cfg.prior_rows, cfg.seed)
    choice = choose_prior(train, prior, cfg, say)
    for name, score in choice.scores.items():
        say(
            f"prior: {name}: CV macro-F1 {score['macro_f1']:.4f}, log-loss {score['log_loss']:.4f}"
        )
    say(f"prior: chosen {choice.label}")
    metrics = {"prior_ratio": 0.0 if choice.how is None else cfg.prior_head_ratio}
    for name, score in choice.scores.items():
        metrics[f"prior_cv_macro_f1_{name}"] = score["macro_f1"]
        metrics[f"prior_cv_log_loss_{name}"] = score["log_loss"]
    if choice.how is None:
        return choice.label, None, train, metrics, None
    weights = prior_weights(len(train), len(prior), cfg.prior_head_ratio)
    rows = pd.concat([train, prior], ignore_index=True)
    is_prior = np.arange(len(rows)) >= len(train)
    return choice.label, weights, rows, metrics, _classifier_fit(choice.how, is_prior, cfg)
