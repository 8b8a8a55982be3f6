"""Integrity checks for the hand-written evaluation data (calls and dispatch records)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from features import labels
from features.label_map import load_label_map
from training.evalset import (
    CALL_FIELDS,
    COLUMNS,
    EVALSET_PATH,
    LINKING_PAIRS_PATH,
    RECORD_COLUMNS,
    RECORDS_PATH,
    load_evalset,
    load_linking_pairs,
    load_records,
)

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


# --- records_v1.jsonl: hand-written dispatch records with the police's own coding ---------

MIN_RECORDS = 520
DOCS_TAXONOMY = Path(__file__).resolve().parents[1] / "docs" / "TAXONOMY.md"
SPLITS = {"city", "holdout"}


def taxonomy_types() -> dict[str, set[str]]:
    """警情类型 under each 警情类别, read from the taxonomy's own list (one home for it)."""
    text = " ".join(DOCS_TAXONOMY.read_text(encoding="utf-8").split())
    match = re.search(r"Types seen under them[^:]*: (.*?)\. In that export", text)
    assert match, "docs/TAXONOMY.md no longer lists the types under each class"
    out: dict[str, set[str]] = {}
    for part in match.group(1).split("; "):
        cls, _, kinds = part.partition(" — ")
        out[cls.strip()] = {k.strip() for k in kinds.split(", ")}
    return out


@pytest.fixture(scope="module")
def records_raw() -> list[dict]:
    with RECORDS_PATH.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="module")
def records():
    return load_records()


def test_records_utf8_jsonl_exact_keys_and_types(records_raw):
    assert "\\u" not in RECORDS_PATH.read_text(encoding="utf-8"), "ensure_ascii=False"
    assert len(records_raw) >= MIN_RECORDS
    for item in records_raw:
        assert list(item) == list(RECORD_COLUMNS), item.get("id")
        assert isinstance(item["urgent"], bool), item["id"]
        assert re.fullmatch(r"\d{2}", item["police_class_code"]), item["id"]
        assert isinstance(item["text"], str) and len(item["text"].strip()) >= 8, item["id"]


def test_records_ids_and_times(records):
    assert records["id"].is_unique
    assert records["id"].str.fullmatch(r"rec-\d{4}").all()
    assert records["received_at"].dt.tz is not None
    span = records["received_at"].max() - records["received_at"].min()
    assert span.days >= 540, span  # about two years, so a time-ordered split is possible


def test_records_classes_types_and_codes_follow_the_taxonomy(records):
    types = taxonomy_types()
    label_map = load_label_map()
    for row in records.itertuples():
        # A class the taxonomy lists no types for (灾害事故, 其他报警类别) repeats its name.
        allowed = types.get(row.police_class, {row.police_class})
        assert row.police_type in allowed, (row.id, row.police_type)
        assert label_map.canonical(row.police_class_code) == row.police_class, row.id
    assert set(records["police_class"]) == set(label_map.codes), "every 警情类别 appears"


def test_records_labels_are_the_default_map(records):
    label_map = load_label_map()
    for row in records.itertuples():
        route = label_map.lookup(row.police_class, row.police_type)
        got = (row.category, row.disposition, row.divert_to)
        assert got == (route.category, route.disposition, route.divert_to), row.id


def test_records_notes_name_a_different_rule_label(records):
    # "规则→X：…" marks a record whose text the live-text rules would label X instead of
    # the default map's category; X must be a real label and differ from the category.
    marked = records[records["note"].str.startswith("规则→")]
    assert len(marked) >= 10
    for row in marked.itertuples():
        rule_label = re.match(r"规则→([a-z_]+)", row.note).group(1)
        assert rule_label in CATEGORIES and rule_label != row.category, row.id
        assert row.rule_category == rule_label, row.id
    # Unmarked records: the rules and the map agree.
    unmarked = records[~records["note"].str.startswith("规则→")]
    assert (unmarked["rule_category"] == unmarked["category"]).all()


def test_records_class_shares_look_like_an_export(records):
    shares = records["police_class"].value_counts(normalize=True)
    assert 0.12 <= shares["交通警情"] <= 0.18, shares["交通警情"]
    assert 0.03 <= shares["消防救援"] <= 0.07, shares["消防救援"]
    assert 0.14 <= shares["刑事案件"] <= 0.21, shares["刑事案件"]
    for cls in ("治安警情", "群众求助"):
        assert shares[cls] >= 0.15, (cls, shares[cls])
    assert set(records["category"]) == CATEGORIES


def test_records_split_is_balanced_in_size_class_and_time(records):
    assert set(records["split"]) == SPLITS
    counts = records["split"].value_counts()
    assert abs(counts["city"] - counts["holdout"]) <= 2
    per_class = records.groupby(["police_class", "split"]).size().unstack(fill_value=0)
    assert ((per_class["city"] - per_class["holdout"]).abs() <= 2).all(), per_class
    first, last = records["received_at"].min(), records["received_at"].max()
    for _, part in records.groupby("split"):
        assert (part["received_at"].min() - first).days <= 60
        assert (last - part["received_at"].max()).days <= 60


def _comparable(text: str) -> str:
    """The text without masks, punctuation and digits, so that near copies meet."""
    return re.sub(r"[\sXx\d\W_]+", "", text)


def test_records_no_identical_or_near_identical_texts(records):
    texts = [_comparable(t) for t in records["text"]]
    assert len(set(texts)) == len(texts), "identical texts once masks and digits are gone"
    vectors = TfidfVectorizer(analyzer="char", ngram_range=(2, 3)).fit_transform(texts)
    sims = (vectors @ vectors.T).toarray()
    np.fill_diagonal(sims, 0.0)
    i, j = np.unravel_index(sims.argmax(), sims.shape)
    assert sims[i, j] < 0.8, (records["id"][i], records["id"][j], sims[i, j])


def test_records_are_not_copies_of_the_first_set(records, df):
    ours = [_comparable(t) for t in records["text"]]
    first = [_comparable(t) for t in df["text"]]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3)).fit(ours + first)
    sims = (vectorizer.transform(ours) @ vectorizer.transform(first).T).toarray()
    i, j = np.unravel_index(sims.argmax(), sims.shape)
    assert sims[i, j] < 0.6, (records["id"][i], df["id"][j], sims[i, j])


# --- linking_pairs.jsonl: hand-written same-incident and look-alike pairs -----------------

CITY_BOX = (22.70, 22.86, 100.90, 101.04)  # lat min/max, lon min/max around the city centre


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance; the pairs' spatial claims are checked in metres."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return float(2 * 6_371_000 * np.arcsin(np.sqrt(h)))


@pytest.fixture(scope="module")
def pairs_raw() -> list[dict]:
    with LINKING_PAIRS_PATH.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="module")
def pairs():
    df = load_linking_pairs()
    df["gap_min"] = (df["b_received_at"] - df["a_received_at"]).dt.total_seconds() / 60
    df["metres"] = [metres(r.a_lat, r.a_lon, r.b_lat, r.b_lon) for r in df.itertuples(index=False)]
    return df


def test_pairs_schema(pairs_raw):
    assert "\\u" not in LINKING_PAIRS_PATH.read_text(encoding="utf-8"), "ensure_ascii=False"
    assert len(pairs_raw) >= 180
    for pair in pairs_raw:
        assert list(pair) == ["id", "a", "b", "same_incident", "note"], pair.get("id")
        assert isinstance(pair["same_incident"], bool), pair["id"]
        assert pair["note"].strip(), pair["id"]
        for side in ("a", "b"):
            call = pair[side]
            assert list(call) == list(CALL_FIELDS), (pair["id"], side)
            assert len(call["text"].strip()) >= 8, (pair["id"], side)
            assert re.fullmatch(r"G(0[1-9]|[1-4]\d|5[01])", call["grid_id"]), pair["id"]
            lat_lo, lat_hi, lon_lo, lon_hi = CITY_BOX
            assert lat_lo < call["lat"] < lat_hi and lon_lo < call["lon"] < lon_hi, pair["id"]


def test_pairs_ids_texts_and_order(pairs):
    assert pairs["id"].is_unique
    assert (pairs["a_text"] != pairs["b_text"]).all()
    assert not pairs.duplicated(["a_text", "b_text"]).any()
    assert pairs["a_received_at"].dt.tz is not None
    assert (pairs["gap_min"] > 0).all(), "call a is received first"


def test_pairs_are_balanced_and_positives_are_close(pairs):
    share = pairs["same_incident"].mean()
    assert 0.4 <= share <= 0.6, share
    same = pairs[pairs["same_incident"]]
    assert (same["gap_min"] <= 30).all(), same.loc[same["gap_min"] > 30, "id"].tolist()
    assert (same["metres"] <= 2_000).all(), same.loc[same["metres"] > 2_000, "id"].tolist()


def test_pairs_negatives_include_hard_look_alikes(pairs):
    other = pairs[~pairs["same_incident"]]
    near = other["metres"] <= 500
    assert near.sum() >= 40, "different incidents at (almost) the same place"
    assert (near & (other["gap_min"] <= 120)).sum() >= 15, "and within two hours"
    assert ((other["gap_min"] <= 30) & (other["metres"] > 500)).sum() >= 5, "same time, apart"
