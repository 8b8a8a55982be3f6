"""Cue features a call taker listens for, including negation."""

from __future__ import annotations

import numpy as np
import pytest

from features.cues import CUE_NAMES, CueFeatures, cue_table, urgent_guard
from features.text import normalize


def cues_of(text: str) -> dict[str, float]:
    return cue_table([normalize(text)]).iloc[0].to_dict()


@pytest.mark.parametrize(
    ("text", "on", "off"),
    [
        ("他拿着刀在楼下", ["weapon"], ["injury", "self_harm"]),
        ("头被打破了在流血", ["blood", "violence"], ["neg_injury"]),
        ("打完架了,没有人受伤", ["neg_injury"], ["injury"]),
        ("钱没丢,就是吓了一跳", ["neg_loss"], ["loss"]),
        ("手机被偷了", ["loss"], ["neg_loss"]),
        ("他们还在打", ["ongoing", "violence"], []),
        ("家里小孩不见了", ["child", "missing"], ["elderly"]),
        ("七十多岁的老人走丢了", ["elderly", "missing"], ["child"]),
        ("她说不想活了要跳楼", ["self_harm"], []),
        ("我老公喝醉了", ["family", "drunk"], ["neighbour"]),
        ("楼上邻居漏水", ["neighbour"], ["family"]),
        ("房东不退押金", ["landlord"], ["boss"]),
        ("包工头拖欠工资", ["boss"], ["landlord"]),
        ("饭店老板娘不给退款", ["shop"], []),
        ("小区停电了", ["utility"], ["fire"]),
        ("楼里着火了有人被困", ["fire", "trapped"], []),
        ("想补办身份证", ["admin"], []),
    ],
)
def test_cue_table(text: str, on: list[str], off: list[str]) -> None:
    cues = cues_of(text)
    for name in on:
        assert cues[name] == 1.0, name
    for name in off:
        assert cues[name] == 0.0, name


def test_amounts() -> None:
    small, large, none = (cues_of(t) for t in ("赔了50元", "被骗了两万块", "没说钱数"))
    assert 0 < small["amount_log"] < large["amount_log"]
    assert none["amount_log"] == 0.0
    assert (small["amount_large"], large["amount_large"]) == (0.0, 1.0)


def test_guard_fires_on_danger_only() -> None:
    texts = [
        normalize(t) for t in ("对方拿着刀还在砍人", "他说想自杀", "楼上装修太吵", "菜刀丢了")
    ]
    assert urgent_guard(texts).tolist() == [True, True, False, False]


def test_transformer_shape_and_weight() -> None:
    X = CueFeatures(weight=2.0).fit(["a"]).transform([normalize("拿刀"), ""])  # noqa: N806
    assert X.shape == (2, len(CUE_NAMES))
    assert X.toarray()[0, CUE_NAMES.index("weapon")] == 2.0
    assert np.all(X.toarray()[1] == 0)
