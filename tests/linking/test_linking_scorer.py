"""The call linker: candidate pairs, scores, incidents, parameters."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from features.grids import GridSet
from features.linking import (
    FEATURES,
    PARAMS_PATH,
    Calls,
    Linker,
    LinkParams,
    join_incidents,
    link_calls,
    neighbour_map,
)
from training.link.fit import fit_params, pairwise_scores

FIGHT = "XX路万达广场门口，两伙人打起来了，有人拿酒瓶砸人，现在还在打。"
FIGHT_AGAIN = "我在万达广场这里，门口有一群人在打架，还有人拿瓶子砸，你们快来"
LEAK = "阳光小区3栋楼上邻居家漏水，把我家天花板泡坏了，协商不了。"


def _frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["call_id", "received_at", "text", "grid_id", "lat", "lon"])
    frame["received_at"] = pd.to_datetime(frame["received_at"]).dt.tz_localize("Asia/Shanghai")
    return frame


def _score(a: dict, b: dict, linker: Linker | None = None) -> float:
    linker = linker or Linker()
    first, second = (
        Calls.build(
            [c["t"]],
            [c["text"]],
            [c.get("grid")],
            [c.get("lat")],
            [c.get("lon")],
            [c.get("category")],
        )
        for c in (a, b)
    )
    return float(linker.score_against(second, first)[0])


def test_shipped_parameters_load_and_name_their_features() -> None:
    params = LinkParams.from_json()
    data = json.loads(PARAMS_PATH.read_text(encoding="utf-8"))
    assert data["features"] == list(FEATURES)
    assert len(params.coef) == len(FEATURES)
    assert 0.0 < params.threshold < 1.0
    assert params.trained_on


def test_parameters_with_other_features_are_refused(tmp_path) -> None:
    path = LinkParams().to_json(tmp_path / "p.json")
    data = json.loads(path.read_text())
    data["features"] = ["gap"]
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="refit"):
        LinkParams.from_json(path)


def test_a_second_caller_minutes_later_nearby_is_linked() -> None:
    a = {"t": "2025-05-01 22:10", "text": FIGHT, "grid": "G1", "lat": 24.78, "lon": 100.97}
    b = {"t": "2025-05-01 22:13", "text": FIGHT_AGAIN, "grid": "G1", "lat": 24.781, "lon": 100.971}
    assert _score(a, b) >= Linker().params.threshold


@pytest.mark.parametrize(
    "change",
    [
        {"t": "2025-05-01 23:40"},  # an hour and a half later: outside the window
        {"lat": 24.85, "lon": 101.05},  # 11 km away
    ],
)
def test_far_in_time_or_space_is_never_linked(change: dict) -> None:
    a = {"t": "2025-05-01 22:10", "text": FIGHT, "grid": "G1", "lat": 24.78, "lon": 100.97}
    b = {**a, "text": FIGHT_AGAIN, **change}
    assert _score(a, b) == 0.0


def test_direction_similar_text_same_category_and_nearness_raise_the_score() -> None:
    a = {"t": "2025-05-01 22:10", "text": FIGHT, "grid": "G1", "lat": 24.78, "lon": 100.97}
    b = {**a, "t": "2025-05-01 22:20", "text": FIGHT_AGAIN, "lat": 24.784}
    base = _score(a, b)
    assert _score(a, {**b, "text": LEAK}) < base
    assert _score({**a, "category": "public_order"}, {**b, "category": "public_order"}) > base
    assert _score({**a, "category": "public_order"}, {**b, "category": "dispute"}) < base
    assert _score(a, {**b, "t": "2025-05-01 22:12"}) > base
    assert _score(a, {**b, "lat": 24.79}) < base


def test_without_coordinates_same_and_neighbouring_grids_are_candidates() -> None:
    grids = GridSet.lattice(
        np.array([24.7]), np.array([100.9]), 2000, (24.70, 100.90, 24.80, 101.00), keep_empty=True
    )
    nb = neighbour_map(grids)
    ids = list(grids.ids)
    first = ids[len(ids) // 2]
    assert 3 <= len(nb[first]) <= 8
    linker = Linker(neighbours=nb)
    a = {"t": "2025-05-01 22:10", "text": FIGHT, "grid": first}
    near = next(iter(nb[first]))
    far = next(g for g in ids if g != first and g not in nb[first])
    assert _score(a, {**a, "t": "2025-05-01 22:12", "text": FIGHT_AGAIN}, linker) > 0.5
    assert _score(a, {**a, "t": "2025-05-01 22:12", "text": FIGHT_AGAIN, "grid": near}, linker) > 0
    assert _score(a, {**a, "t": "2025-05-01 22:12", "text": FIGHT_AGAIN, "grid": far}, linker) == 0


def test_each_call_joins_its_best_earlier_call() -> None:
    i, j = np.array([0, 1, 0, 2]), np.array([1, 2, 2, 3])
    root, parent, best = join_incidents(5, i, j, np.array([0.9, 0.6, 0.8, 0.2]), 0.5)
    assert parent.tolist() == [-1, 0, 0, -1, -1]
    assert root.tolist() == [0, 0, 0, 3, 4]
    assert best[2] == pytest.approx(0.8)


def test_link_calls_names_incidents_by_their_first_call_in_any_row_order() -> None:
    frame = _frame(
        [
            ("c3", "2025-05-01 22:14", FIGHT_AGAIN, "G1", 24.7805, 100.9701),
            ("c1", "2025-05-01 22:10", FIGHT, "G1", 24.78, 100.97),
            ("c2", "2025-05-01 22:11", LEAK, "G7", 24.70, 100.90),
        ]
    )
    got = link_calls(frame)
    assert list(got.index) == list(frame.index)
    assert got["incident_id"].tolist() == ["c1", "c1", "c2"]
    assert got["linked_to"].tolist() == ["c1", "", ""]


def test_simulated_incidents_are_found_on_a_city_it_was_not_fitted_on(link_calls_frame) -> None:
    got = link_calls(link_calls_frame)
    scores = pairwise_scores(link_calls_frame["incident_id"], got["incident_id"])
    assert scores["true_pairs"] > 100
    assert scores["precision"] > 0.9 and scores["recall"] > 0.9


def test_fit_learns_signs_that_make_sense(link_calls_frame) -> None:
    params, fit = fit_params(link_calls_frame, thresholds=np.array([0.5, 0.7, 0.9]))
    coef = dict(zip(FEATURES, params.coef, strict=True))
    assert coef["gap"] < 0 and coef["distance"] < 0
    assert coef["text"] > 0 and coef["category"] > 0
    assert params.threshold in (0.5, 0.7, 0.9)
    assert 0.0 < fit["precision"] <= 1.0 and 0.0 < fit["recall"] <= 1.0
    got = link_calls(link_calls_frame, Linker(params))
    scores = pairwise_scores(link_calls_frame["incident_id"], got["incident_id"])
    assert scores["precision"] > 0.85 and scores["recall"] > 0.85


def test_pairwise_scores_count_pairs() -> None:
    got = pairwise_scores(["a", "a", "a", "b"], ["x", "x", "y", "y"])
    # true pairs: 3 (within a); predicted: 2 (x: 1, y: 1); both: 1
    assert (got["true_pairs"], got["predicted_pairs"]) == (3, 2)
    assert got["precision"] == pytest.approx(0.5) and got["recall"] == pytest.approx(1 / 3)
