"""The fitted triage model as one picklable object: texts in, suggestions out.

It holds the category ``Pipeline`` (raw text → probabilities) and the models that reuse
its features: routing (``disposition``, then ``divert_to`` for diverted calls) and
urgency, each fed the text features plus the predicted category probabilities, so routing
is learned from data and never a fixed category → route map. Features are computed once
per batch and shared by all four heads.
"""

from __future__ import annotations

import gzip
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.pipeline import Pipeline

from features.answers import answer_rows
from features.batch_text import prepare_texts
from features.confidence import cap_probabilities
from features.content import lacks_chinese
from features.contract import Suggestion
from features.contributions import explain, feature_index
from features.cues import CUE_NAMES, guard_from_cues, urgent_guard
from features.linear_plan import HeadInput, plan_for
from features.one_text import one_text_for
from features.spans import align_texts
from features.textprep import TextPrep
from features.urgency import tiers, urgency_cues
from features.vectorize import union_transform


@dataclass
class Head:
    """A classifier on [text features | category probabilities], or a constant answer.

    ``constant`` covers training data where the target never varies (e.g. every diverted
    call went to 12345): a model cannot be fitted, but the answer is still learned.
    """

    model: object | None = None
    constant: str | None = None

    def predict(self, X) -> np.ndarray:  # noqa: N803
        if self.model is None:
            return np.full(X.shape[0], self.constant, dtype=object)
        return np.asarray(self.model.predict(X), dtype=object)

    def predict_proba(self, X) -> tuple[np.ndarray, np.ndarray]:  # noqa: N803
        if self.model is None:
            return np.asarray([self.constant], dtype=object), np.ones((X.shape[0], 1))
        return np.asarray(self.model.classes_, dtype=object), self.model.predict_proba(X)


@dataclass
class TriageModel:
    """Category, routing, urgency, keywords and a review flag for a batch of texts."""

    category: Pipeline
    disposition: Head | None
    divert_to: Head | None
    urgent: Head | None
    urgent_threshold: float
    review_below: float
    probability_weight: float = 1.0
    use_guard: bool = True
    n_keywords: int = 5
    keyword_weights: np.ndarray | None = None  # classes × features
    feature_names: np.ndarray | None = None  # readable text of each feature
    feature_kind: np.ndarray | None = None  # 0 word n-gram, 1 char n-gram, 2 cue
    info: dict = field(default_factory=dict)
    # Honest confidence (features.shift / features.confidence): the training texts'
    # n-grams, the calibrator fitted on non-simulated text, the shift that forces review.
    novelty: object | None = None
    calibrator: object | None = None
    shift_review: float = 1.0
    # Urgency signals and the head's score combined, fitted on non-simulated labelled calls.
    urgency_layer: object | None = None

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.category.classes_]

    # ----------------------------------------------------------------------------------
    def featurize(
        self, texts: list[str], record: dict | None = None, places: bool = True
    ) -> tuple[list[str], sp.csr_matrix]:
        """Prepared (masked, normalised) texts and their sparse feature matrix; ``record``
        receives where the features are (``features.vectorize.union_transform``). One text
        takes ``features.one_text`` (the same matrix and record without the batch
        machinery); it records its shift score, and where its features are only with
        ``places`` (for the evidence spans)."""
        if len(texts) == 1 and (one := one_text_for(self)) is not None:
            novelty = getattr(self, "novelty", None)
            return one.featurize(texts[0], record, novelty, places=places)
        prep = self.category.named_steps["prep"]
        prepared = prepare_texts(texts) if type(prep) is TextPrep else prep.transform(texts)
        union = self.category.named_steps["features"]
        return prepared, union_transform(union, prepared, record, dtype=np.float32)

    def head_input(self, X, proba: np.ndarray) -> sp.csr_matrix:  # noqa: N803
        """Input of the routing/urgency heads: text features + weighted probabilities."""
        return sp.hstack([X, sp.csr_matrix(proba * self.probability_weight)], format="csr")

    def classify(self, texts: list[str]) -> dict[str, np.ndarray]:
        """The category part of :meth:`score` alone: prepared texts, calibrated and raw
        probabilities, category, confidence, candidates, shift and review (no routing,
        urgency or evidence), the fast path for scoring many texts."""
        return self._classify(list(texts), {}, heads=False)[0]

    def _classify(self, texts: list[str], record: dict, heads: bool = True):
        prepared, X = self.featurize(texts, record, places=heads)  # noqa: N806
        plan = plan_for(self)
        # every linear head's text part at once (only the category's when no head follows)
        XW = plan.product(X, category_only=not heads)  # noqa: N806
        raw = plan.category_proba(self.category.named_steps["clf"], X, XW)
        n = len(texts)
        novelty = getattr(self, "novelty", None)  # absent in models saved before it
        shift = _shift(novelty, prepared, record, self) if novelty is not None else np.zeros(n)
        calibrator = getattr(self, "calibrator", None)
        # Shown probabilities never reach 1 (a call taker reads "100 %" literally).
        proba = cap_probabilities(calibrator.apply(raw, shift) if calibrator else raw)
        unreadable = lacks_chinese(texts)
        if unreadable.any():  # no call content: halfway to uniform, and always reviewed
            proba = proba.copy()
            proba[unreadable] = (proba[unreadable] + 1.0 / proba.shape[1]) / 2
        classes = np.asarray(self.classes, dtype=object)
        top = proba.argmax(axis=1)
        out: dict[str, np.ndarray] = {
            "prepared": np.asarray(prepared, dtype=object),
            "proba": proba,
            "proba_raw": raw,
            "shift": shift,
            "category": classes[top],
            "confidence": proba[np.arange(n), top],
        }
        if calibrator is not None:
            out["candidates"] = calibrator.candidates(proba)
        else:
            out["candidates"] = proba >= proba[np.arange(n), top][:, None]
        out["review"] = (
            (out["confidence"] < self.review_below)
            | unreadable
            | (shift >= getattr(self, "shift_review", 1.0))
        )
        return out, (prepared, X, XW, plan, top)

    def score(self, texts: list[str], *, evidence: bool = True) -> dict[str, np.ndarray]:
        """Raw outputs for a batch (arrays), used by ``suggest`` and by evaluation.

        ``evidence=False`` leaves out the keyword spans and urgency cues (``spans``,
        ``keywords``, ``urgency_cue``), which no figure of an evaluation reads; every other
        output is the same."""
        record: dict = {}
        out, (prepared, X, XW, plan, top) = self._classify(texts, record)  # noqa: N806
        n = len(texts)
        H = HeadInput(self, X, out["proba_raw"])  # noqa: N806 - heads learnt on raw probabilities
        if self.urgent is not None:
            u_classes, u_proba = plan.head_proba("urgent", self.urgent, XW, H)
            positive = [i for i, c in enumerate(u_classes) if str(c) in ("True", "true", "1")]
            urgent_score = u_proba[:, positive[0]] if positive else np.zeros(n)
        else:
            urgent_score = np.zeros(n)
        guard = self._guard(prepared, X, record) if self.use_guard else np.zeros(n, dtype=bool)
        out["urgent_head_score"] = urgent_score
        # Models saved before the tiers have one threshold: no 可能紧急 tier.
        maybe_at = getattr(self, "maybe_threshold", self.urgent_threshold)
        layer = getattr(self, "urgency_layer", None)  # features.urgency_signals
        # The guard's words are never calm: alone they make a call 紧急; with the layer
        # (which weighs them with everything else) they keep it out of 一般.
        floor = 1.0
        if layer is not None:
            urgent_score, floor = layer.score(urgent_score, prepared, guard), maybe_at
        out["urgent_model_score"] = urgent_score
        out["urgent_guard"] = guard
        out["urgent_score"] = np.where(guard, np.maximum(urgent_score, floor), urgent_score)
        out["urgent"] = out["urgent_score"] >= self.urgent_threshold
        out["urgency"] = tiers(out["urgent_score"], self.urgent_threshold, maybe_at)
        if self.disposition is not None:
            d_classes, d_proba = plan.head_proba("disposition", self.disposition, XW, H)
            disposition = d_classes[d_proba.argmax(axis=1)]
            # An urgent call is never diverted away from police without a human decision.
            if "divert" in set(d_classes) and len(d_classes) > 1:
                masked = d_proba.copy()
                masked[:, list(d_classes).index("divert")] = -1.0
                attend = d_classes[masked.argmax(axis=1)]
                disposition = np.where(out["urgent"], attend, disposition)
            out["disposition"] = disposition
            # The channel a call would go to if diverted (evaluated on truly diverted calls).
            if self.divert_to is not None:
                out["divert_to_any"] = plan.head_predict("divert_to", self.divert_to, XW, H)
            else:
                out["divert_to_any"] = np.full(n, "", dtype=object)
            out["divert_to"] = np.where(disposition == "divert", out["divert_to_any"], "")
        else:
            out["disposition"] = np.full(n, None, dtype=object)
            out["divert_to"] = np.full(n, None, dtype=object)
            out["divert_to_any"] = np.full(n, None, dtype=object)
        if not evidence:
            return out
        aligned = align_texts(texts, prepared)
        spans = self.keyword_spans(aligned, X, top, record)
        out["spans"] = _objects(spans)  # (start, end, text, weight) per span
        out["keywords"] = _objects([[s[2] for s in row] for row in spans])
        cues = urgency_cues(self, aligned, X, out["urgency"], record=record)
        out["urgency_cue"] = _objects(cues)
        return out

    def suggest(self, texts: list[str]) -> list[Suggestion]:
        """One suggestion per text, in order (the answer contract, ``features.contract``)."""
        return [Suggestion.model_validate(row) for row in self.answers(texts)]

    def answers(self, texts: list[str]) -> list[dict]:
        """:meth:`suggest` as plain mappings (``Suggestion.model_dump()``), built from the
        batch's arrays without a model object per text (``features.answers``)."""
        if not texts:
            return []
        return answer_rows(self.score(list(texts)), self.classes)

    def _guard(self, prepared: list[str], X, record=None) -> np.ndarray:  # noqa: N803
        """The cue guard, read from the cue block of ``X`` when it is there (no recompute)."""
        names = self.feature_names
        k = len(CUE_NAMES)
        one = (record or {}).get("one")  # one text (features.one_text)
        if one is not None and one.dense is not None and one.dense.shape[1] == k:
            return guard_from_cues(one.dense)
        for _, _, part in (record or {}).get("blocks", ()):
            if part and "dense" in part and part["dense"].shape[1] == k:
                return guard_from_cues(part["dense"])  # the block as computed, unsliced
        if names is not None and X.shape[1] >= k and tuple(names[-k:]) == CUE_NAMES:
            return guard_from_cues(X[:, -k:].toarray())
        return urgent_guard(prepared)

    # ----------------------------------------------------------------------------------
    def keyword_spans(self, aligned: list, X, top: np.ndarray, record=None) -> list[list]:  # noqa: N803
        """Per text, the phrases of what was typed that are evidence for its category.

        A feature's contribution is its value × its weight toward the class, measured
        against the mean over classes (``LinearPlan.keyword_weights``); the contributions
        are spread over the words they cover (``features.evidence``).
        """
        k = self.n_keywords
        if k == 0 or self.keyword_weights is None or self.feature_names is None:
            return [[] for _ in aligned]
        W, skip = plan_for(self).keyword_weights(self)  # noqa: N806
        index = feature_index(self.category.named_steps["features"])
        return explain(aligned, X, top, W, index, skip, k, record=record)


def _shift(novelty, prepared: list[str], record: dict, model) -> np.ndarray:
    """The shift score, from the character n-grams the features already looked up when
    the character block recorded both sizes the score counts."""
    if record.get("shift") is not None:  # one text (features.one_text)
        return np.asarray([record["shift"]], dtype=float)
    index = feature_index(model.category.named_steps["features"])
    for block, _, part in record.get("blocks", ()):
        chars = (part or {}).get("chars", {})
        if block is index.char_vec and 2 in chars and 3 in chars and hasattr(novelty, "_seen"):
            from features.shift_fast import recorded_unseen_share

            return recorded_unseen_share(novelty._seen(), chars, block, len(prepared))
    return novelty.score(prepared)


def _objects(values: list) -> np.ndarray:
    """A 1-d object array of ``values`` (lists stay elements, not a second dimension)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def dump_model_file(model: TriageModel, path: Path) -> Path:
    """Write a TriageModel as a gzip-compressed pickle (protocol 5)."""
    path.write_bytes(gzip.compress(pickle.dumps(model, protocol=5), compresslevel=3))
    return path


def load_model_file(path: str | Path) -> TriageModel:
    """Read a TriageModel written by :func:`dump_model_file`."""
    return pickle.loads(gzip.decompress(Path(path).read_bytes()))  # noqa: S301 - own artifact
