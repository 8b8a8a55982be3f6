"""Legal-line features: the event crossed with the qualifier the taxonomy's line depends on."""

from __future__ import annotations

import numpy as np
import pytest

from features.legal_line import (
    LEGAL_NAMES,
    LegalLineFeatures,
    chinese_number,
    legal_matrix,
    legal_vector,
)
from features.text import normalize


def _on(text: str) -> set[str]:
    return {n for n, v in zip(LEGAL_NAMES, legal_vector(normalize(text)), strict=True) if v}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("两人打架，一人脸上擦伤，不需要120", {"violence_minor_injury"}),
        ("他被人打了，头部缝了五针，已送医", {"violence_serious_injury"}),
        ("被人打了，需要120", {"violence_serious_injury"}),
        ("车窗被人砸了，维修大概八百块", {"damage_small_amount"}),
        ("车被划了，修车要一万五", {"damage_large_amount"}),
        ("钱包被偷，里面有三百元", {"theft_small_amount"}),
        ("电动车被偷了，价值6000元", {"theft_large_amount"}),
        ("前男友发微信威胁要弄死我，他没有拿刀", {"threat_plain"}),
        ("一男子拿刀威胁店员", {"threat_armed"}),
        ("对方威胁我不给钱就曝光照片", {"threat_money"}),
        ("被保安关在办公室二十分钟", {"confine_short"}),
        ("女儿被人关在出租屋里三天了", {"confine_long"}),
        ("被关了5个小时", {"confine_long"}),
        ("楼上漏水把我家天花板泡了", set()),
    ],
)
def test_each_rule_of_the_taxonomy(text, expected):
    assert _on(text) == expected


def test_a_qualifier_without_its_event_is_nothing():
    assert _on("损失约500元") == set()  # an amount, but nothing damaged or stolen
    assert _on("不需要120") == set()


def test_chinese_numerals():
    assert chinese_number("一万五") == 15000
    assert chinese_number("三千二百") == 3200
    assert chinese_number("十二") == 12
    assert chinese_number("两千") == 2000
    assert chinese_number("abc") is None


def test_the_batch_is_each_text_alone():
    texts = [
        normalize(t)
        for t in ["被打出血，不需要120", "", "手机被偷，损失6000元", "关了3天", "a\x00b", "威胁"]
    ]
    batch = legal_matrix(texts)
    assert batch.shape == (len(texts), len(LEGAL_NAMES))
    np.testing.assert_array_equal(batch, np.asarray([legal_vector(t) for t in texts]))
    assert legal_matrix([]).shape == (0, len(LEGAL_NAMES))


def test_block_in_the_pipeline_before_the_cues():
    from training.triage.config import TriageConfig
    from training.triage.pipeline import build_features

    names = [name for name, _ in build_features(TriageConfig(legal_weight=1.0)).transformer_list]
    assert names[-2:] == ["legal", "cues"]
    assert "legal" not in dict(build_features(TriageConfig(legal_weight=0.0)).transformer_list)
    block = LegalLineFeatures(weight=2.0).fit(["x"])
    X = block.transform([normalize("拿刀威胁"), ""])  # noqa: N806
    assert X.shape == (2, len(LEGAL_NAMES))
    assert X[0, LEGAL_NAMES.index("threat_armed")] == 2.0 and X[1].nnz == 0
    assert list(block.get_feature_names_out()) == list(LEGAL_NAMES)
