"""Fitting the triage model: candidates by cross-validated macro-F1, then the heads.

Pure scikit-learn (no MLflow): ``train.py`` calls :func:`fit_triage` and logs what it
reports. Features are fitted once on the training calls and shared by the candidates,
the category model and the routing/urgency heads.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.pipeline import Pipeline

from features.triage_model import Head, TriageModel
from features.vectorize import fast_fitting, union_transform
from training.triage.augment import augment
from training.triage.config import TriageConfig
from training.triage.data import has_routing, has_urgent
from training.triage.evaluate import expected_calibration_error, urgent_threshold
from training.triage.pipeline import (
    build_candidate,
    build_featurizer,
    linear_weights,
    slim_vectorizers,
)

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass
class FitOutcome:
    """The fitted model and what was learnt on the way (for logging and the summary)."""

    model: TriageModel
    chosen: str
    candidates: dict[str, dict[str, float]]
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    cv_kind: str = "none"  # "grouped", "stratified" or "none" (too few calls)


def _cv_sample(y: np.ndarray, size: int, folds: int, rng: np.random.Generator) -> np.ndarray:
    """Row indices for cross-validation: a random sample that keeps every class with at
    least ``folds`` rows where the data has them (rare classes are topped up)."""
    n = len(y)
    if n <= size:
        return np.arange(n)
    idx = set(rng.choice(n, size=size, replace=False).tolist())
    for label in np.unique(y):
        have = [i for i in idx if y[i] == label]
        if len(have) < folds:
            pool = np.flatnonzero(y == label)
            extra = rng.choice(pool, size=min(folds, len(pool)), replace=False)
            idx.update(extra.tolist())
    return np.asarray(sorted(idx))


def _align(proba: np.ndarray, have: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Re-order probability columns from class order ``have`` to ``want`` (0 if absent)."""
    if len(have) == len(want) and (have == want).all():
        return proba
    out = np.zeros((proba.shape[0], len(want)))
    pos = {c: i for i, c in enumerate(have)}
    for j, c in enumerate(want):
        if c in pos:
            out[:, j] = proba[:, pos[c]]
    return out


def _fit_head(X, y: np.ndarray, c: float, weight: np.ndarray | None = None) -> Head:  # noqa: N803
    """A logistic-regression head, or a constant when the target never varies."""
    values = pd.unique(y)
    if len(values) == 1:
        return Head(constant=str(values[0]))
    model = LogisticRegression(C=c, max_iter=400, tol=1e-3)
    model.fit(X, y, sample_weight=weight)
    return Head(model=model)


def _fit_weighted(clf, X, y: np.ndarray, weight: np.ndarray | None):  # noqa: N803
    """``clf.fit`` with per-row weights (a pipeline passes them to its last step)."""
    if weight is None:
        return clf.fit(X, y)
    if isinstance(clf, Pipeline):
        return clf.fit(X, y, **{f"{clf.steps[-1][0]}__sample_weight": weight})
    return clf.fit(X, y, sample_weight=weight)


def _feature_names(featurizer: Pipeline) -> tuple[np.ndarray, np.ndarray]:
    """Readable text of each feature (word bigrams joined) and its kind (0/1/2)."""
    names: list[str] = []
    kinds: list[int] = []
    for block_name, block in featurizer.named_steps["features"].transformer_list:
        out = block.get_feature_names_out()
        kind = {"words": 0, "chars": 1}.get(block_name, 2)
        for raw in out:
            text = str(raw).replace(" ", "") if kind == 0 else str(raw)
            names.append(text)
            # Placeholders (<MOBILE>) and pure whitespace/punctuation explain nothing.
            useless = "<" in text or ">" in text or not text.strip(" ,.;:!?、")
            kinds.append(2 if useless else kind)
    return np.asarray(names, dtype=object), np.asarray(kinds, dtype=np.int8)


def _rows(weight: np.ndarray | None, mask: np.ndarray) -> np.ndarray | None:
    return None if weight is None else weight[mask]


def _cv_note(kind: str, column: str) -> str:
    if kind == "grouped":
        return f"grouped by {column!r}: validation folds hold only unseen phrasings"
    return f"no usable {column!r} column: stratified folds" if column else "stratified folds"


def cv_splits(
    y: np.ndarray, groups: np.ndarray | None, folds: int, seed: int
) -> tuple[list[tuple[np.ndarray, np.ndarray]], str]:
    """Cross-validation folds: grouped when ``groups`` can be used, else stratified.

    Grouped folds (``StratifiedGroupKFold``) keep every group — one hand-written phrasing
    of an event — inside a single fold, so validation measures generalisation to wording
    the model never saw. Rows without a group (blank or missing, e.g. feedback calls) are
    each their own group. With fewer distinct groups than folds it falls back.

    Returns:
        (train, validation) index pairs and ``"grouped"`` or ``"stratified"``.
    """
    dummy = np.zeros(len(y))
    if groups is not None:
        g = pd.Series(groups, dtype=object).fillna("").astype(str).to_numpy(dtype=object)
        blank = g == ""
        if len(pd.unique(g[~blank])) >= folds:
            g[blank] = [f"\x00row{i}" for i in np.flatnonzero(blank)]
            cv = StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
            return list(cv.split(dummy, y, g)), "grouped"
    cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
    return list(cv.split(dummy, y)), "stratified"


def cross_validate(
    texts: list[str],
    y: np.ndarray,
    splits: list[tuple[np.ndarray, np.ndarray]],
    cfg: TriageConfig,
    *,
    progress: Progress = print,
    on_candidate: Callable[[str, dict[str, float]], None] | None = None,
) -> tuple[dict[str, dict[str, float]], dict[str, np.ndarray]]:
    """Out-of-fold macro-F1, accuracy and ECE of every configured candidate.

    Features (vocabulary, idf) are fitted inside each fold on its training rows, and the
    augmentation noise is added to training rows only, so a validation fold is as unseen
    as new wording would be. Fold features are computed once and shared by the candidates.
    Each fold is an independent task (a plain function of its indices).

    Returns:
        per-candidate metrics and out-of-fold probabilities (columns: sorted labels).
    """
    labels = np.unique(y)
    t = time.perf_counter()
    prepared = [_fold_features(texts, y, tr, va, cfg, k) for k, (tr, va) in enumerate(splits)]
    feature_seconds = time.perf_counter() - t
    candidates: dict[str, dict[str, float]] = {}
    oof: dict[str, np.ndarray] = {}
    for name in cfg.candidates:
        t = time.perf_counter()
        proba = np.zeros((len(y), len(labels)))
        for X_tr, y_tr, X_va, va in prepared:  # noqa: N806
            clf = build_candidate(name, cfg).fit(X_tr, y_tr)
            proba[va] = _align(clf.predict_proba(X_va), np.asarray(clf.classes_), labels)
        pred = labels[proba.argmax(axis=1)]
        ece, _ = expected_calibration_error(proba, y, labels, cfg.calibration_bins)
        result = {
            "cv_macro_f1": float(f1_score(y, pred, average="macro")),
            "cv_accuracy": float(accuracy_score(y, pred)),
            "cv_ece": ece,
            "cv_seconds": time.perf_counter() - t + feature_seconds / len(cfg.candidates),
        }
        candidates[name] = result
        oof[name] = proba
        progress(
            f"cv: {name} macro-F1 {result['cv_macro_f1']:.4f}, accuracy "
            f"{result['cv_accuracy']:.4f}, ECE {ece:.4f} ({result['cv_seconds']:.1f}s)"
        )
        if on_candidate is not None:
            on_candidate(name, result)
    return candidates, oof


def _fold_features(
    texts: list[str], y: np.ndarray, tr: np.ndarray, va: np.ndarray, cfg: TriageConfig, k: int
):
    """One fold's (X_train, y_train, X_validation, validation indices)."""
    tr_texts = [texts[i] for i in tr]
    y_tr = y[tr]
    extra, y_extra, _ = augment(
        tr_texts,
        y_tr,
        np.random.default_rng([cfg.seed, 2, k]),
        copies=cfg.augment_copies,
        rate=cfg.augment_rate,
        mask=cfg.augment_mask,
    )
    featurizer = build_featurizer(cfg)
    with fast_fitting():
        X_tr = sp.csr_matrix(featurizer.fit_transform(tr_texts + extra), dtype=np.float32)  # noqa: N806
    va_prepared = featurizer.named_steps["prep"].transform([texts[i] for i in va])
    X_va = union_transform(featurizer.named_steps["features"], va_prepared).astype(np.float32)  # noqa: N806
    return X_tr, np.concatenate([y_tr, y_extra]), X_va, va


def fit_triage(
    train: pd.DataFrame,
    cfg: TriageConfig,
    *,
    evalset: pd.DataFrame | None = None,
    weights: np.ndarray | None = None,
    progress: Progress = print,
    on_candidate: Callable[[str, dict[str, float]], None] | None = None,
    fit_classifier: Callable | None = None,
) -> FitOutcome:
    """Fit features, pick the classifier by CV macro-F1, fit routing/urgency heads.

    ``evalset`` is used for one thing only: choosing the urgent threshold that keeps the
    configured recall (the issue's rule); nothing is fitted on it. ``weights`` (one per
    training row; e.g. a down-weighted synthetic prior) weight the final classifier and the
    heads; candidate CV is unweighted. ``fit_classifier(X, y, rows)`` (``rows``: the
    training call of each row, noisy copies included) replaces the chosen candidate's
    final fit, e.g. a city's own model stacked on the synthetic prior (``own.py``).
    """
    seconds: dict[str, float] = {}
    warnings: list[str] = []
    texts = train["text"].astype(str).tolist()
    y = train["category"].astype(str).to_numpy(dtype=object)
    rng = np.random.default_rng(cfg.seed)

    t0 = time.perf_counter()
    extra, y_extra, source = augment(
        texts,
        y,
        np.random.default_rng([cfg.seed, 1]),
        copies=cfg.augment_copies,
        rate=cfg.augment_rate,
        mask=cfg.augment_mask,
    )
    if extra:
        progress(f"augment: {len(extra):,} noisy copies of the training texts")
    progress(f"features: fitting word and character n-grams on {len(texts) + len(extra):,} texts")
    featurizer = build_featurizer(cfg)
    with fast_fitting():
        X_all = sp.csr_matrix(featurizer.fit_transform(texts + extra), dtype=np.float32)  # noqa: N806
    slim_vectorizers(featurizer)
    X = X_all[: len(texts)]  # noqa: N806 - the clean rows (heads, CV sample)
    y_all = np.concatenate([y, y_extra]) if extra else y
    w = None if weights is None else np.asarray(weights, dtype=float)
    w_all = None if w is None else (np.concatenate([w, w[source]]) if extra else w)
    seconds["features"] = time.perf_counter() - t0
    progress(f"features: {X.shape[1]:,} columns in {seconds['features']:.1f}s")

    idx = _cv_sample(y, cfg.cv_sample, cfg.cv_folds, rng)
    Xs, ys = X[idx], y[idx]  # noqa: N806
    smallest = int(pd.Series(ys).value_counts().min())
    folds = min(cfg.cv_folds, smallest)
    labels = np.unique(ys)
    candidates: dict[str, dict[str, float]] = {}
    oof: dict[str, np.ndarray] = {}
    cv_kind = "none"
    if folds < 2 or len(labels) < 2:
        warnings.append("too few calls per category to cross-validate; using the first candidate")
        chosen = cfg.candidates[0]
    else:
        column = cfg.group_column
        groups = train[column].to_numpy()[idx] if column and column in train.columns else None
        splits, cv_kind = cv_splits(ys, groups, folds, cfg.seed)
        progress(f"cv: {cv_kind} {folds}-fold on {len(idx):,} calls ({_cv_note(cv_kind, column)})")
        candidates, oof = cross_validate(
            [texts[i] for i in idx], ys, splits, cfg, progress=progress, on_candidate=on_candidate
        )
        chosen = max(cfg.candidates, key=lambda c: candidates[c]["cv_macro_f1"])
    seconds["cv"] = time.perf_counter() - t0 - seconds["features"]

    t = time.perf_counter()
    progress(f"fit: {chosen} on {X_all.shape[0]:,} texts")
    if fit_classifier is None:
        clf = _fit_weighted(build_candidate(chosen, cfg), X_all, y_all, w_all)
    else:
        rows = np.concatenate([np.arange(len(texts)), source]) if extra else np.arange(len(texts))
        clf = fit_classifier(X_all, y_all, rows)
    category = Pipeline(
        [
            ("prep", featurizer.named_steps["prep"]),
            ("features", featurizer.named_steps["features"]),
            ("clf", clf),
        ]
    )
    classes = np.asarray(clf.classes_, dtype=object)
    # Heads learn from out-of-fold probabilities: in-sample ones are over-confident and
    # would teach the router to trust the category more than it deserves.
    P = _align(oof[chosen], labels, classes) if chosen in oof else clf.predict_proba(Xs)  # noqa: N806
    H = sp.hstack([Xs, sp.csr_matrix(P * cfg.probability_weight)], format="csr")  # noqa: N806
    head_rows = train.iloc[idx]
    w_head = None if w is None else w[idx]

    disposition = divert_to = None
    if has_routing(head_rows):
        progress(f"fit: routing heads on {len(idx):,} calls")
        d = head_rows["disposition"].fillna("").astype(str).to_numpy(dtype=object)
        known = d != ""
        disposition = _fit_head(H[known], d[known], cfg.router_c, _rows(w_head, known))
        diverted = d == "divert"
        if diverted.any():
            to = head_rows["divert_to"].fillna("").astype(str).to_numpy(dtype=object)
            rows = diverted & (to != "")
            divert_to = (
                _fit_head(H[rows], to[rows], cfg.router_c, _rows(w_head, rows))
                if rows.any()
                else None
            )
    else:
        warnings.append(
            "training data has no disposition column: routing (disposition, divert_to) is "
            "not learnt and suggestions carry null routing"
        )
    urgent = None
    if has_urgent(head_rows):
        progress("fit: urgency head")
        u = head_rows["urgent"].astype(bool).to_numpy()
        urgent = _fit_head(H, u, cfg.urgent_c, w_head)
    else:
        warnings.append(
            "training data has no usable urgent labels: urgency comes from the cue guard only"
        )

    weights = linear_weights(clf)
    if weights is None:  # trees: explain with a linear model on the same features
        weights = linear_weights(LogisticRegression(C=cfg.logreg_c, max_iter=300).fit(Xs, ys))
        weights = _align(weights.T, labels, classes).T.astype(np.float32)
    names, kinds = _feature_names(featurizer)
    model = TriageModel(
        category=category,
        disposition=disposition,
        divert_to=divert_to,
        urgent=urgent,
        urgent_threshold=0.5,
        review_below=cfg.review_below,
        probability_weight=cfg.probability_weight,
        use_guard=cfg.urgent_guard,
        n_keywords=cfg.keywords,
        keyword_weights=weights,
        feature_names=names,
        feature_kind=kinds,
        info={"chosen": chosen, "trained_on": int(X.shape[0]), "cv": cv_kind},
    )
    if evalset is not None and "urgent" in evalset.columns and evalset["urgent"].notna().all():
        scores = model.score(evalset["text"].tolist())["urgent_score"]
        model.urgent_threshold = urgent_threshold(
            scores, evalset["urgent"].astype(bool).to_numpy(), cfg.urgent_recall
        )
        progress(
            f"urgent: threshold {model.urgent_threshold:.4f} keeps recall ≥ "
            f"{cfg.urgent_recall:.2f} on the evaluation set"
        )
    elif evalset is not None:
        warnings.append("no urgent labels in the evaluation set: urgent threshold left at 0.5")
    seconds["fit"] = time.perf_counter() - t
    for w in warnings:
        log.warning(w)
    return FitOutcome(model, chosen, candidates, warnings, seconds, cv_kind)
