"""The plan's fast paths give the answers of the straightforward computations they replace.

Each reference below is the plain formula (a count per bin, a Gauss-Hermite mix by
interpolation, the truncated Poisson law normalised per allocation). The demo city's plan
is made twice — with the fast code and with the references patched in — and must agree:
the same units and posts in every grid and shift, figures within float32 rounding.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import features.deploy.travel as travel_module
from features.deploy.allocate import snap_to_grids
from features.deploy.geometry import GridGeometry
from features.deploy.plan import make_plan
from features.deploy.queueing import at_count, occupancy
from features.deploy.response import ShiftModel
from features.deploy.roster import Roster, RosterEntry
from features.deploy.travel import _BINS, _GH_W, _GH_Z, TravelModel, noisy_cdf

# figures of the plan are float32 tables read by float64 arithmetic: within this of the
# references (a share is a probability; p90 is in minutes)
TOLERANCE = {"share": 1e-6, "p90": 1e-4, "utilisation": 1e-9, "p_all_busy": 1e-9, "p_wait": 1e-9}


def cdf_reference(rows: np.ndarray, presorted: bool = False) -> np.ndarray:
    """Share of each row's samples counted at or below each bin (a sample counts at the
    first bin at or above it); any order of the samples."""
    pos = (np.log(np.maximum(rows, _BINS[0])) - np.log(_BINS[0])) / np.log(_BINS[1] / _BINS[0])
    first = np.sort(np.ceil(pos - 1e-9), axis=1)
    bins = np.arange(len(_BINS))
    counts = [np.searchsorted(row, bins, side="right") for row in first]
    return (np.array(counts) / rows.shape[1]).astype(np.float32)


def noisy_reference(table: np.ndarray, sigma: float) -> np.ndarray:
    """Σ_w w · table(bin − sigma z_w / Δ), the table read by linear interpolation in bins
    (0 below the first bin, the last value beyond the last)."""
    dlog = np.log(_BINS[1] / _BINS[0])
    bins = np.arange(table.shape[1], dtype=float)
    out = np.zeros(table.shape)
    for z, w in zip(_GH_Z, _GH_W, strict=True):
        at = bins - sigma * z / dlog
        for r, row in enumerate(table):
            out[r] += w * np.interp(at, bins, row, left=0.0, right=row[-1])
    return out.astype(np.float32)


def snap_reference(centres, mass, centroids) -> np.ndarray:
    """The heaviest centre first takes its nearest grid not yet taken."""
    taken = np.zeros(len(centroids), dtype=bool)
    chosen = []
    for k in np.argsort(-np.asarray(mass), kind="stable"):
        d = np.hypot(*(centroids - centres[k]).T)
        d[taken] = np.inf
        chosen.append(int(np.argmin(d)))
        taken[chosen[-1]] = True
    return np.array(chosen)


def local_within_reference(self, cs, times):
    """``ShiftModel.local_within`` with the busy-count law normalised per allocation."""
    w = self._local(times)
    fewer = np.concatenate([np.zeros_like(w[:, :1]), w[:, :-1]], axis=1)
    phi = self.follow[:, None, None, None]
    local_w = (1.0 - phi) * w + phi * fewer  # a follow-up finds one unit fewer free
    kmax = local_w.shape[1]
    a = self.load()[:, None]
    pi = occupancy(a, cs[:, :, None, None], int(cs.max(initial=0)))
    c4 = cs[:, :, None, None]
    blocked = self.blocked_seen(c4, a, at_count(pi, c4))
    k = cs[:, :, None] - np.arange(pi.shape[-1])
    lw = local_w[np.arange(len(cs))[:, None, None], np.clip(k, 1, kmax) - 1]
    lw = np.where((k >= 1)[..., None, None], lw, 0.0)
    return blocked, np.einsum("gvhrn,gvnht->gvhrt", pi, lw)


def test_cdf_table_counts_every_sample_at_its_bin():
    rng = np.random.default_rng(3)
    rows = rng.lognormal(6.0, 1.8, size=(40, 64))
    rows[0, :5] = 0.5  # below the first bin
    rows[1, -3:] = 5e5  # beyond the last bin
    rows[2] = _BINS[100]  # exactly on a bin
    got = TravelModel.cdf_table(rows)  # unsorted rows are sorted first
    assert got.dtype == np.float32
    assert np.array_equal(got, cdf_reference(rows))


@pytest.mark.parametrize("sigma", [0.0, 0.05, 0.3, 0.8])
def test_noisy_cdf_is_the_gauss_hermite_mix_of_shifted_tables(sigma):
    rows = np.random.default_rng(4).lognormal(6.0, 1.0, size=(6, 48))
    base = TravelModel.cdf_table(rows)
    assert noisy_cdf(base, sigma) == pytest.approx(noisy_reference(base, sigma), abs=2e-6)


def test_local_within_matches_the_per_allocation_law(travel):
    g = len(travel.geometry)
    hours = np.arange(16, 24)
    speed = np.tile(travel.params.speed_m_per_min("car", hours), (g, 1))
    lam = np.random.default_rng(5).uniform(0.1, 4.0, size=(g, 8))
    travel.set_posts(np.zeros((0, 2)))
    model = ShiftModel(travel, lam, hours, np.full(g, 0.1), speed, speed[0], 5.0)
    model.follow = np.linspace(0.0, 0.3, g)
    cs = np.arange(g)[:, None] % 3 + np.arange(0, 12)[None, :]  # includes 0 units
    times = np.array([3.0, 5.0, 9.0])
    blocked, reach = model.local_within(cs, times)
    ref_blocked, ref_reach = local_within_reference(model, cs, times)
    assert blocked == pytest.approx(ref_blocked, rel=1e-12, abs=1e-15)
    assert reach == pytest.approx(ref_reach, rel=1e-12, abs=1e-15)


def test_snapping_posts_to_grids_takes_each_centres_nearest_free_grid():
    rng = np.random.default_rng(6)
    lattice = np.stack(np.meshgrid(np.arange(12.0), np.arange(10.0)), -1).reshape(-1, 2) * 1000
    centres = rng.uniform(0, 11_000, size=(40, 2))
    centres[:6] = lattice[[0, 0, 0, 5, 5, 60]] + 500.0  # equidistant grids, shared nearest
    mass = rng.integers(1, 4, size=40).astype(float)  # ties in the order of choice
    got = snap_to_grids(centres, mass, lattice)
    assert len(set(got)) == 40
    assert np.array_equal(got, snap_reference(centres, mass, lattice))


@pytest.fixture(scope="module")
def demo_city():
    from training.simulator.city import build_city

    city = build_city(51, 0)
    geo = GridGeometry.from_polygons(city.grid_ids, [g.polygon for g in city.grids])
    hours = pd.date_range("2025-06-02", periods=24, freq="h", tz="Asia/Shanghai")
    shape = np.where((hours.hour >= 8) & (hours.hour <= 22), 1.4, 0.5)
    mean = np.asarray(city.base_rates)[:, None] / 24 * shape[None, :]
    mean = mean * np.random.default_rng(0).uniform(0.7, 1.3, size=mean.shape)
    sd = np.sqrt(mean + 0.05 * mean**2)
    forecast = pd.DataFrame(
        {
            "grid_id": np.repeat(city.grid_ids, len(hours)),
            "hour": np.tile(hours, len(city.grid_ids)),
            "mean": mean.ravel(),
            "p10": np.floor(np.maximum(mean - 1.28 * sd, 0)).ravel(),
            "p90": np.ceil(mean + 1.28 * sd).ravel(),
        }
    )
    return city, geo, forecast


def _roster(ids) -> Roster:
    entries = [RosterEntry(s, 90, "car") for s in (1, 2, 3)]
    entries += [RosterEntry(s, 20, "motorbike") for s in (1, 2, 3)]
    entries += [RosterEntry(1, 3, "foot", ids[0]), RosterEntry(2, 4, "car", ids[5])]
    return Roster(entries)


@pytest.mark.parametrize("case", ["units", "roster"])
def test_demo_city_plan_equals_the_reference_computation(demo_city, monkeypatch, case):
    city, geo, forecast = demo_city
    roster = Roster.uniform(120, 3) if case == "units" else _roster(city.grid_ids)

    def plan():
        return make_plan(forecast, geo, roster, shifts=3, travel=TravelModel(geo))

    fast = plan()
    monkeypatch.setattr(TravelModel, "cdf_table", staticmethod(cdf_reference))
    monkeypatch.setattr(travel_module, "noisy_cdf", noisy_reference)
    monkeypatch.setattr(ShiftModel, "local_within", local_within_reference)
    slow = plan()
    for f, s in zip(fast.shifts, slow.shifts, strict=True):
        assert np.array_equal(f.units, s.units)
        assert np.array_equal(f.posts, s.posts)
        assert np.array_equal(f.post_units, s.post_units)
        for key, tol in TOLERANCE.items():
            got, want = getattr(f.result, key), getattr(s.result, key)
            assert np.nanmax(np.abs(got - want)) <= tol, key
