"""Model selection by unseen wording: grouped folds when the calls carry ``phrasing``,
stratified folds otherwise; text-noise augmentation only touches training texts."""

from __future__ import annotations

import numpy as np
import pytest

from training.triage.augment import augment, noisy_text, salient_words
from training.triage.config import TriageConfig
from training.triage.fit import cv_splits, fit_triage


def test_generated_calls_record_their_phrasing(triage_frame) -> None:
    # Given calls from the generator, each names the event clause it was written with,
    # and one sub-type is told with many different clauses
    phrasing = triage_frame["phrasing"]
    assert (phrasing != "").all()
    assert (phrasing.str.split("/").str[0] == triage_frame["subtype"]).all()
    assert phrasing.nunique() > 500


def test_grouped_folds_share_no_phrasing(triage_frame) -> None:
    y = triage_frame["category"].to_numpy()
    groups = triage_frame["phrasing"].to_numpy()
    splits, kind = cv_splits(y, groups, 3, seed=0)
    assert kind == "grouped"
    seen = np.zeros(len(y), dtype=int)
    for tr, va in splits:
        assert not set(groups[tr]) & set(groups[va])
        assert set(y[va]) == set(y)  # still stratified: every category in every fold
        seen[va] += 1
    assert (seen == 1).all()


def test_without_groups_folds_are_stratified_and_blank_rows_stand_alone(triage_frame) -> None:
    y = triage_frame["category"].to_numpy()
    splits, kind = cv_splits(y, None, 3, seed=0)
    assert kind == "stratified"
    # Stratified folds put the same phrasing on both sides (why they over-promise)
    groups = triage_frame["phrasing"].to_numpy()
    tr, va = splits[0]
    assert set(groups[tr]) & set(groups[va])
    # Too few distinct groups to fill the folds: fall back
    _, kind = cv_splits(y, np.where(np.arange(len(y)) % 2 == 0, "a", "b"), 3, seed=0)
    assert kind == "stratified"
    # Rows without a group (feedback calls) are their own groups, spread over folds
    mixed = groups.astype(object).copy()
    mixed[:300] = ""
    splits, kind = cv_splits(y, mixed, 3, seed=0)
    assert kind == "grouped"
    blank_folds = {k for k, (_, va) in enumerate(splits) if (va < 300).any()}
    assert len(blank_folds) > 1


@pytest.mark.parametrize(("column", "expected"), [("phrasing", "grouped"), (None, "stratified")])
def test_fit_uses_grouped_cv_only_when_the_column_is_there(
    triage_frame, column: str | None, expected: str
) -> None:
    frame = triage_frame.head(900)
    if column is None:
        frame = frame.drop(columns=["phrasing"])
    messages: list[str] = []
    cfg = TriageConfig(candidates=("logreg",), cv_sample=900)
    outcome = fit_triage(frame, cfg, progress=messages.append)
    assert outcome.cv_kind == expected
    assert outcome.model.info["cv"] == expected
    assert any(m.startswith(f"cv: {expected}") for m in messages)
    assert 0.0 < outcome.candidates["logreg"]["cv_macro_f1"] <= 1.0


def test_augmentation_adds_noisy_copies_with_their_labels(triage_frame) -> None:
    texts = triage_frame["text"].head(300).tolist()
    labels = triage_frame["category"].head(300).to_numpy()
    rng = np.random.default_rng(0)
    out, y, rows = augment(texts, labels, rng, copies=2, rate=0.1, mask=1.0)
    assert len(out) == len(y) == 600
    assert (y == labels[rows]).all()
    assert sum(a != texts[i] for a, i in zip(out, rows, strict=True)) > 500
    none, y0, _ = augment(texts, labels, rng, copies=0, rate=0.1, mask=1.0)
    assert none == [] and len(y0) == 0


def test_masking_removes_the_word_that_gives_the_class_away() -> None:
    texts = ["小区停水了"] * 6 + ["小区装修太吵了"] * 6
    labels = np.array(["non_police"] * 6 + ["dispute"] * 6)
    salient = salient_words(texts, labels)
    assert salient.get("停水") == "non_police" and "小区" not in salient
    noisy = noisy_text(texts[0], np.random.default_rng(1), rate=0.0, salient=salient, mask=1.0)
    assert noisy == "小区了"
