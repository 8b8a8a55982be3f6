"""Units of the triage package: config, data helpers, metrics, candidates, the contract."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest

from features.contract import Suggestion
from features.errors import UserError
from features.labels import CATEGORIES
from training.triage.config import TriageConfig
from training.triage.data import fingerprint, load_feedback, split_by_time
from training.triage.evaluate import binary_pr, expected_calibration_error, urgent_threshold


def test_config_rejects_unknown_and_invalid_keys(tmp_path) -> None:
    with pytest.raises(UserError, match="candidate_list"):
        TriageConfig.load(candidate_list=["logreg"])
    with pytest.raises(UserError, match="holdout_fraction"):
        TriageConfig.load(holdout_fraction=0.9)
    good = tmp_path / "triage.yaml"
    good.write_text("cv_folds: 4\ncandidates: [logreg]\n", encoding="utf-8")
    cfg = TriageConfig.load(good)
    assert (cfg.cv_folds, cfg.candidates) == (4, ("logreg",))
    bad = tmp_path / "bad.yaml"
    bad.write_text("cv_folds: [\n", encoding="utf-8")
    with pytest.raises(UserError, match="not valid YAML"):
        TriageConfig.load(bad)
    with pytest.raises(UserError, match="not found"):
        TriageConfig.load(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    ("scores", "truth", "recall", "expected"),
    [
        ([0.9, 0.8, 0.7, 0.1], [1, 1, 1, 0], 1.0, 0.7),
        ([0.9, 0.8, 0.7, 0.1], [1, 1, 1, 0], 0.6, 0.8),
        ([0.9, 0.2, 0.5, 0.4], [1, 1, 0, 0], 0.95, 0.2),
        ([0.3, 0.2], [0, 0], 0.95, 0.5),  # no urgent examples: default
    ],
)
def test_urgent_threshold_keeps_recall(scores, truth, recall, expected) -> None:
    t = urgent_threshold(np.array(scores), np.array(truth, dtype=bool), recall)
    assert t == pytest.approx(expected)
    if any(truth):
        _, got = binary_pr(np.array(scores) >= t, np.array(truth, dtype=bool))
        assert got >= recall


def test_ece_is_small_when_calibrated_and_large_when_overconfident() -> None:
    rng = np.random.default_rng(0)
    n = 20_000
    conf = rng.uniform(0.5, 1.0, n)
    correct = rng.uniform(size=n) < conf  # right exactly as often as it claims
    proba = np.column_stack([conf, 1 - conf])
    y = np.where(correct, "a", "b")
    calibrated, table = expected_calibration_error(proba, y, ["a", "b"], bins=10)
    assert calibrated < 0.02
    assert table["n"].sum() == n
    over = np.column_stack([np.full(n, 0.99), np.full(n, 0.01)])
    overconfident, _ = expected_calibration_error(over, y, ["a", "b"], bins=10)
    assert overconfident > 0.15


def test_split_by_time_holds_out_the_latest_calls() -> None:
    times = pd.date_range("2025-01-01", periods=100, freq="h", tz="Asia/Shanghai")
    frame = pd.DataFrame({"received_at": times[::-1], "text": [str(i) for i in range(100)]})
    train, hold = split_by_time(frame, 0.15)
    assert len(hold) == 15 and len(train) == 85
    assert train["received_at"].max() < hold["received_at"].min()
    with pytest.raises(UserError, match="too few"):
        split_by_time(frame.head(2), 0.4)


def test_fingerprint_changes_with_labels() -> None:
    a = pd.DataFrame({"text": ["x", "y"], "category": ["dispute", "criminal"]})
    b = a.assign(category=["dispute", "dispute"])
    assert fingerprint(a) == fingerprint(a.copy())
    assert fingerprint(a) != fingerprint(b)


def _feedback_db(path, rows, columns=None) -> None:
    cols = columns or (
        "text",
        "final_category",
        "final_disposition",
        "final_divert_to",
        "final_urgent",
    )
    con = sqlite3.connect(path)
    con.execute(f"CREATE TABLE feedback (id INTEGER PRIMARY KEY, {', '.join(cols)})")
    con.executemany(
        f"INSERT INTO feedback ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows
    )
    con.commit()
    con.close()


def test_feedback_rows_become_masked_training_rows(tmp_path) -> None:
    db = tmp_path / "feedback.db"
    _feedback_db(
        db,
        [
            ("邻居漏水，电话13812345678", "dispute", "on_scene", "", 0),
            ("停电了", "non_police", "divert", "utility", 0),
            ("他拿刀了", "criminal", "transfer", None, 1),
            ("", "dispute", "on_scene", "", 0),  # empty text: skipped
            ("乱写的", "not_a_label", "on_scene", "", 0),  # unknown category: skipped
        ],
    )
    fb = load_feedback(db)
    assert fb["category"].tolist() == ["dispute", "non_police", "criminal"]
    assert "13812345678" not in fb["text"].iloc[0] and "<MOBILE>" in fb["text"].iloc[0]
    assert fb["divert_to"].tolist() == ["", "utility", ""]
    assert fb["urgent"].tolist() == [False, False, True]
    assert fb.attrs["skipped"] == 2


def test_feedback_store_problems_are_clear(tmp_path) -> None:
    with pytest.raises(UserError, match="file not found"):
        load_feedback(tmp_path / "nope.db")
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    with pytest.raises(UserError, match="no table 'feedback'"):
        load_feedback(empty)
    partial = tmp_path / "partial.db"
    _feedback_db(partial, [("x", "dispute")], columns=("text", "final_category"))
    with pytest.raises(UserError, match="final_disposition"):
        load_feedback(partial)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(UserError, match="feedback"):
        load_feedback(junk)


def test_every_candidate_fits_and_predicts_probabilities(triage_frame, fast_config) -> None:
    from training.triage.pipeline import build_candidate, build_featurizer, linear_weights

    small = triage_frame.head(600)
    cfg = fast_config.model_copy(update={"lgbm_features": 200, "lgbm_estimators": 20})
    X = build_featurizer(cfg).fit_transform(small["text"].tolist())  # noqa: N806
    y = small["category"].to_numpy()
    for name in ("logreg", "linear_svm", "lightgbm"):
        clf = build_candidate(name, cfg).fit(X, y)
        proba = clf.predict_proba(X[:20])
        assert proba.shape == (20, len(set(y)))
        assert np.allclose(proba.sum(axis=1), 1.0)
        weights = linear_weights(clf)
        assert (weights is None) == (name == "lightgbm")


def test_suggestions_follow_the_serving_contract(fitted_triage) -> None:
    model = fitted_triage.model
    texts = ["他拿着刀在楼下砍人，还在追", "小区停水了", "我家孩子走丢了", "楼上太吵"]
    suggestions = model.suggest(texts)
    assert len(suggestions) == len(texts)
    assert model.suggest([]) == []
    prepared = model.featurize(texts)[0]
    for s, text in zip(suggestions, prepared, strict=True):
        assert isinstance(s, Suggestion)
        assert set(s.probabilities) == set(model.classes) <= set(CATEGORIES)
        assert sum(s.probabilities.values()) == pytest.approx(1.0)
        assert s.confidence == pytest.approx(max(s.probabilities.values()))
        assert s.category == max(s.probabilities, key=s.probabilities.get)
        assert s.review == (s.confidence < model.review_below)
        assert s.confidence < 1.0 and s.candidates[0] == s.category and s.shift == 0.0
        assert 0.0 <= s.urgent_score <= 1.0
        assert all(k in text for k in s.keywords) and len(s.keywords) <= model.n_keywords
        assert (s.divert_to != "") == (s.disposition == "divert")
        if s.urgent:
            assert s.disposition != "divert"  # never diverted without a human decision
    assert suggestions[0].urgent and suggestions[0].keywords


def test_routing_missing_from_data_gives_null_routing(triage_frame) -> None:
    from training.triage.fit import fit_triage

    frame = triage_frame.head(800).drop(columns=["disposition", "divert_to"])
    cfg = TriageConfig(candidates=("logreg",), cv_sample=800)
    outcome = fit_triage(frame, cfg, progress=lambda _: None)
    assert any("no disposition column" in w for w in outcome.warnings)
    [s] = outcome.model.suggest(["小区停水了"])
    assert s.disposition is None and s.divert_to is None
