"""Behaviour of a fitted triage model (Made-With-ML style): invariance, direction and
minimum functionality on clear cases written for this test (in neither the generator nor
the evaluation set)."""

from __future__ import annotations

import pytest

CLEAR_CASES = [
    ("我停在单元门口的电动车昨天夜里被人偷走了，锁被剪断了", "criminal"),
    ("刚才在公交车上钱包被人扒走了，里面有两千块现金", "criminal"),
    ("有人冒充客服让我转账，我已经转了三万块，现在联系不上他了", "criminal"),
    ("烧烤摊那边两伙人打起来了，推推搡搡的，暂时没人受伤", "public_order"),
    ("有一伙人在河边空地上聚众赌博，赌得很大", "public_order"),
    ("楼上邻居家的卫生间漏水漏到我家，说了好几次都不管，请你们来调解一下", "dispute"),
    ("房东不退押金，我们俩在楼下吵起来了", "dispute"),
    ("我家七十多岁的父亲早上出门散步到现在还没回来，手机也没带", "assistance"),
    ("我被困在电梯里了，电梯卡在五楼不动了", "assistance"),
    ("我们小区从早上开始停水，到现在一直没来水", "non_police"),
    ("请问补办身份证需要带什么材料", "non_police"),
    ("路口的路灯坏了好几天了，晚上黑乎乎的", "non_police"),
]


def test_clear_cases_are_classified_right(fitted_triage) -> None:
    # Given obvious calls, when the model suggests, then (nearly) all get the obvious
    # category. The test model learns from only 5,000 generated texts, so one miss in
    # twelve is tolerated; two would mean it has not learnt the categories.
    texts = [t for t, _ in CLEAR_CASES]
    got = [s.category for s in fitted_triage.model.suggest(texts)]
    misses = [(t, e, g) for (t, e), g in zip(CLEAR_CASES, got, strict=True) if e != g]
    assert len(misses) <= 1, misses


VARIANTS = [
    (
        "报警人张伟称在人民路88号小区门口被人抢走手机，电话13812345678",
        "报警人李强称在解放路12号小区门口被人抢走手机，电话13987654321",
    ),
    (
        "王女士反映楼上邻居装修太吵，联系电话15011112222，地址建设路5号",
        "赵女士反映楼上邻居装修太吵，联系电话18699998888，地址和平路17号",
    ),
    (
        "来电人刘某称其母亲在中山公园走失，身份证号110101199003074258",
        "来电人陈某称其母亲在滨江公园走失，身份证号440305198506150310",
    ),
    (
        "车牌京A12345的车挡住了我家车库门，联系不上车主，我姓周",
        "车牌粤B98765的车挡住了我家车库门，联系不上车主，我姓孙",
    ),
]


@pytest.mark.parametrize(("text", "variant"), VARIANTS)
def test_names_numbers_and_streets_do_not_change_the_category(
    fitted_triage, text: str, variant: str
) -> None:
    # Names and streets are not masked, so the probabilities may move a little; they must
    # not move much, and a category the model is sure of must not flip.
    a, b = fitted_triage.model.suggest([text, variant])
    shift = max(abs(a.probabilities[c] - b.probabilities[c]) for c in a.probabilities)
    assert shift < 0.15, (a, b)
    top2 = sorted(a.probabilities.values())[-2:]
    if top2[1] - top2[0] > 2 * shift:
        assert a.category == b.category


def test_masked_personal_data_is_irrelevant(fitted_triage) -> None:
    # Phone numbers, ID numbers and plates are masked before any feature is computed,
    # so swapping them changes nothing at all, not even the probabilities.
    a, b = fitted_triage.model.suggest(
        [
            "我的手机13812345678被偷了，车牌京A12345，身份证110101199003074258",
            "我的手机15999887766被偷了，车牌沪C67890，身份证440305198506150310",
        ]
    )
    assert a == b


BASES = [
    "楼下有两个人在吵架",
    "有个男的在小区门口跟保安争执",
    "报警人称其丈夫喝了酒在家里发脾气",
    "网吧门口几个年轻人起了冲突",
]


@pytest.mark.parametrize("base", BASES)
def test_adding_a_weapon_raises_urgency(fitted_triage, base: str) -> None:
    calm, armed = fitted_triage.model.score([base, base + "，对方拿着刀"])["urgent_score"]
    assert armed > calm


def test_weapon_raises_the_learnt_score_too(fitted_triage) -> None:
    # The guard makes the above certain; the learnt urgency head must agree on its own.
    texts = [b for b in BASES] + [b + "，对方拿着刀还在追着砍" for b in BASES]
    learnt = fitted_triage.model.score(texts)["urgent_model_score"]
    calm, armed = learnt[: len(BASES)], learnt[len(BASES) :]
    assert (armed > calm).mean() >= 0.75
