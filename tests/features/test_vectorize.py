"""The bulk vectorizer path gives scikit-learn's matrices exactly, and the batch feature
contributions behind keywords are the dense product's."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from features.contributions import row_contributions
from features.segment import tokenize
from features.text import normalize
from features.vectorize import supported, transform, union_transform

EDGE = [
    "",
    " ",
    "a",
    "报警",
    "有人  打架\t\t还在打\n\n快来",
    "😀电动车被盗😀",
    "<MOBILE>打电话",
    "ab" * 50,
]


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], list[str]]:
    from tests.triage.conftest import generated_frame

    texts = [normalize(t) for t in generated_frame(1500, seed=3)["text"]]
    return texts[:1000], texts[1000:] + EDGE


def _same(a, b) -> None:
    a, b = sp.csr_matrix(a), sp.csr_matrix(b)
    assert a.shape == b.shape and a.dtype == b.dtype
    assert np.array_equal(a.indptr, b.indptr)
    assert np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data, b.data)


@pytest.mark.parametrize(
    "vec",
    [
        TfidfVectorizer(
            analyzer="char",
            lowercase=False,
            ngram_range=(1, 3),
            min_df=2,
            sublinear_tf=True,
            dtype=np.float32,
        ),
        TfidfVectorizer(analyzer="char", lowercase=False, ngram_range=(2, 4), max_features=500),
        TfidfVectorizer(
            tokenizer=tokenize,
            token_pattern=None,
            lowercase=False,
            ngram_range=(1, 2),
            min_df=2,
            sublinear_tf=True,
            dtype=np.float32,
        ),
        TfidfVectorizer(
            tokenizer=tokenize, token_pattern=None, lowercase=False, ngram_range=(1, 3)
        ),
        CountVectorizer(analyzer="char", lowercase=False, ngram_range=(1, 2), binary=True),
    ],
)
def test_transform_equals_sklearn(vec, corpus) -> None:
    train, test = corpus
    vec.fit(train)
    assert supported(vec)
    _same(transform(vec, test), vec.transform(test))


def test_unsupported_options_fall_back_to_sklearn(corpus) -> None:
    train, test = corpus
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 2)).fit(train)
    assert not supported(vec)
    _same(transform(vec, test), vec.transform(test))


def test_union_transform_equals_sklearn(corpus) -> None:
    from training.triage.config import TriageConfig
    from training.triage.pipeline import build_features

    train, test = corpus
    union = build_features(TriageConfig()).fit(train)
    _same(union_transform(union, test), sp.csr_matrix(union.transform(test)))


def test_row_contributions_match_the_dense_product() -> None:
    rng = np.random.default_rng(0)
    X = sp.random(300, 400, density=0.1, format="csr", dtype=np.float32, random_state=1)  # noqa: N806
    W = rng.normal(size=(3, 400)).astype(np.float32)  # noqa: N806
    top = rng.integers(3, size=300)
    skip = rng.random(400) < 0.05
    dense = X.toarray() * W[top]
    dense[:, skip] = 0.0
    for i, (cols, contribs) in enumerate(row_contributions(X, top, W, skip)):
        expected = np.flatnonzero(dense[i])
        assert cols == expected.tolist()
        np.testing.assert_allclose(contribs, dense[i, expected], rtol=1e-6)


def test_fast_fitting_fits_the_same_vectorizers(corpus) -> None:
    from sklearn.base import clone

    from features.vectorize import fast_fitting
    from training.triage.config import TriageConfig
    from training.triage.pipeline import build_features

    train, test = corpus
    cfg = TriageConfig(word_max_features=3000, char_max_features=5000)
    reference = build_features(cfg)
    X_ref = reference.fit_transform(train)  # noqa: N806
    fast = clone(reference)
    with fast_fitting():
        X_fast = fast.fit_transform(train)  # noqa: N806
    _same(X_fast, X_ref)
    for (_, a), (_, b) in zip(fast.transformer_list[:2], reference.transformer_list[:2]):  # noqa: B905
        assert a.vocabulary_ == b.vocabulary_
        assert np.array_equal(a.idf_, b.idf_)
    _same(union_transform(fast, test), reference.transform(test))
