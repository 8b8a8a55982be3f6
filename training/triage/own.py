"""Training on a city's own records, with the synthetic city as a weighted prior.

A city's labelled 接警记录 are the product's real training data; the simulator is the demo
and a prior. The prior is a sample of simulated calls whose total weight is a multiple
(``ratio``) of the own records' — chosen by time-ordered cross-validation on the own
records (train on the earlier, validate on the later, as the model will be used), from a
grid that includes 0, i.e. "none". With a few hundred records the prior usually helps;
with tens of thousands the own records speak for themselves and the choice fades to none.
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
    """The chosen prior ratio and the cross-validated score of every ratio tried."""

    ratio: float
    scores: dict[float, dict[str, float]] = field(default_factory=dict)
    folds: int = 0

    @property
    def label(self) -> str:
        return "none" if self.ratio == 0 else f"{self.ratio:g}x the own records' weight"


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
    all of them (on 200 records both schemes chose 8-16x: README, learning curve). A fold whose training part holds fewer than ``min_per_class`` records of a
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


def choose_prior_ratio(
    own: pd.DataFrame,
    prior: pd.DataFrame,
    cfg: TriageConfig,
    progress: Callable[[str], None] = print,
) -> PriorChoice:
    """Pick the prior's weight by expanding-window CV on the own records, in time order.

    Folds are :func:`time_folds` (validation on the later half, each trained on everything
    earlier). Each fold fits the features once (own fold-train + prior texts) and one
    logistic regression per ratio; validation predictions are pooled over folds and scored
    by macro-F1 (log-loss breaks ties), so a small city is not judged on one tiny fold.
    """
    from training.triage.pipeline import build_featurizer

    ordered = own.sort_values("received_at", kind="stable").reset_index(drop=True)
    texts = ordered["text"].astype(str).tolist()
    y = ordered["category"].astype(str).to_numpy(dtype=object)
    labels = np.unique(np.concatenate([y, prior["category"].astype(str).to_numpy(dtype=object)]))
    p_texts = prior["text"].astype(str).tolist()
    p_y = prior["category"].astype(str).to_numpy(dtype=object)
    folds = time_folds(y, cfg.own_cv_folds, cfg.own_min_per_class)
    ratios = tuple(sorted(set(cfg.prior_ratios)))
    pooled = {r: np.zeros((len(y), len(labels))) for r in ratios}
    seen = np.zeros(len(y), dtype=bool)
    for k, (tr, va) in enumerate(folds):
        featurizer = build_featurizer(cfg)
        X = sp.csr_matrix(featurizer.fit_transform([texts[i] for i in tr] + p_texts))  # noqa: N806
        X_va = featurizer.transform([texts[i] for i in va])  # noqa: N806
        y_fit = np.concatenate([y[tr], p_y])
        for r in ratios:
            w = prior_weights(len(tr), len(p_texts), r)
            keep = w > 0
            if len(np.unique(y_fit[keep])) < 2:
                continue
            clf = LogisticRegression(C=cfg.logreg_c, max_iter=300, tol=1e-3)
            clf.fit(X[keep], y_fit[keep], sample_weight=w[keep])
            proba = clf.predict_proba(X_va)
            cols = [int(np.flatnonzero(labels == c)[0]) for c in clf.classes_]
            pooled[r][np.ix_(va, cols)] = proba
        seen[va] = True
        progress(f"prior: time fold {k + 1}/{len(folds)} ({len(tr)} earlier, {len(va)} later)")
    scores: dict[float, dict[str, float]] = {}
    for r in ratios:
        proba = pooled[r][seen]
        if not proba.any():
            continue
        truth = y[seen]
        pred = labels[proba.argmax(axis=1)]
        clipped = np.clip(proba, 1e-6, 1.0)
        clipped /= clipped.sum(axis=1, keepdims=True)
        scores[r] = {
            "macro_f1": float(f1_score(truth, pred, average="macro")),
            "log_loss": float(log_loss(truth, clipped, labels=labels)),
        }
    best = max(scores, key=lambda r: (round(scores[r]["macro_f1"], 4), -scores[r]["log_loss"]))
    return PriorChoice(ratio=best, scores=scores, folds=len(folds))


def with_prior(
    train: pd.DataFrame,
    cfg: TriageConfig,
    say: Callable[[str], None] = print,
    prior: pd.DataFrame | None = None,
) -> tuple[str, np.ndarray | None, pd.DataFrame, dict[str, float]]:
    """The own training records, plus the synthetic prior when time-ordered CV wants it.

    Returns:
        a note for the run ("none", "1x the own records' weight"), per-row weights (None
        without prior), the rows to train on and the CV figures to log.
    """
    if cfg.prior == "none":
        say("prior: none (switched off in the config)")
        return "none (config)", None, train, {"prior_ratio": 0.0}
    say(f"prior: {cfg.prior_rows:,} simulated calls; choosing their weight by time-ordered CV")
    if prior is None:
        prior = synthetic_prior(cfg.prior_rows, cfg.seed)
    choice = choose_prior_ratio(train, prior, cfg, say)
    for ratio, score in choice.scores.items():
        say(
            f"prior: ratio {ratio:g}: CV macro-F1 {score['macro_f1']:.4f}, log-loss {score['log_loss']:.4f}"
        )
    say(f"prior: chosen {choice.label}")
    metrics = {"prior_ratio": choice.ratio}
    for ratio, score in choice.scores.items():
        metrics[f"prior_cv_macro_f1_r{ratio:g}"] = score["macro_f1"]
        metrics[f"prior_cv_log_loss_r{ratio:g}"] = score["log_loss"]
    if choice.ratio == 0:
        return choice.label, None, train, metrics
    weights = prior_weights(len(train), len(prior), choice.ratio)
    return choice.label, weights, pd.concat([train, prior], ignore_index=True), metrics
