"""Travel time from the nearest free patrolling unit to a call, per grid, hour and unit kind.

A patrolling unit is anywhere in its grid (uniform over the polygon) and so is the call;
the drive from the nearest of ``k`` free units is ``road_factor × straight distance /
speed(hour, kind)`` times a log-normal spread for lights and traffic, plus the dispatcher's
handling time (``received_at`` → ``dispatched_at``). Distances come from Monte-Carlo
samples of each polygon (the classic geometric-probability approach to patrol response,
Larson & Odoni, *Urban Operations Research*, 1981, ch. 3); nearest-of-``k`` falls like
``1/sqrt(k)`` as the theory says, but the samples keep each polygon's own shape.

``TravelModel.within(kind_of_row, budget)`` answers "what share of calls are reached
within ``T`` minutes" for any component (own grid with ``k`` free units, a neighbour's
unit, a standby post) with one vectorised ``searchsorted`` on row-offset samples.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from features.deploy.geometry import GridGeometry
from features.errors import UserError

__all__ = [
    "UNIT_KINDS",
    "TravelModel",
    "auto_samples",
    "TravelParams",
    "bin_positions",
    "default_hour_factor",
    "read_cdf",
]

UNIT_KINDS = ("car", "motorbike", "foot")
DEFAULT_SPEED_KMH = {"car": 30.0, "motorbike": 26.0, "foot": 5.0}
# how strongly each kind feels congestion (cars fully, motorbikes filter through, feet not)
RUSH_SENSITIVITY = {"car": 1.0, "motorbike": 0.4, "foot": 0.0}
# Gauss-Hermite nodes for the log-normal spread of travel time given distance
_GH_Z, _GH_W = np.polynomial.hermite_e.hermegauss(7)
_GH_W = _GH_W / _GH_W.sum()
# distances at which each sample row's CDF is tabulated: 5 m to 100 km, log-spaced (2 %)
_BINS = np.geomspace(5.0, 100_000.0, 500)
_LOG0 = float(np.log(_BINS[0]))
_DLOG = float(np.log(_BINS[1] / _BINS[0]))


def default_hour_factor() -> tuple[float, ...]:
    """Car speed by hour of day relative to the daytime norm: rush hours slower, night faster."""
    f = np.ones(24)
    f[[0, 1, 2, 3, 4, 5]] = 1.25
    f[[7, 8, 17, 18]] = 0.7
    f[[9, 16, 19]] = 0.85
    return tuple(float(x) for x in f)


@dataclass
class TravelParams:
    """Fitted or default travel parameters (logged with every plan)."""

    road_factor: float = 1.35
    handling_min: float = 1.0
    speed_kmh: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SPEED_KMH))
    hour_factor: tuple[float, ...] = field(default_factory=default_hour_factor)
    sigma: float = 0.3
    on_scene_min: float = 30.0
    dispatch_share: float = 1.0  # share of forecast calls that get a unit (not diverted)
    # per grid where the calls say (its own mix of categories and dispositions)
    on_scene_by_grid: dict[str, float] = field(default_factory=dict)
    dispatch_share_by_grid: dict[str, float] = field(default_factory=dict)
    # share of dispatched calls that follow an earlier call of the same incident (a fire
    # or a fight reported by several callers): they come while that call's unit is busy
    follow_share: float = 0.0
    follow_share_by_grid: dict[str, float] = field(default_factory=dict)
    # of those follow-ups, the shares that find 1, 2, 3, 4+ earlier calls of their incident
    # in their grid still being served (each holds a unit: the grid's, or a backup)
    follow_depth: tuple[float, ...] = (1.0,)
    # units per grid in the calibration history (fitted from the drives; logged, not used
    # for plans, whose units are the roster's)
    history_fleet: dict[str, int] = field(default_factory=dict)
    source: str = "defaults"

    def by_grid(self, name: str, ids) -> np.ndarray:
        """``name``'s per-grid values (``follow_share``, ``on_scene``, ``dispatch_share``)
        for grids ``ids``, the city's value where a grid has none."""
        city = getattr(self, "on_scene_min" if name == "on_scene" else name)
        table = getattr(self, f"{name}_by_grid")
        return np.array([table.get(str(g), city) for g in ids], dtype=float)

    def speed_m_per_min(self, kind: str, hours) -> np.ndarray:
        """Speed in metres per minute for unit ``kind`` at hours of day ``hours``."""
        if kind not in self.speed_kmh:
            raise UserError(f"unit kind {kind!r} is not one of {', '.join(self.speed_kmh)}")
        factor = np.asarray(self.hour_factor, dtype=float)[np.asarray(hours, dtype=int)]
        factor = 1.0 + RUSH_SENSITIVITY.get(kind, 1.0) * (factor - 1.0)
        return self.speed_kmh[kind] * 1000.0 / 60.0 * factor

    def to_dict(self) -> dict:
        out = asdict(self)
        out["hour_factor"] = [round(x, 4) for x in self.hour_factor]
        out["follow_depth"] = [round(x, 4) for x in self.follow_depth]
        for name in ("follow_share_by_grid", "on_scene_by_grid", "dispatch_share_by_grid"):
            out[name] = {g: round(v, 4) for g, v in getattr(self, name).items()}
        return out


class TravelModel:
    """Sorted distance samples per grid for the nearest of ``k`` free local units, for a
    unit of each of the ``neighbours`` nearest grids, and (``set_posts``) for standby posts.

    Attributes after construction: ``near_`` ``(G, kmax, M)`` metres, ``nb_idx_`` ``(G, L)``,
    ``nb_`` ``(G, L, M)``; after ``set_posts``: ``post_idx_`` ``(G, Q)`` (index into the
    posts), ``post_`` ``(G, Q, M)``.
    """

    def __init__(
        self,
        geometry: GridGeometry,
        params: TravelParams | None = None,
        *,
        kmax: int = 12,
        samples: int | None = None,
        neighbours: int = 4,
        seed: int = 0,
    ) -> None:
        self.geometry = geometry
        self._params = params or TravelParams()
        self._post_tables = self._fixed_tables = None
        self.kmax = int(kmax)
        self.samples = int(samples) if samples else auto_samples(len(geometry))
        rng = np.random.default_rng(seed)
        m = self.samples
        # float32 metres (millimetres at city scale): half the memory traffic of the
        # distance and sorting passes, which dominate the model's set-up
        calls = geometry.sample(m, rng, triangles=True).astype(np.float32)  # (G, M, 2)
        self.call_points_ = calls
        # the units of call sample i: points i, i + s, i + 2s, ... of a pool of 2M (s = 2M /
        # kmax), so the k units of one sample are distinct draws, and the first unit of
        # every sample its own: 2M points per grid drawn instead of kmax M
        pool = geometry.sample(2 * m, rng, triangles=True).astype(np.float32)
        step = max(2 * m // self.kmax, 1)
        units = pool[:, (np.arange(m)[:, None] + step * np.arange(self.kmax)) % (2 * m)]
        d = np.hypot(units[..., 0] - calls[:, :, None, 0], units[..., 1] - calls[:, :, None, 1])
        near = np.minimum.accumulate(d, axis=2)  # nearest of the first k units
        self.near_ = np.sort(near.transpose(0, 2, 1), axis=2)
        self.nb_idx_, _ = geometry.neighbours(neighbours)
        own = units[:, :, 0, :]  # one uniform unit per sample in each grid
        nb_units = own[self.nb_idx_]  # (G, L, M, 2)
        dn = np.hypot(
            nb_units[..., 0] - calls[:, None, :, 0], nb_units[..., 1] - calls[:, None, :, 1]
        )
        self.nb_ = np.sort(dn, axis=2).astype(np.float32)
        self.post_idx_ = np.zeros((len(geometry), 0), dtype=np.int64)
        self.post_ = np.zeros((len(geometry), 0, m), dtype=np.float32)

    @property
    def params(self) -> TravelParams:
        return self._params

    @params.setter
    def params(self, value: TravelParams) -> None:
        self._params = value
        self._post_tables = self._fixed_tables = None  # the spread is baked into the tables

    def set_posts(self, post_xy: np.ndarray, nearest: int = 3) -> None:
        """Distances from standby posts (``(P, 2)`` metres) to each grid's calls."""
        post_xy = np.asarray(post_xy, dtype=float).reshape(-1, 2)
        if len(post_xy) == 0:
            self.post_idx_ = np.zeros((len(self.geometry), 0), dtype=np.int64)
            self.post_ = np.zeros((len(self.geometry), 0, self.samples), dtype=np.float32)
            self._post_tables = None
            return
        cent = self.geometry.centroids()
        q = min(nearest, len(post_xy))
        dc = np.hypot(
            cent[:, None, 0] - post_xy[None, :, 0], cent[:, None, 1] - post_xy[None, :, 1]
        )
        idx = np.argsort(dc, axis=1, kind="stable")[:, :q]
        px = post_xy[idx]  # (G, Q, 2)
        calls = self.call_points_
        dp = np.hypot(
            px[:, :, None, 0] - calls[:, None, :, 0], px[:, :, None, 1] - calls[:, None, :, 1]
        )
        self.post_idx_ = idx
        self.post_ = np.sort(dp, axis=2).astype(np.float32)
        self._post_tables = None

    # ------------------------------------------------------------------ evaluation
    def components(self) -> np.ndarray:
        """All sample rows stacked ``(G, kmax + L + Q, M)``: local k=1..kmax, neighbours, posts."""
        return np.concatenate([self.near_, self.nb_, self.post_], axis=1)

    def split_tables(self) -> tuple[np.ndarray, np.ndarray]:
        """Noise-averaged CDF tables (see ``noisy_cdf``): ``(G, kmax + L, B)`` for the own
        grid's units and the neighbours' (cached until the parameters change) and
        ``(G, Q, B)`` for the standby posts (until the posts change)."""
        g, m = self.near_.shape[0], self.samples
        if self._fixed_tables is None:
            fixed = self.cdf_table(
                np.concatenate([self.near_, self.nb_], axis=1).reshape(-1, m), presorted=True
            )
            self._fixed_tables = noisy_cdf(fixed, self.params.sigma).reshape(g, -1, len(_BINS))
        if self._post_tables is None:
            posts = self.cdf_table(self.post_.reshape(-1, m), presorted=True)
            self._post_tables = noisy_cdf(posts, self.params.sigma).reshape(g, -1, len(_BINS))
        return self._fixed_tables, self._post_tables

    def tables(self) -> np.ndarray:
        """The tables of ``components()`` ``(G * C, B)``: ``split_tables`` stacked."""
        return np.concatenate(self.split_tables(), axis=1).reshape(-1, len(_BINS))

    def reach_m(self, minutes, speed_m_per_min) -> np.ndarray:
        """Straight-line reach in metres within ``minutes`` at the median travel speed."""
        p = self.params
        drive = np.maximum(np.asarray(minutes, dtype=np.float32) - p.handling_min, 0.0)
        return drive * np.asarray(speed_m_per_min, dtype=np.float32) / np.float32(p.road_factor)

    @staticmethod
    def cdf_table(rows: np.ndarray, presorted: bool = False) -> np.ndarray:
        """Empirical CDF of each row ``(R, M)`` on the log-spaced ``_BINS``: each sample is
        counted at the first bin at or above it. Sorted rows (``presorted``: the model's
        own sample rows are) make a row's table the step ``k / M`` held from its ``k``-th
        sample's bin to the next one's: one ``np.repeat`` writes every row (float32, no
        count matrix)."""
        r, m = rows.shape
        nb = len(_BINS)
        if r == 0:
            return np.zeros((0, nb), dtype=np.float32)
        if not presorted:
            rows = np.sort(rows, axis=1)
        pos = np.log(np.maximum(rows, _BINS[0]))
        pos -= _LOG0
        pos /= _DLOG
        pos -= 1e-9
        first = np.clip(np.ceil(pos, out=pos), 0, nb, out=pos).astype(np.int64)  # nb: beyond
        held = np.empty((r, m + 1), dtype=np.int64)  # bins each step k / M is held for
        held[:, 0] = first[:, 0]
        np.subtract(first[:, 1:], first[:, :-1], out=held[:, 1:m])
        held[:, m] = nb - first[:, -1]
        steps = (np.arange(m + 1) / m).astype(np.float32)
        return np.repeat(np.tile(steps, r), held.ravel()).reshape(r, nb)

    @staticmethod
    def share_within(table: np.ndarray, reach: np.ndarray) -> np.ndarray:
        """``table[r]`` at distance ``reach[r, ...]`` (linear between the log-spaced bins).

        ``table`` is ``(R, B)`` (``cdf_table`` or ``noisy_cdf``); ``reach`` is ``(R, ...)``.
        """
        r = table.shape[0]
        rows = np.arange(r).reshape((r,) + (1,) * (reach.ndim - 1))
        return read_cdf(table, rows, *bin_positions(reach))


def auto_samples(grids: int) -> int:
    """Distance samples per grid: ``2**16`` spread over the grids, 192 to 1,024.

    Each grid's share within the target is read from its own samples, so their Monte-Carlo
    error is that grid's error: with 192 samples a one-unit grid's share within five minutes
    was off by 2.3-2.9 points (root mean square over the demo city's 51 grids, three seeds,
    against 32,768 samples; up to 8 points in one grid), with 1,024 by 0.9-1.3 (at most
    3.0; 2,048: 0.7, at most 1.9, for twice the set-up time). A city of hundreds of grids
    keeps the cheaper count (its plan time is dominated by the samples)."""
    return int(np.clip(2**16 // max(int(grids), 1), 192, 1024))


def bin_positions(reach) -> tuple[np.ndarray, np.ndarray]:
    """Fractional bin index of ``reach`` metres on the log-spaced bins, and where it lies
    below the first bin (nothing is that near). Positions of a few distinct reaches are
    computed once and broadcast over the table rows that share them (``read_cdf``)."""
    reach = np.asarray(reach)
    pos = (np.log(np.maximum(reach, _BINS[0])) - _LOG0) / _DLOG
    return np.minimum(pos, len(_BINS) - 1.000001).astype(np.float32), reach < _BINS[0]


def read_cdf(table: np.ndarray, rows, pos: np.ndarray, below: np.ndarray) -> np.ndarray:
    """Rows ``rows`` of the (contiguous) tables ``table`` (``(..., B)``, rows counted over
    every axis but the last) at bin positions ``pos`` from ``bin_positions``, linear between
    bins; ``rows``, ``pos`` and ``below`` broadcast together."""
    nb = table.shape[-1]
    lo = pos.astype(np.int64)
    frac = pos - lo
    flat = table.reshape(-1)
    at = np.asarray(rows) * nb + lo
    got = flat[at] * (1 - frac) + flat[at + 1] * frac
    return np.where(below, np.float32(0.0), got)


def noisy_cdf(table: np.ndarray, sigma: float) -> np.ndarray:
    """``P(D × exp(sigma Z) ≤ bin)`` from ``P(D ≤ bin)``: a log-normal spread is a shift in
    log distance, so the spread-out CDF is a Gauss-Hermite mix of shifted tables. Each
    node's shift lies between two whole numbers of bins; their weights are summed per
    whole shift, and every shifted table is a slice of one padded table added in place
    (no gathers, one scratch table)."""
    r, nb = table.shape
    offsets = -sigma * _GH_Z / _DLOG  # D e^{sigma z} <= bin  <=>  D <= bin e^{-sigma z}
    pad = int(np.ceil(np.abs(offsets).max())) + 2
    weight: dict[int, float] = {}
    for off, w in zip(offsets, _GH_W, strict=True):
        lo = int(np.floor(off))
        weight[lo] = weight.get(lo, 0.0) + w * (1.0 - (off - lo))
        weight[lo + 1] = weight.get(lo + 1, 0.0) + w * (off - lo)
    padded = np.empty((r, nb + 2 * pad), dtype=np.float32)
    padded[:, :pad] = 0.0
    padded[:, pad : pad + nb] = table
    padded[:, pad + nb :] = table[:, -1:]
    out = np.zeros((r, nb), dtype=np.float32)
    part = np.empty_like(out)
    for shift, w in sorted(weight.items()):
        np.multiply(padded[:, pad + shift : pad + shift + nb], np.float32(w), out=part)
        out += part
    return out
