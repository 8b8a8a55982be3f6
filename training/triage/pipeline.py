"""The scikit-learn pieces of the triage model: raw text → features → probabilities.

One ``Pipeline`` (``prep`` → ``features`` → ``clf``) is fitted in training and pickled
whole, so serving computes exactly the features training saw. Every callable inside it is
a module-level function or class (jieba's ``lcut`` or a lambda would not pickle).
"""

from __future__ import annotations

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.feature_selection import SelectKBest, chi2
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from features.cues import CueFeatures
from features.legal_line import LegalLineFeatures
from features.text import tokenize
from features.textprep import TextPrep
from training.triage.config import TriageConfig


def build_features(cfg: TriageConfig) -> FeatureUnion:
    """Word n-grams (jieba) + character n-grams + cues, each block L2-normalised.

    Character n-grams carry most of the signal in short Chinese texts and are immune to
    segmentation errors; words add readable multi-character units and bigrams of them.
    """
    words = TfidfVectorizer(
        tokenizer=tokenize,
        token_pattern=None,
        lowercase=False,
        ngram_range=(1, cfg.word_ngram_max),
        min_df=cfg.word_min_df,
        max_features=cfg.word_max_features,
        sublinear_tf=cfg.sublinear_tf,
        dtype=np.float32,
    )
    chars = TfidfVectorizer(
        analyzer="char",
        lowercase=False,
        ngram_range=(cfg.char_ngram_min, cfg.char_ngram_max),
        min_df=cfg.char_min_df,
        max_features=cfg.char_max_features,
        sublinear_tf=cfg.sublinear_tf,
        dtype=np.float32,
    )
    blocks = [("words", words), ("chars", chars)]
    if cfg.legal_weight > 0:  # before the cues: the cue block stays last
        blocks.append(("legal", LegalLineFeatures(weight=cfg.legal_weight)))
    return FeatureUnion([*blocks, ("cues", CueFeatures(weight=cfg.cue_weight))])


def build_featurizer(cfg: TriageConfig) -> Pipeline:
    """Raw text → sparse feature matrix (the part of the pipeline before the classifier)."""
    return Pipeline([("prep", TextPrep()), ("features", build_features(cfg))])


def build_candidate(name: str, cfg: TriageConfig):
    """A fresh, unfitted classifier for the feature matrix.

    ``logreg`` is multinomial and already close to calibrated; ``linear_svm`` needs
    Platt scaling to give probabilities; ``lightgbm`` runs on the top-k chi² features,
    because trees over 100k sparse columns are slow and gain nothing on the rare ones.
    """
    weight = None if cfg.class_weight == "none" else cfg.class_weight
    if name == "logreg":
        return LogisticRegression(
            C=cfg.logreg_c, max_iter=300, tol=1e-3, class_weight=weight, random_state=cfg.seed
        )
    if name == "linear_svm":
        return CalibratedClassifierCV(
            LinearSVC(C=cfg.svm_c, tol=1e-3, class_weight=weight, random_state=cfg.seed),
            method="sigmoid",
            cv=3,
            ensemble=True,
        )
    if name == "lightgbm":
        from lightgbm import LGBMClassifier

        return Pipeline(
            [
                ("select", SelectKBest(chi2, k=cfg.lgbm_features)),
                (
                    "lgbm",
                    LGBMClassifier(
                        n_estimators=cfg.lgbm_estimators,
                        num_leaves=cfg.lgbm_leaves,
                        learning_rate=cfg.lgbm_learning_rate,
                        max_bin=63,
                        min_child_samples=10,
                        colsample_bytree=0.5,
                        subsample=0.8,
                        subsample_freq=1,
                        class_weight=weight,
                        random_state=cfg.seed,
                        n_jobs=1,
                        verbose=-1,
                    ),
                ),
            ]
        )
    raise ValueError(f"unknown candidate {name!r}")


def linear_weights(clf) -> np.ndarray | None:
    """Class × feature weights of a fitted linear classifier (for keywords), else None.

    A calibrated SVM averages its per-fold SVMs; sigmoid calibration is monotone per class,
    so the averaged weights still rank the features that pushed toward a class.
    """
    if hasattr(clf, "coef_"):
        return np.asarray(clf.coef_, dtype=np.float32)
    if isinstance(clf, CalibratedClassifierCV):
        coefs = [
            c.estimator.coef_ for c in clf.calibrated_classifiers_ if hasattr(c.estimator, "coef_")
        ]
        if coefs:
            return np.mean(coefs, axis=0).astype(np.float32)
    return None


def slim_vectorizers(featurizer: Pipeline) -> None:
    """Drop ``stop_words_`` (every pruned n-gram): only needed for introspection, and it
    would multiply the pickled model's size."""
    for _, block in featurizer.named_steps["features"].transformer_list:
        if hasattr(block, "stop_words_"):
            block.stop_words_ = None
