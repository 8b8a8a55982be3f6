"""Integrity checks for the hand-written triage evaluation set."""

from __future__ import annotations

import json

import pytest

from features import labels
from training.evalset import COLUMNS, EVALSET_PATH, load_evalset

CATEGORIES = set(labels.CATEGORIES)
DISPOSITIONS = set(labels.DISPOSITIONS)
DIVERT_TO = set(labels.DIVERT_TO)
VOICES = {"record", "note", "speech"}


@pytest.fixture(scope="module")
def raw() -> list[dict]:
    with EVALSET_PATH.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="module")
def df():
    return load_evalset()


def test_file_is_utf8_jsonl_with_exact_keys(raw):
    text = EVALSET_PATH.read_text(encoding="utf-8")
    assert "\\u" not in text, "written with ensure_ascii=False"
    for item in raw:
        assert set(item) == set(COLUMNS), item.get("id")


def test_size_and_uniqueness(df):
    assert len(df) >= 400
    assert df["id"].is_unique
    assert df["text"].is_unique
    assert df["id"].str.fullmatch(r"hw-\d{4}").all()


def test_field_types(raw):
    for item in raw:
        assert isinstance(item["urgent"], bool), item["id"]
        assert isinstance(item["hard_case"], bool), item["id"]
        assert isinstance(item["text"], str) and len(item["text"].strip()) >= 8, item["id"]


def test_valid_labels(df):
    assert set(df["category"]) <= CATEGORIES
    assert set(df["disposition"]) <= DISPOSITIONS
    assert set(df["voice"]) <= VOICES
    assert set(df["category"]) == CATEGORIES


def test_divert_to_consistent_with_disposition(df):
    diverted = df["disposition"] == "divert"
    assert df.loc[diverted, "divert_to"].isin(DIVERT_TO).all()
    assert (df.loc[~diverted, "divert_to"] == "").all()


def test_category_balance(df):
    shares = df["category"].value_counts(normalize=True)
    for cat in CATEGORIES:
        assert 0.18 <= shares[cat] <= 0.22, (cat, shares[cat])


def test_every_voice_at_least_a_quarter(df):
    shares = df["voice"].value_counts(normalize=True)
    for voice in VOICES:
        assert shares.get(voice, 0.0) >= 0.25, (voice, shares.get(voice, 0.0))


def test_hard_cases_have_notes(df):
    hard = df[df["hard_case"]]
    assert len(hard) >= 60
    assert (hard["note"].str.strip() != "").all()
    assert (df.loc[~df["hard_case"], "note"] == "").all()


def test_urgent_count_and_never_diverted(df):
    urgent = df[df["urgent"]]
    assert len(urgent) >= 50
    assert not (urgent["disposition"] == "divert").any()


def test_loader_dtypes(df):
    assert list(df.columns) == list(COLUMNS)
    assert df["urgent"].dtype == bool
    assert df["hard_case"].dtype == bool
    assert not df["divert_to"].isna().any()
