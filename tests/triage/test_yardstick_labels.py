"""The simulated-only model's records yardstick: the live-text rules' label, the map's beside."""

from __future__ import annotations

import numpy as np
import pytest

from training.triage import yardstick


class _Echo:
    """A 'model' that answers each text with a fixed label looked up by text."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers

    def score(self, texts: list[str]) -> dict:
        return {"category": np.asarray([self.answers[t] for t in texts], dtype=object)}


def test_records_are_judged_by_the_rules_when_asked_and_keep_the_map_label():
    by_map = yardstick.load_handwritten()["records"]
    by_rules = yardstick.load_handwritten(rules=True)["records"]
    assert (by_rules["category"] == by_map["rule_category"]).all()
    assert (by_rules["map_category"] == by_map["category"]).all()
    assert (by_rules["category"] != by_rules["map_category"]).sum() > 10  # the 规则→ notes
    assert "map_category" not in by_map.columns


def test_map_label_metrics_score_the_map_label():
    records = yardstick.load_handwritten(rules=True)["records"]
    rules_model = _Echo(dict(zip(records["text"], records["category"], strict=True)))
    m = yardstick.map_label_metrics(rules_model, records)
    parted = (records["category"] != records["map_category"]).mean()
    assert m["records_map_accuracy"] == pytest.approx(1.0 - parted)
    assert m["records_map_macro_f1"] < 1.0
    assert yardstick.map_label_metrics(rules_model, None) == {}
