"""The queue, travel and allocation pieces against known values and their own promises."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import shapely

from features.deploy.allocate import (
    equal_plan,
    largest_remainder,
    marginal_allocation,
    proportional_plan,
    standby_posts,
)
from features.deploy.geometry import GridGeometry
from features.deploy.queueing import (
    at_count,
    busy_cap,
    erlang_b,
    nearest_backup_within,
    occupancy,
)
from features.deploy.response import ShiftModel
from features.deploy.travel import TravelModel, TravelParams, noisy_cdf


@pytest.mark.parametrize(
    ("c", "a", "expected"),
    [(1, 1.0, 0.5), (2, 1.0, 0.2), (5, 3.0, 0.110054), (10, 5.0, 0.018385), (0, 2.0, 1.0)],
)
def test_erlang_b_known_values(c, a, expected):
    assert erlang_b(c, a) == pytest.approx(expected, abs=1e-5)


def test_occupancy_is_truncated_poisson_with_erlang_b_at_the_top():
    a = np.array([0.3, 1.0, 4.0])
    c = np.array([1, 3, 6])
    pi = occupancy(a, c, 6)
    assert pi.sum(axis=1) == pytest.approx(np.ones(3))
    assert pi[np.arange(3), c] == pytest.approx(erlang_b(c, a))
    assert pi[0, 2:].sum() == 0


def test_huge_fleets_stop_at_the_busy_cap_with_the_same_answer():
    a = np.array([0.5, 4.0, 30.0])
    c = np.array([100_000, 100_000, 100_000])
    cap = busy_cap(a)
    assert cap < 200
    pi = occupancy(a, c, int(c.max()))  # would be 100,001 counts without the cap
    assert pi.shape == (3, cap + 1)
    exact = occupancy(a, np.full(3, cap), cap)
    assert pi == pytest.approx(exact)
    assert at_count(pi, c) == pytest.approx(np.zeros(3))
    assert erlang_b(c, a) == pytest.approx(erlang_b(np.full(3, cap), a), abs=1e-15)
    assert at_count(pi, np.array([1, 3, 30])) == pytest.approx(pi[np.arange(3), [1, 3, 30]])


def _square(side: float) -> GridGeometry:
    # a square near the equator, side in metres
    deg = side / 111_195.0
    return GridGeometry.from_polygons(["A"], [shapely.box(0, 0, deg, deg)])


def test_mean_distance_between_two_uniform_points_of_a_square():
    travel = TravelModel(_square(1000.0), kmax=4, samples=4096, seed=1)
    # the classic square line picking constant: 0.5214 x side
    assert travel.near_[0, 0].mean() == pytest.approx(521.4, rel=0.03)
    means = travel.near_[0].mean(axis=1)
    assert np.all(np.diff(means) < 0)  # the nearest of more units is nearer
    # nearest of k uniform points falls roughly like 1/sqrt(k)
    assert means[3] / means[0] == pytest.approx(0.5, abs=0.12)


def test_triangle_sampling_is_uniform_inside_a_non_convex_polygon():
    from features.deploy.geometry import points_in_triangles
    from features.deploy.travel import auto_samples

    # an L of three unit squares (metres): no point outside, each square a third of them
    ell = shapely.Polygon([(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)])
    pts = points_in_triangles(ell, 30_000, np.random.default_rng(3))
    assert shapely.contains_xy(ell.buffer(1e-9), pts[:, 0], pts[:, 1]).all()
    right = (pts[:, 0] > 1).mean()
    top = (pts[:, 1] > 1).mean()
    assert right == pytest.approx(1 / 3, abs=0.01) and top == pytest.approx(1 / 3, abs=0.01)
    assert pts.mean(axis=0) == pytest.approx([5 / 6, 5 / 6], abs=0.01)  # the L's centroid
    # and the travel model's pairs in a square: the line-picking constant as before
    travel = TravelModel(_square(1000.0), kmax=2, samples=4096, seed=2)
    assert travel.near_[0, 0].mean() == pytest.approx(521.4, rel=0.02)
    # samples per grid: many for a city, 192 for thousands of grids
    assert auto_samples(51) == 1024 and auto_samples(2000) == 192
    assert auto_samples(200) == 2**16 // 200


def test_share_within_counts_samples_under_the_budget():
    rows = np.sort(np.random.default_rng(0).uniform(0, 100, size=(3, 200)), axis=1)
    got = TravelModel.share_within(TravelModel.cdf_table(rows), np.full(3, 50.0))
    assert got == pytest.approx((rows <= 50).mean(axis=1), abs=0.01)


def test_spread_out_cdf_matches_a_monte_carlo_of_the_noise():
    rng = np.random.default_rng(1)
    d = np.sort(rng.uniform(100, 2000, size=(1, 4000)), axis=1)
    table = noisy_cdf(TravelModel.cdf_table(d), 0.4)
    noisy = d[0] * np.exp(0.4 * rng.standard_normal(4000))
    for x in (300.0, 800.0, 1500.0):
        got = TravelModel.share_within(table, np.array([x]))[0]
        assert got == pytest.approx((noisy <= x).mean(), abs=0.02)


def _model(travel, lam_scale=1.0, target=5.0):
    g = len(travel.geometry)
    hours = np.arange(8, 16)
    params = travel.params
    speed = np.tile(params.speed_m_per_min("car", hours), (g, 1))
    lam = np.full((g, 8), 0.5 * lam_scale)
    travel.set_posts(np.zeros((0, 2)))
    return ShiftModel(travel, lam, hours, np.full(g, 0.05), speed, speed[0], target)


def test_more_units_and_a_longer_target_reach_more_calls(travel):
    g = len(travel.geometry)
    model = _model(travel)
    one = model.evaluate(np.ones(g, int), np.zeros(0, int))
    three = model.evaluate(np.full(g, 3), np.zeros(0, int))
    assert np.all(three.share >= one.share - 1e-9)
    assert three.share.mean() > one.share.mean() + 0.02
    assert np.all(three.p90 <= one.p90 + 1e-9)
    assert np.all(three.p_all_busy < one.p_all_busy)
    longer = _model(travel, target=8.0).evaluate(np.ones(g, int), np.zeros(0, int))
    assert np.all(longer.share >= one.share)
    assert np.all((one.share > 0) & (one.share < 1))


def test_follow_up_calls_find_one_more_unit_busy(travel):

    g = len(travel.geometry)
    model = _model(travel)
    c = np.array([1, 2, 3])
    a = np.array([0.4, 1.0, 2.5])
    pi = occupancy(a, c, 3)
    phi = np.array([0.0, 0.5, 1.0])
    model.follow = phi
    # what calls find: a follow-up finds its first call's state plus one (capped at c)
    seen = (1 - phi[:, None]) * pi
    for i in range(3):
        for n in range(c[i] + 1):
            seen[i, min(n + 1, c[i])] += phi[i] * pi[i, n]
    assert seen.sum(axis=1) == pytest.approx(np.ones(3))
    b = erlang_b(c, a)
    assert model.blocked_seen(c, a, b) == pytest.approx(seen[np.arange(3), c])
    # the local reach with k free units, mixed on the k axis, equals the reach under `seen`
    w = np.array([0.5, 0.7, 0.8])  # share within the target with 1, 2, 3 free units
    mixed = model._seen_local(np.tile(w, (3, 1)))[:, 1:]  # k = 1, 2, 3 (column 0: none free)
    for i in range(3):
        want = sum(seen[i, n] * w[c[i] - n - 1] for n in range(c[i]))
        got = sum(pi[i, n] * mixed[i, c[i] - n - 1] for n in range(c[i]))
        assert got == pytest.approx(want)
    # through the whole model: follow-ups lower the share, most where units are few
    ids = list(travel.geometry.ids)
    old = travel.params
    try:
        travel.params = replace(old, follow_share=0.0)
        base = _model(travel).evaluate(np.ones(g, int), np.zeros(0, int))
        travel.params = replace(old, follow_share=0.1, follow_share_by_grid={ids[0]: 0.3})
        model = _model(travel)
        assert model.follow[0] == 0.3 and model.follow[1] == 0.1
        bursty = model.evaluate(np.ones(g, int), np.zeros(0, int))
    finally:
        travel.params = old
    assert np.all(bursty.share < base.share) and np.all(bursty.p_all_busy > base.p_all_busy)
    assert base.share[0] - bursty.share[0] > base.share[1] - bursty.share[1]
    assert np.all(bursty.utilisation >= base.utilisation - 1e-12)  # more overflow to carry


def test_a_grid_s_own_dispatch_share_and_time_on_scene_set_its_load(travel):
    g = len(travel.geometry)
    ids = list(travel.geometry.ids)
    old = travel.params
    c = np.ones(g, int)
    try:
        travel.params = replace(old, dispatch_share=0.7, on_scene_min=28.0)
        city = _model(travel)
        travel.params = replace(
            old,
            dispatch_share=0.7,
            on_scene_min=28.0,
            dispatch_share_by_grid={ids[0]: 0.84},
            on_scene_by_grid={ids[0]: 33.6},
        )
        own = _model(travel)
    finally:
        travel.params = old
    assert own.lam[0] == pytest.approx(1.2 * city.lam[0]) and np.allclose(
        own.lam[1:], city.lam[1:]
    )
    assert own.service[0] == pytest.approx(city.service[0] + 5.6)
    assert own.load()[0].mean() > 1.4 * city.load()[0].mean()
    busy, calm = own.evaluate(c, np.zeros(0, int)), city.evaluate(c, np.zeros(0, int))
    assert busy.p_all_busy[0] > calm.p_all_busy[0] and busy.share[0] < calm.share[0]


def test_heavier_load_means_more_blocking_and_a_lower_share(travel):
    g = len(travel.geometry)
    light = _model(travel).evaluate(np.ones(g, int), np.zeros(0, int))
    heavy = _model(travel, lam_scale=6.0).evaluate(np.ones(g, int), np.zeros(0, int))
    assert np.all(heavy.p_all_busy > light.p_all_busy)
    assert heavy.share.mean() < light.share.mean()
    assert np.all(heavy.utilisation > light.utilisation)


def test_marginal_allocation_respects_total_and_minimum_and_beats_equal(travel):
    g = len(travel.geometry)
    model = _model(travel)
    rng = np.random.default_rng(3)
    model.lamr = model.lamr * rng.uniform(0.2, 3.0, size=(g, 1, 1))  # uneven demand
    minimum = np.ones(g, dtype=np.int64)
    plan = marginal_allocation(model, 3 * g, minimum, np.zeros(0, int))
    assert plan.sum() == 3 * g and np.all(plan >= 1)
    calls = model.lamr.mean(axis=2).sum(axis=1)

    def reached(units):
        return float((model.evaluate(units, np.zeros(0, int)).share * calls).sum())

    assert reached(plan) >= reached(equal_plan(3 * g, minimum, calls)) - 1e-9
    assert reached(plan) >= reached(proportional_plan(3 * g, minimum, calls)) - 1e-9


def test_a_unit_that_backs_up_busy_neighbours_is_worth_more_than_its_own_calls(travel):
    from features.deploy.allocate import backup_value

    g = len(travel.geometry)
    model = _model(travel, lam_scale=4.0)
    c = np.ones(g, dtype=np.int64)
    model.settle_inflow(c, np.zeros(0, int))
    model.backup_chain(c, np.zeros(0, int), np.array([model.target]))
    cs = 1 + np.arange(4)[None, :].repeat(g, axis=0)
    value = backup_value(model, cs)
    assert value.shape == (g, 4) and np.all(value > 0)
    assert np.all(np.diff(value, axis=1) > 0)  # more units: more often one free for them
    # no neighbour ever blocked: nothing to back up
    model.backups_[3][...] = 0.0
    assert np.allclose(backup_value(model, cs), 0.0)


def test_reference_plans_and_remainders():
    assert largest_remainder(np.array([1.0, 1.0, 2.0]), 5).tolist() == [1, 1, 3]
    assert equal_plan(7, np.ones(3, int), np.array([1.0, 5.0, 2.0])).tolist() == [2, 3, 2]
    prop = proportional_plan(10, np.ones(3, int), np.array([0.0, 1.0, 3.0]))
    assert prop.sum() == 10 and prop.min() >= 1 and prop[2] > prop[1]


def test_standby_posts_go_where_the_demand_is():
    cent = np.array([[0.0, 0.0], [100.0, 0.0], [5000.0, 0.0], [5100.0, 0.0]])
    posts = standby_posts(np.array([1.0, 1.0, 50.0, 50.0]), cent, 1)
    assert posts.tolist()[0] in (2, 3)
    two = standby_posts(np.array([1.0, 1.0, 1.0, 1.0]), cent, 2)
    assert len(set(two.tolist())) == 2 and {int(two[0] >= 2), int(two[1] >= 2)} == {0, 1}


def test_travel_params_speed_by_hour_and_kind():
    p = TravelParams()
    rush, noon = p.speed_m_per_min("car", [8, 12])
    assert rush < noon
    foot_rush, foot_noon = p.speed_m_per_min("foot", [8, 12])
    assert foot_rush == foot_noon < rush


def test_a_blocked_call_gets_the_nearest_free_backup_not_the_first_in_a_fixed_order():
    # two backups, each free half the time; the first reaches 60 % of calls in time, the
    # second 90 %: the nearest free one answers, so the call is late only when no free
    # backup would be in time
    avail = np.array([0.5, 0.5]).reshape(1, 2, 1, 1)
    within = np.array([0.6, 0.9]).reshape(1, 2, 1, 1)
    got, none_free = nearest_backup_within(avail, within)
    assert got.shape == (1, 1, 1, 1)
    assert got[0, 0, 0, 0] == pytest.approx(1 - (1 - 0.3) * (1 - 0.45))
    assert none_free[0, 0, 0] == pytest.approx(0.25)
    first_in_order = 0.5 * 0.6 + 0.5 * 0.5 * 0.9
    assert got[0, 0, 0, 0] > first_in_order
    # the order of the backups does not matter; no backup ever free reaches no one
    assert nearest_backup_within(avail[:, ::-1], within[:, ::-1])[0] == pytest.approx(got)
    assert np.all(nearest_backup_within(np.zeros_like(avail), within)[0] == 0)


def test_a_follow_up_whose_incident_took_the_nearest_backup_gets_the_next_one():
    # mix: 70 % of the blocked calls find every backup as usual, 20 % find the nearest
    # taken by their own incident's earlier call, 10 % both backups taken (they wait)
    avail = np.array([0.8, 0.5]).reshape(1, 2, 1, 1)
    within = np.array([0.9, 0.6]).reshape(1, 2, 1, 1)
    mix = np.array([0.7, 0.2, 0.1]).reshape(3, 1, 1, 1)
    got, none_free = nearest_backup_within(avail, within, mix)
    both = 1 - (1 - 0.8 * 0.9) * (1 - 0.5 * 0.6)
    second = 0.5 * 0.6
    assert got[0, 0, 0, 0] == pytest.approx(0.7 * both + 0.2 * second)
    assert none_free[0, 0, 0] == pytest.approx(0.7 * 0.2 * 0.5 + 0.2 * 0.5 + 0.1)


def test_follow_up_depth_matches_the_busy_law_seen_by_calls(travel):
    # a follow-up with m earlier calls of its incident in service finds the others' state
    # plus m: blocked when n >= c - m, with m - (c - n) backups taken by its incident
    model = _model(travel)
    c = np.array([1, 2, 3])
    a = np.array([0.4, 1.0, 2.5])
    pi = occupancy(a, c, 3)
    phi, depth = np.array([0.1, 0.5, 1.0]), (0.5, 0.3, 0.2)
    model.follow, model.depth = phi, depth
    b = erlang_b(c, a)
    weights = model.follow_weights(c, a, b)  # (D + 1, 3)
    want = np.zeros((4, 3))
    want[0] = (1 - phi) * b
    for i in range(3):
        for m, q in enumerate(depth, start=1):
            for n in range(max(c[i] - m, 0), c[i] + 1):
                want[m - (c[i] - n), i] += phi[i] * q * pi[i, n]
    assert weights == pytest.approx(want)
    assert model.blocked_seen(c, a, b) == pytest.approx(want.sum(axis=0))
    # the reach of k free units, mixed on the k axis: (1 - phi) w(k) + phi sum q_m w(k - m)
    w = np.array([0.5, 0.7, 0.8])
    mixed = model._seen_local(np.tile(w, (3, 1)))  # k = 0..3
    full = np.concatenate([[0.0], w])
    for i in range(3):
        for k in range(4):
            lag = sum(q * full[k - m] for m, q in enumerate(depth, start=1) if k - m >= 0)
            assert mixed[i, k] == pytest.approx((1 - phi[i]) * full[k] + phi[i] * lag)
