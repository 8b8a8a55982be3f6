"""The first step of the triage pipeline: raw call text → the form every feature sees.

It lives in ``features`` because it runs at predict time inside the fitted pipeline, in
training and in serving alike.
"""

from __future__ import annotations

from sklearn.base import BaseEstimator, TransformerMixin

from features.pii import mask_pii
from features.text import normalize


def prepare_text(text: object) -> str:
    """Mask personal data, then normalise: the one form every feature is computed from.

    Masking runs first because it knows full-width digits and upper-case plates; the
    placeholders it leaves (``<MOBILE>``) survive normalisation unchanged.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return normalize(mask_pii(text))


class TextPrep(TransformerMixin, BaseEstimator):
    """Pipeline step applying :func:`prepare_text` to every text (stateless)."""

    def fit(self, X, y=None):  # noqa: N803 - scikit-learn's signature
        self.n_features_in_ = 1
        return self

    def transform(self, X) -> list[str]:  # noqa: N803
        from features.batch_text import prepare_texts

        return prepare_texts(X)
