"""Urgency tiers: thresholds of least stated cost, and the cue that raised a call."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from features.urgency import TIERS, tiers
from training.triage.urgency import LAYER_C, choose_tiers, tier_metrics

COSTS = (1.0, 2.0, 0.1, 20.0)  # false alarm, urgent at 可能紧急, calm at 可能紧急, missed


def _cost(score, y, t_urgent, t_maybe, costs=COSTS) -> float:
    tier = tiers(score, t_urgent, t_maybe)
    alarm, late, ask, miss = costs
    return (
        alarm * ((tier == "紧急") & ~y).sum()
        + late * ((tier == "可能紧急") & y).sum()
        + ask * ((tier == "可能紧急") & ~y).sum()
        + miss * ((tier == "一般") & y).sum()
    ) / len(y)


@pytest.mark.parametrize("seed", range(6))
def test_thresholds_have_the_least_cost_of_every_pair(seed):
    # Given scores with ties and overlapping classes
    rng = np.random.default_rng(seed)
    y = rng.random(60) < 0.2
    score = np.round(np.clip(rng.normal(0.3 + 0.4 * y, 0.2), 0, 1), 1)
    # when the tiers are chosen
    t_urgent, t_maybe, cost = choose_tiers(score, y, COSTS)
    # then no pair of thresholds costs less, and the reported cost is the real one
    cuts = [*np.unique(score), 2.0]
    best = min(_cost(score, y, a, b) for a, b in itertools.product(cuts, cuts) if b <= a)
    assert cost == pytest.approx(best)
    assert _cost(score, y, t_urgent, t_maybe) == pytest.approx(best)
    assert t_maybe <= t_urgent


def test_separable_scores_need_no_middle_tier():
    score = np.array([0.1, 0.2, 0.3, 0.8, 0.9])
    y = np.array([False, False, False, True, True])
    t_urgent, t_maybe, cost = choose_tiers(score, y, COSTS)
    assert (t_urgent, t_maybe, cost) == (0.8, 0.8, 0.0)


def test_a_dearer_miss_raises_more_calls():
    rng = np.random.default_rng(3)
    y = rng.random(400) < 0.15
    score = np.clip(rng.normal(0.3 + 0.3 * y, 0.2), 0, 1)
    cheap = choose_tiers(score, y, (1.0, 2.0, 0.1, 5.0))
    dear = choose_tiers(score, y, (1.0, 2.0, 0.1, 50.0))
    assert dear[1] <= cheap[1]
    raised = [tier_metrics(tiers(score, *c[:2]), y, "x")["x_raised_recall"] for c in (cheap, dear)]
    assert raised[1] >= raised[0]


def test_tier_metrics_count_each_tier():
    tier = np.array(["紧急", "紧急", "可能紧急", "一般", "一般"], dtype=object)
    y = np.array([True, False, True, True, False])
    m = tier_metrics(tier, y, "s", COSTS)
    assert m["s_urgent_precision"] == 0.5 and m["s_urgent_recall"] == pytest.approx(1 / 3)
    assert m["s_raised_recall"] == pytest.approx(2 / 3)
    assert m["s_maybe_share"] == 0.2
    assert m["s_urgency_cost"] == pytest.approx((1 + 2 + 20) / 5)


@pytest.fixture(scope="module")
def tiered(fitted_triage):
    """The session's model with tiers chosen on the records' city half (as training does)."""
    import copy

    from training.evalset import load_records

    model = copy.copy(fitted_triage.model)
    city = load_records(split="city")
    score = model.score(city["text"].tolist())["urgent_score"]
    model.urgent_threshold, model.maybe_threshold, _ = choose_tiers(
        score, city["urgent"].to_numpy(bool), COSTS
    )
    return model


@pytest.mark.parametrize(
    ("text", "allowed", "cue_words"),
    [
        ("網上刷單被騙了兩萬塊", {"可能紧急", "一般"}, None),  # a fraud that is over
        ("他拿着刀，还在砍人！", {"紧急"}, ("刀", "砍")),  # the guard's words are the cue
        ("有人要跳楼，就在楼顶边上，快来", {"紧急"}, ("跳楼",)),
        ("XX路XX小区5号楼，与邻居因停车位发生口角。", {"一般", "可能紧急"}, None),
    ],
)
def test_tiers_and_cues_of_calls(tiered, text, allowed, cue_words):
    s = tiered.suggest([text])[0]
    assert s.urgency in allowed
    assert s.urgent == (s.urgency == "紧急")
    if s.urgency == "一般":
        assert s.urgency_cue is None
    if cue_words is not None:
        cue = s.urgency_cue
        assert cue is not None and text[cue.start : cue.end] == cue.text
        assert any(w in cue.text for w in cue_words), cue.text


def test_every_raised_call_names_its_cue_as_typed(tiered):
    from training.evalset import load_evalset

    texts = load_evalset()["text"].tolist()
    suggestions = tiered.suggest(texts)
    raised = [(t, s) for t, s in zip(texts, suggestions, strict=True) if s.urgency != TIERS[2]]
    assert raised
    with_cue = [(t, s.urgency_cue) for t, s in raised if s.urgency_cue is not None]
    assert len(with_cue) >= 0.8 * len(raised)
    for text, cue in with_cue:
        assert text[cue.start : cue.end] == cue.text and cue.weight > 0
        assert "XX" not in cue.text and "<" not in cue.text


@pytest.fixture(scope="module")
def layered(fitted_triage):
    """The session's model with the urgency layer fitted on the records' city half and the
    tiers chosen on the layer's out-of-fold scores there (as training on the synthetic city
    does), with the head-only out-of-fold scores for comparison."""
    import copy

    from training.evalset import load_records
    from training.triage.urgency import fit_urgency_layer

    model = copy.copy(fitted_triage.model)
    city = load_records(split="city")
    head = model.score(city["text"].tolist())["urgent_score"]
    oof, info = fit_urgency_layer(model, city, seed=0, name="records city half")
    y = city["urgent"].to_numpy(bool)
    model.urgent_threshold, model.maybe_threshold, _ = choose_tiers(oof, y, COSTS)
    return model, oof, head, y, info


def test_the_layer_ranks_real_records_better_than_the_head_alone(layered):
    from sklearn.metrics import roc_auc_score

    model, oof, head, y, info = layered
    # Given the layer's out-of-fold scores on the city half (never fitted on the item)
    assert oof.shape == y.shape and np.all((oof >= 0) & (oof <= 1))
    # then they rank urgent records above calm ones better than the simulated head does
    assert roc_auc_score(y, oof) > roc_auc_score(y, head)
    assert info["urgency_layer_c"] in LAYER_C
    assert model.urgency_layer.fitted_on == "records city half"


@pytest.mark.parametrize(
    ("urgent", "calm"),
    [
        ("一名男子倒地不省人事，叫不醒", "一名男子摔了一跤，已清醒，能正常说话"),
        ("我儿子才三岁，在商场不见了", "我儿子三岁，昨天在商场走丢已经找到了"),
        ("有人正在撬我家的门，我躲在卫生间", "昨天家里被撬了，丢了两千块钱"),
    ],
)
def test_the_layer_puts_danger_now_above_the_calm_version(layered, urgent, calm):
    model = layered[0]
    score = model.score([urgent, calm])["urgent_score"]
    assert score[0] > score[1]


def test_with_the_layer_the_guard_words_are_never_calm(layered):
    model = layered[0]
    s = model.score(["有人要跳楼", "他拿着刀还在砍人"])
    assert s["urgent_guard"].all()
    assert (s["urgency"] != TIERS[2]).all()
    assert (s["urgent_score"] <= 1.0).all()


def test_training_hook_chooses_tiers_on_the_layers_out_of_fold_scores(fitted_triage):
    import copy

    from training.evalset import load_records
    from training.triage.config import TriageConfig
    from training.triage.urgency import urgency_layer_tiers

    model = copy.copy(fitted_triage.model)
    city = load_records(split="city")
    said: list[str] = []
    (scores, labels), info = urgency_layer_tiers(model, city, TriageConfig(), said.append)
    assert model.urgency_layer is not None and len(scores) == len(labels) == len(city)
    assert labels.sum() == city["urgent"].sum() and "city half" in said[0]
    assert {"urgency_layer_c", "urgency_layer_oof_log_loss"} <= set(info)
    assert all(k.replace("_", "").isalnum() for k in info)  # MLflow metric names


def test_calibration_takes_the_tiers_from_scores_of_another_set(fitted_triage):
    import copy

    from training.evalset import load_evalset
    from training.triage.config import TriageConfig
    from training.triage.honest import calibrate
    from training.triage.urgency import costs_of

    # Given scores and labels of another set (as the layer's out-of-fold city scores are)
    cfg = TriageConfig()
    rng = np.random.default_rng(0)
    labels = rng.random(200) < 0.15
    scores = np.clip(rng.normal(0.2 + 0.5 * labels, 0.2), 0, 1)
    model = copy.copy(fitted_triage.model)
    metrics = calibrate(model, load_evalset(), cfg, name="handwritten", tiers_on=(scores, labels))
    # then the model's thresholds are the least-cost pair on those scores
    t_urgent, t_maybe, _ = choose_tiers(scores, labels, costs_of(cfg))
    assert (model.urgent_threshold, model.maybe_threshold) == (t_urgent, t_maybe)
    assert "handwritten_xfit_urgent_recall" in metrics
