"""Urgency signals in their clause: denied, over, going on now; a batch equals its texts."""

from __future__ import annotations

import numpy as np
import pytest

from features.textprep import prepare_text
from features.urgency_scope import SCOPE_NAMES, scope_matrix


def _on(text: str) -> dict[str, float]:
    row = scope_matrix([prepare_text(text)])[0]
    return {name: float(v) for name, v in zip(SCOPE_NAMES, row, strict=True) if v}


CASES = [
    # (text, columns that must be set, columns that must not)
    ("他拿着刀，还在砍人！", {"live_weapon", "danger_now", "last_now"}, {"danger_denied"}),
    ("前男友发微信威胁我，他没有拿刀", {"danger_denied"}, {"live_weapon"}),
    ("昨天晚上被人打了，人已经走了", {"danger_over", "last_over"}, {"live_violence"}),
    (
        "XX路某小区，被他人殴打，不需要120。现双方已分开",
        {"live_violence", "last_over"},
        {"last_now"},
    ),
    ("双方推搡，无人受伤", {"last_over"}, {"danger_now"}),
    ("一男子倒地没有呼吸", {"live_severe"}, {"danger_denied"}),  # the family's own negation
    ("我儿子才三岁，一转眼就不见了，快来啊", {"live_missing", "last_now"}, {"last_over"}),
    ("楼下起火了，有人被困", {"live_hazard", "live_trapped"}, {"danger_over"}),
    ("前天家里起火，已全部撤出", {"danger_over", "last_over"}, {"live_hazard"}),
]


@pytest.mark.parametrize(("text", "present", "absent"), CASES)
def test_a_danger_is_read_in_its_clause(text: str, present: set, absent: set) -> None:
    on = _on(text)
    assert present <= set(on), (text, on)
    assert not (absent & set(on)), (text, on)


def test_denying_or_ending_a_danger_takes_it_out_of_the_live_columns() -> None:
    live = [n for n in SCOPE_NAMES if n.startswith("live_")]
    assert any(_on("他拿着刀在砍人").get(n) for n in live)
    assert not any(_on("他没有拿刀").get(n) for n in live)
    assert not any(_on("昨天他拿着刀").get(n) for n in live)


def test_a_batch_equals_its_texts_one_by_one() -> None:
    texts = [prepare_text(t) for t, _, _ in CASES] + ["", "。。", "没有", "刀\x00还在", "还在"]
    batch = scope_matrix(texts)
    assert batch.shape == (len(texts), len(SCOPE_NAMES))
    for i, text in enumerate(texts):
        assert np.array_equal(batch[i], scope_matrix([text])[0]), text
    # a text of punctuation only has no last clause, and nothing crosses a NUL
    assert not batch[len(CASES) + 1].any()
    assert scope_matrix([]).shape == (0, len(SCOPE_NAMES))
