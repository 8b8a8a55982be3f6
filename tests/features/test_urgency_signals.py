"""Urgency signals: what each family of words reads, one batch equal to text by text."""

from __future__ import annotations

import numpy as np
import pytest

from features.textprep import prepare_text
from features.urgency_signals import (
    SIGNAL_NAMES,
    UrgencyLayer,
    input_names,
    layer_inputs,
    signal_matrix,
    signal_spans,
)

CASES = [
    ("他还在打我妈，快来啊", {"ongoing", "violence", "help_now"}, {"past", "gone"}),
    ("昨天晚上被人打了，人已经走了", {"past", "gone", "violence"}, {"ongoing"}),
    ("双方推搡，没有人受伤", {"no_harm"}, {"severe"}),
    ("我儿子才三岁，一转眼就不见了", {"vulnerable", "missing"}, {"past"}),
    ("一男子倒地不省人事，没有呼吸", {"severe"}, {"treated"}),
    ("伤者已送医院，伤口已止住血", {"treated"}, {"severe"}),
    ("两名男子正在撬卷帘门，我躲在店里", {"ongoing", "intrusion"}, {"gone"}),
    ("他把我关在屋里不让走，说不准报警", {"held"}, {"no_harm"}),
    ("她坐在窗户外沿上说不想活了", {"self_harm"}, set()),
    ("司机喝醉了还在开车，在快车道上乱窜", {"road_danger", "ongoing"}, set()),
    ("楼下起火了，浓烟很大，有人被困", {"hazard", "trapped"}, {"no_harm"}),
    ("前男友发微信威胁我，他没有拿刀", {"no_weapon", "weapon"}, {"ongoing"}),
    ("约五十人互相扔石头", {"crowd", "violence"}, set()),
]


@pytest.mark.parametrize(("text", "present", "absent"), CASES)
def test_signals_read_their_word_families(text: str, present: set, absent: set) -> None:
    row = signal_matrix([prepare_text(text)])[0]
    on = {name for name, value in zip(SIGNAL_NAMES, row, strict=True) if value}
    assert present <= on, (text, on)
    assert not (absent & on), (text, on)


def test_a_batch_equals_its_texts_one_by_one_and_spans_agree() -> None:
    # Given texts that end and start with halves of a gapped pattern (电线 … 断)
    texts = [prepare_text(t) for t, _, _ in CASES] + ["路边电线", "断了", "", "还在\x00打"]
    batch = signal_matrix(texts)
    for i, text in enumerate(texts):
        assert np.array_equal(batch[i], signal_matrix([text])[0])
        found = {name for name, _, _ in signal_spans(text.replace("\x00", " "))}
        assert found == {n for n, v in zip(SIGNAL_NAMES, batch[i], strict=True) if v}
    # then nothing is read across the join
    assert not batch[len(CASES)].any() and not batch[len(CASES) + 2].any()
    assert signal_matrix([]).shape == (0, len(SIGNAL_NAMES))


def test_layer_scores_are_probabilities_that_follow_their_weights() -> None:
    # Given a layer that trusts the head and the severe-injury signal and distrusts 'treated'
    names = input_names()
    coef = np.zeros(len(names))
    coef[names.index("head_logit")] = 1.0
    coef[names.index("severe")] = 3.0
    coef[names.index("treated")] = -2.0
    layer = UrgencyLayer(coef=coef, intercept=-1.0)
    texts = [prepare_text(t) for t in ("他倒地不省人事", "他倒地不省人事，已送医院", "问路")]
    head = np.array([0.2, 0.2, 0.2])
    score = layer.score(head, texts, np.zeros(3, dtype=bool))
    assert np.all((score > 0) & (score < 1))
    assert score[0] > score[1] > score[2]
    # and a higher head score never lowers the layer's
    assert np.all(layer.score(head + 0.5, texts, np.zeros(3, dtype=bool)) > score)
    assert layer.raising() == {"severe": 3.0}
    assert layer_inputs(head, texts, np.ones(3, dtype=bool)).shape == (3, len(names))
