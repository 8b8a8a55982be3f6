"""Agreement with call takers from a real feedback store written by the service's class."""

from __future__ import annotations

import sqlite3

import pytest

from features.errors import UserError
from features.monitoring.agreement import agreement, read_corrections
from serving.feedback import FeedbackStore


def _store(path, rows):
    store = FeedbackStore(path)
    for i, (suggested, final, when) in enumerate(rows):
        store.add(
            {
                "call_id": f"c{i}",
                "text": "与邻居因停车位发生口角",
                "suggested_category": suggested,
                "final_category": final,
                "final_disposition": "on_scene",
                "received_at": when,
            }
        )
    store.close()
    return path


def test_weekly_accuracy_with_counts_and_an_alert_in_words(tmp_path, thresholds):
    # Given a good week (40 corrections, 38 kept) and a bad one (40, 20 kept)
    good = [("dispute", "dispute", "2026-06-02T10:00:00+08:00")] * 38
    good += [("dispute", "public_order", "2026-06-03T10:00:00+08:00")] * 2
    bad = [("dispute", "dispute", "2026-06-09T10:00:00+08:00")] * 20
    bad += [("dispute", "criminal", "2026-06-10T10:00:00+08:00")] * 20
    db = _store(tmp_path / "feedback.db", good + bad)
    # When agreement is measured
    fig = agreement(read_corrections(db), thresholds.agreement)
    # Then each week has its own figure and count, and only the bad week alerts
    assert [(w["week"], w["n"]) for w in fig["weeks"]] == [("2026-06-01", 40), ("2026-06-08", 40)]
    assert fig["weeks"][0]["accuracy"] == pytest.approx(0.95)
    assert fig["weeks"][1]["accuracy"] == pytest.approx(0.5)
    assert [w["alert"] for w in fig["weeks"]] == [False, True]
    assert len(fig["alerts"]) == 1 and "kept 50 %" in fig["alerts"][0]
    assert fig["categories"]["criminal"] == {"name": "刑事", "n": 20, "recall": 0.0, "f1": 0.0}
    assert fig["n"] == 80


def test_a_week_with_few_corrections_is_shown_but_never_alerts(tmp_path, thresholds):
    rows = [("dispute", "criminal", "2026-06-02T10:00:00+08:00")] * 10
    fig = agreement(read_corrections(_store(tmp_path / "f.db", rows)), thresholds.agreement)
    assert fig["weeks"][0]["accuracy"] == 0.0 and fig["weeks"][0]["n"] == 10
    assert fig["alerts"] == []


def test_bad_feedback_files_are_one_clear_line(tmp_path):
    with pytest.raises(UserError, match="file not found"):
        read_corrections(tmp_path / "none.db")
    (tmp_path / "x.db").write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(UserError, match="not a readable SQLite"):
        read_corrections(tmp_path / "x.db")
    sqlite3.connect(tmp_path / "empty.db").execute("CREATE TABLE other (a)").connection.close()
    with pytest.raises(UserError, match="lacks"):
        read_corrections(tmp_path / "empty.db")
