"""Mix and text drift: figures against hand-computed values, and alerts that fire on the
injected scenarios but not on unchanged weeks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from features.monitoring.drift import build_reference, compare_mix, psi
from training.monitor.scenarios import scenario_calls


def test_psi_matches_the_formula_and_is_zero_for_equal_mixes():
    r, c = [0.5, 0.3, 0.2], [0.4, 0.4, 0.2]
    want = (0.4 - 0.5) * math.log(0.4 / 0.5) + (0.4 - 0.3) * math.log(0.4 / 0.3)
    assert psi(r, c) == pytest.approx(want)
    assert psi(r, r) == 0.0


def test_mix_alert_names_the_label_that_moved(thresholds):
    # Given a training mix with 18 % non-police and a window with 31 %
    ref = {"non_police": 0.18, "assistance": 0.82}
    labels = ["non_police"] * 310 + ["assistance"] * 690
    # When the mix is compared
    fig = compare_mix("category", ref, labels, thresholds.mix)
    # Then it alerts and says what moved, in the label's Chinese name
    assert fig["alert"]
    assert "非警务 share 31 % vs 18 % in training" in fig["moved"]


def test_small_windows_never_alert(thresholds):
    ref = {"non_police": 0.18, "assistance": 0.82}
    fig = compare_mix("category", ref, ["non_police"] * 60 + ["assistance"] * 40, thresholds.mix)
    assert fig["psi"] > 0.5 and not fig["alert"]  # 100 calls < min_calls


def test_reference_holds_shares_and_histograms():
    scores = {
        "category": np.array(["a", "a", "b", "b"]),
        "disposition": None,
        "urgent": np.array([True, False, False, False]),
        "confidence": np.array([0.55, 0.95, 0.97, 1.0]),
        "shift": None,
    }
    ref = build_reference(scores, "holdout")
    assert ref["mix"]["category"] == {"a": 0.5, "b": 0.5}
    assert ref["mix"]["urgent"] == {"false": 0.75, "true": 0.25}
    assert "disposition" not in ref["mix"] and "shift" not in ref["hist"]
    assert sum(ref["hist"]["confidence"]["shares"]) == pytest.approx(1.0)
    assert ref["hist"]["confidence"]["mean"] == pytest.approx(np.mean([0.55, 0.95, 0.97, 1.0]))


@pytest.mark.parametrize("cap", [10_000, 150])
def test_a_reference_from_the_evaluations_scores_equals_one_scored_afresh(
    monitored_model, monkeypatch, cap
):
    # Given held-out calls, all of them or (cap 150) a sample, and the model's scores of
    # every one of them, as training's evaluation computed them
    from training.monitor import reference
    from training.monitor.scenarios import scenario_calls

    monkeypatch.setattr(reference, "MAX_REFERENCE_CALLS", cap)
    holdout = scenario_calls("quiet", n=400, seed=7, start="2026-02-01")
    scores = monitored_model.score(holdout["text"].tolist())
    # When the reference is built from those scores and by scoring the calls again
    reused = reference.attach_reference(monitored_model, holdout, holdout, holdout_scores=scores)
    fresh = reference.attach_reference(monitored_model, holdout, holdout)
    # Then both are the same reference, of the same calls
    assert reused == fresh
    assert reused["n"] == min(cap, len(holdout)) and reused["source"] == "holdout"


def _drift(model, calls, thresholds):
    from features.monitoring.report import triage_drift
    from features.monitoring.scoring import watched_scores

    scores = watched_scores(model, calls["text"].tolist())
    return triage_drift(model.info["monitor_reference"], scores, calls["received_at"], thresholds)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_unchanged_weeks_raise_no_alert(monitored_model, thresholds, seed):
    week = scenario_calls("quiet", n=700, seed=seed)
    report = _drift(monitored_model, week, thresholds)
    assert report["alerts"] == []
    assert len(report["daily"]) == 7


@pytest.mark.parametrize(
    ("scenario", "wave", "says"),
    # The small fixture model takes about half of the holiday calls (fireworks, drunk
    # trouble, gambling) for 治安, so a quarter-week wave moves the predicted 治安 share by
    # only ~6 points, under the 8-point alert; a 35 % wave moves it ~11 points.
    [("fraud_wave", 0.25, "刑事 share"), ("holiday_week", 0.35, "治安 share")],
)
def test_injected_mix_drift_fires_and_says_what_moved(
    monitored_model, thresholds, scenario, wave, says
):
    week = scenario_calls(scenario, n=700, seed=5, wave_share=wave)
    report = _drift(monitored_model, week, thresholds)
    assert report["mix"]["category"]["alert"]
    assert any(says in line for line in report["alerts"]), report["alerts"]


def test_daily_figures_cover_each_day(monitored_model, thresholds):
    week = scenario_calls("fraud_wave", n=700, seed=6)
    report = _drift(monitored_model, week, thresholds)
    days = pd.DatetimeIndex(week["received_at"]).tz_localize(None).normalize()  # local times
    assert [d["n"] for d in report["daily"]] == days.value_counts().sort_index().tolist()
    assert all(d["category"]["psi"] > 0.1 for d in report["daily"])


def test_a_shift_score_rise_alerts_in_words(thresholds):
    # Given a reference whose texts were familiar (mean unseen n-gram share 0.02)
    from features.monitoring.drift import histogram
    from features.monitoring.report import triage_drift

    rng = np.random.default_rng(0)
    ref = {"n": 1000, "mix": {}, "hist": {"shift": histogram(rng.uniform(0, 0.04, 1000), "shift")}}
    # When a week's texts hold many n-grams no training text had (a new district's names)
    scores = {"category": np.array(["dispute"] * 400), "shift": rng.uniform(0.1, 0.2, 400)}
    when = pd.Series(pd.date_range("2026-06-01", periods=400, freq="25min", tz="Asia/Shanghai"))
    report = triage_drift(ref, scores, when, thresholds)
    # Then the text section alerts and says what moved
    assert report["text"]["shift"]["alert"]
    assert any("share of unseen character n-grams 0.15 vs 0.02" in a for a in report["alerts"])
    assert report["text"]["confidence"] == {"available": False}


def test_the_reference_sample_size_widens_the_test(thresholds):
    # The same 6-point move is significant against an exact reference, not against one
    # measured on only 300 calls.
    ref = {"non_police": 0.28, "assistance": 0.72}
    labels = ["non_police"] * 340 + ["assistance"] * 660
    exact = compare_mix("category", ref, labels, thresholds.mix)
    noisy = compare_mix("category", ref, labels, thresholds.mix, ref_n=300)
    assert exact["p_value"] < 0.001 < noisy["p_value"]


@pytest.mark.parametrize("scenario", ["new_district", "new_note_style"])
def test_unfamiliar_wording_fires_the_shift_score_alert(monitored_model, thresholds, scenario):
    # Given weeks whose answers' mix hardly moves, but whose wording no training call had
    week = scenario_calls(scenario, n=700, seed=7)
    report = _drift(monitored_model, week, thresholds)
    shift = report["text"]["shift"]
    # Then the shift score rises above training's and the alert says so in words
    assert shift["available"] and shift["alert"], shift
    assert any("unseen character n-grams" in a for a in report["alerts"])


def test_quiet_week_shift_score_matches_training(monitored_model, thresholds):
    report = _drift(monitored_model, scenario_calls("quiet", n=700, seed=8), thresholds)
    shift = report["text"]["shift"]
    assert shift["available"] and not shift["alert"]
    assert abs(shift["mean"] - shift["reference_mean"]) < thresholds.text.shift_mean_rise
