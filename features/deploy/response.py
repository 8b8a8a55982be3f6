"""The response model of one shift: share of calls reached within the target, per grid.

Model (per grid ``g`` and hour ``h`` of the shift):

* Calls arrive as a Poisson stream at the forecast rate ``λ``; the rate itself is uncertain
  (the forecast's interval): it is integrated over three quantiles of a gamma law whose
  variance is the forecast's rate variance (negative binomial minus its Poisson part).
* A unit is busy for service ``S`` = drive + time on scene (from dispatch to clear). The grid's ``c``
  patrol units form an **M/G/c/c loss system**: a call that finds every local unit busy
  is not queued locally but goes to the nearest free neighbour or standby post. Its
  blocking probability is the Erlang B formula and its number of busy units is a truncated
  Poisson law; both depend on ``S`` only through its mean (Sevastyanov's insensitivity,
  1957), so no exponential-service assumption is made — the M/G/c/c form is exact where an
  Erlang-C (M/M/c) queue would only approximate.
* A call that finds ``n < c`` units busy is reached by the nearest of the ``c − n`` free
  ones (``features.deploy.travel``). A blocked call tries the backups (the nearest
  neighbour grids and standby posts, in order of drive) each free with probability
  ``1 − B`` independently, as in Larson's hypercube approximation (Larson, *Computers &
  OR* 1975, "Approximating the performance of urban emergency service systems"); when all
  are busy it waits for the first local unit to clear (exponential residual, mean
  ``S / c``) and then drives.

Outputs per grid: share within the target (calls weighted), the response-time p90,
utilisation, the probability every local unit is busy (what Erlang C would call P(wait)
before overflow) and the probability a call waits for a unit at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from features.deploy.queueing import erlang_b, nearest_backup_within, poisson_terms
from features.deploy.travel import TravelModel, bin_positions, read_cdf

__all__ = ["ShiftModel", "ShiftResult"]

TIMES_MIN = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 17, 20, 25, 30, 40, 60, 90.0])
_RATE_P = np.array([1 / 6, 1 / 2, 5 / 6])
_WAIT_Q = -np.log(1 - np.array([1 / 6, 1 / 2, 5 / 6]))  # Exp(1) quantiles


@dataclass
class ShiftResult:
    """Per-grid figures for one shift (arrays of length G)."""

    share: np.ndarray
    p90: np.ndarray
    utilisation: np.ndarray
    p_all_busy: np.ndarray
    p_wait: np.ndarray


class ShiftModel:
    """Response model of one shift for every grid.

    Args:
        travel: distance samples and travel parameters.
        lam: ``(G, H)`` expected calls per hour for the shift's hours.
        hours_of_day: ``(H,)`` hour of day of each of those hours.
        cv2: ``(G,)`` squared coefficient of variation of the rate (forecast interval).
        speed: ``(G, H)`` metres per minute of each grid's units at each hour.
        post_speed: ``(H,)`` speed of standby units.
        target: minutes.
    """

    def __init__(self, travel: TravelModel, lam, hours_of_day, cv2, speed, post_speed, target):
        self.travel = travel
        p = travel.params
        ids = travel.geometry.ids
        self.lam = np.asarray(lam, dtype=float) * p.by_grid("dispatch_share", ids)[:, None]
        self.follow = p.by_grid("follow_share", ids)
        self.depth = tuple(p.follow_depth) or (1.0,)
        self.hours = np.asarray(hours_of_day, dtype=int)
        self.speed = np.asarray(speed, dtype=float)
        self.post_speed = np.asarray(post_speed, dtype=float)
        self.target = float(target)
        cv2 = np.clip(np.asarray(cv2, dtype=float), 1e-6, 4.0)
        shape = 1.0 / cv2
        m = stats.gamma.ppf(_RATE_P[None, :], shape[:, None], scale=cv2[:, None])
        self.mult = m / m.mean(axis=1, keepdims=True)  # (G, R)
        self.lamr = self.lam[:, :, None] * self.mult[:, None, :]  # (G, H, R) per hour
        p = travel.params
        reach_mean = travel.near_[:, 0, :].mean(axis=1) * p.road_factor  # metres, one unit
        drive = reach_mean[:, None] / self.speed  # (G, H) minutes
        # a unit is taken at dispatch: busy for the drive and the time on scene
        self.service = drive.mean(axis=1) + p.by_grid("on_scene", ids)  # (G,)
        self._cache: dict = {}
        self.inflow = np.zeros_like(self.lamr)  # calls per hour answered for neighbours
        self.post_load_ = None  # Erlangs the posts carry (P, H, R), from the last chain

    # ------------------------------------------------------------ what calls see
    # A follow-up call of an incident (share ``follow`` of a grid's calls: a fire or a
    # fight reported by several callers) comes while ``m`` earlier calls of its incident in
    # its grid are still being served (``m`` from 1 with shares ``depth``: a third caller
    # finds the first two calls' units out): it finds the others' state plus ``m``. Calls'
    # view of the ``n`` busy is then ``(1 - phi) pi(n) + phi sum_m q_m pi(n - m)`` (all
    # ``c`` busy stay all busy); with the reach of ``k`` free units that is the same as
    # mixing the reach of ``k`` and ``k - m``.
    def _seen_local(self, local_w: np.ndarray) -> np.ndarray:
        """``(1 - phi) w(k) + phi sum_m q_m w(k - m)`` along the free-units axis of
        ``(G, K, ...)``, ``k = 0..K`` (``w(k <= 0) = 0``: no unit free reaches nothing, and
        a follow-up that finds no unit free is a blocked call)."""
        w = np.concatenate([np.zeros_like(local_w[:, :1]), local_w], axis=1)
        phi = self.follow.reshape((-1,) + (1,) * (local_w.ndim - 1))
        seen = (1.0 - phi) * w
        for m, q in enumerate(self.depth, start=1):
            if m < w.shape[1]:
                seen[:, m:] += phi * q * w[:, :-m]
        return seen

    def follow_weights(self, c: np.ndarray, a: np.ndarray, blocked: np.ndarray) -> np.ndarray:
        """Blocked calls by how many backups their own incident has taken, ``(D + 1, ...)``
        (``b = 0..D``, ``D = len(depth)``), summing to the share of calls that find all
        ``c`` units busy.

        A first call is blocked with Erlang B. A follow-up with ``m`` earlier calls of its
        incident in service finds all busy when the others keep ``n >= c - m`` busy; its
        incident then holds the ``c - n`` units left and ``b = m - (c - n)`` backups (the
        nearest ones, taken by the earlier follow-ups). ``P(n = c - j)`` of the truncated
        Poisson law is ``B c (c - 1) ... (c - j + 1) / a^j``.
        """
        phi = self.follow.reshape((-1,) + (1,) * (blocked.ndim - 1))
        d = len(self.depth)
        safe_a = np.maximum(a, 1e-12)
        pi = [blocked]  # pi(c - j), j = 0..D
        for j in range(1, d + 1):
            pi.append(np.where(c - j >= 0, pi[-1] * np.maximum(c - j + 1, 0) / safe_a, 0.0))
        out = np.zeros((d + 1,) + np.broadcast(c, a, blocked).shape)
        out[0] += (1.0 - phi) * blocked
        for m, q in enumerate(self.depth, start=1):
            for j in range(m + 1):  # n = c - j others busy: the incident holds j units
                out[m - j] += phi * q * pi[j]
        return out

    def blocked_seen(self, c: np.ndarray, a: np.ndarray, blocked: np.ndarray) -> np.ndarray:
        """Share of calls that find all ``c`` units busy: Erlang B plus the follow-ups that
        find the rest taken by their own incident's earlier calls (``follow_weights``)."""
        return np.minimum(self.follow_weights(c, a, blocked).sum(axis=0), 1.0)

    # ------------------------------------------------------------- travel components
    def _own_positions(self, times: np.ndarray):
        """Bin positions ``(G, H, T)`` of each grid's own units' reach within ``times``
        (the same for every ``k``, and a neighbour's unit drives at its own grid's speed)."""
        return bin_positions(self.travel.reach_m(times[None, None, :], self.speed[:, :, None]))

    def _local(self, times: np.ndarray, kneed: np.ndarray | None = None) -> np.ndarray:
        """Within-``times`` shares ``(G, K, H, T)`` of the nearest of ``k = 1..K`` free local
        units, ``K = kmax``; with ``kneed`` ``(G,)`` only ``k <= kneed`` are read (the rest
        stay 0) and ``K = max(kneed)``."""
        key = ("local", tuple(np.round(times, 4)), None if kneed is None else kneed.tobytes())
        if key in self._cache:
            return self._cache[key]
        tr = self.travel
        fixed, _ = tr.split_tables()  # (G, kmax + L, B)
        g, width = fixed.shape[:2]
        pos, below = self._own_positions(times)
        wanted = np.ones((g, tr.kmax), dtype=bool)
        if kneed is not None:
            kneed = np.asarray(kneed)
            wanted = np.arange(max(int(kneed.max(initial=0)), 1))[None, :] < kneed[:, None]
        gi, ki = np.nonzero(wanted)
        out = np.zeros(wanted.shape + (len(self.hours), len(times)))
        out[gi, ki] = read_cdf(fixed, (gi * width + ki)[:, None, None], pos[gi], below[gi])
        self._cache[key] = out
        return out

    def _backups(self, times: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The backups of each grid (its neighbours' units, then the standby posts) in order
        of median drive ``(G, J)``, the grid each belongs to (-1: a post) ``(G, J)`` and
        their within-``times`` shares ``(G, J, H, T)`` in that order."""
        key = ("backups", tuple(np.round(times, 4)))
        if key in self._cache:
            return self._cache[key]
        tr = self.travel
        fixed, posts = tr.split_tables()
        g, width = fixed.shape[:2]
        n_l, n_q = tr.nb_idx_.shape[1], posts.shape[1]
        pos, below = self._own_positions(times)
        rows = np.arange(g)[:, None] * width + tr.kmax + np.arange(n_l)[None, :]
        nb_w = read_cdf(fixed, rows[..., None, None], pos[tr.nb_idx_], below[tr.nb_idx_])
        if n_l == 0:
            nb_w = np.zeros((g, 0, len(self.hours), len(times)))
        post_reach = tr.reach_m(times[None, :], self.post_speed[:, None])  # (H, T)
        rows = np.arange(g)[:, None] * n_q + np.arange(n_q)[None, :]
        post_w = read_cdf(posts, rows[..., None, None], *bin_positions(post_reach))
        if n_q == 0:
            post_w = np.zeros((g, 0, len(self.hours), len(times)))
        med = np.concatenate(
            [tr.nb_[:, :, tr.samples // 2], tr.post_[:, :, tr.samples // 2]], axis=1
        )
        order = np.argsort(med, axis=1, kind="stable")
        target = np.concatenate([tr.nb_idx_, np.full((g, n_q), -1)], axis=1)
        target = np.take_along_axis(target, order, axis=1)
        within = np.concatenate([nb_w, post_w], axis=1)
        within = np.take_along_axis(within, order[:, :, None, None], axis=1)
        self._cache[key] = order, target, within
        return order, target, within

    def _wait_then_drive(self, c: np.ndarray, times: np.ndarray) -> np.ndarray:
        """``(G, H, T)`` share within ``times`` of a call that waits for a local unit."""
        tr = self.travel
        mean_wait = self.service / np.maximum(c, 1)  # (G,)
        shifted = times[None, :, None] - mean_wait[:, None, None] * _WAIT_Q  # (G, T, W)
        reach = tr.reach_m(shifted[:, None], self.speed[:, :, None, None])  # (G, H, T, W)
        fixed, _ = tr.split_tables()
        rows = (np.arange(len(c)) * fixed.shape[1]).reshape(-1, 1, 1, 1)  # k = 1
        return read_cdf(fixed, rows, *bin_positions(reach)).mean(axis=-1)

    # ------------------------------------------------------------------ queueing
    def load(self) -> np.ndarray:
        """``(G, H, R)`` offered load in Erlangs: own calls plus neighbours' overflow."""
        return (self.lamr + self.inflow) * self.service[:, None, None] / 60.0

    def settle_inflow(self, c: np.ndarray, post_units: np.ndarray, rounds: int = 2) -> None:
        """Fixed point of the overflow each grid's units answer for their neighbours."""
        for _ in range(rounds):
            self.backup_chain(np.asarray(c), np.asarray(post_units), np.array([self.target]))

    def _post_load(self, order, target, sent, n_posts: int) -> np.ndarray:
        """Erlangs each post carries ``(P, H, R)``: every blocked call a post is the nearest
        free backup for (in the simulated city six in ten; counting only the calls no
        neighbour could take left the posts always free), busy for the drive out, the
        time on scene and the drive back to the post."""
        tr = self.travel
        n_l = tr.nb_idx_.shape[1]
        g_idx, j_idx = np.nonzero(target < 0)
        post = tr.post_idx_[g_idx, order[g_idx, j_idx] - n_l]
        drive = tr.post_[g_idx, order[g_idx, j_idx] - n_l, tr.samples // 2] * tr.params.road_factor
        drive = drive[:, None] / self.post_speed[None, :]  # (K, H) minutes each way
        local = tr.near_[g_idx, 0, :].mean(axis=1)[:, None] * tr.params.road_factor
        busy = self.service[g_idx, None] - local / self.speed[g_idx] + 2 * drive  # (K, H)
        load = np.zeros((n_posts,) + sent.shape[2:])
        np.add.at(load, post, sent[g_idx, j_idx] * busy[:, :, None] / 60.0)
        return load

    def backup_chain(self, c: np.ndarray, post_units: np.ndarray, times: np.ndarray):
        """Share within ``times`` of a blocked call ``(G, H, R, T)`` and the chance that
        every backup is busy too ``(G, H, R)``, for the allocation ``c`` ``(G,)``."""
        tr = self.travel
        a = self.load()
        blocked = erlang_b(c[:, None, None], a)  # (G, H, R) time average: for neighbours
        found = self.blocked_seen(c[:, None, None], a, blocked)  # as the grid's calls find it
        order, target, within = self._backups(times)
        n_l = tr.nb_idx_.shape[1]
        avail_nb = 1.0 - blocked[tr.nb_idx_] if n_l else np.zeros(blocked.shape[:1] + (0,))
        avail_nb = avail_nb.reshape(len(c), n_l, *blocked.shape[1:])  # (G, L, H, R)
        # overflow not taken by a neighbour goes to the nearest post; Erlang B there
        spill = self.lamr * found * np.prod(1.0 - avail_nb, axis=1)  # (G, H, R)
        n_q = tr.post_idx_.shape[1]
        if n_q and len(post_units):
            post_load = self.post_load_
            if post_load is None or post_load.shape[0] != len(post_units):
                first = tr.post_idx_[:, 0]  # first guess: what no neighbour takes
                post_load = np.zeros((len(post_units),) + spill.shape[1:])
                np.add.at(post_load, first, spill * self.service[:, None, None] / 60.0)
            avail_post = 1.0 - erlang_b(post_units[:, None, None], post_load)  # (P, H, R)
            avail_q = avail_post[tr.post_idx_]  # (G, Q, H, R)
        else:
            avail_q = np.zeros((len(c), 0) + spill.shape[1:])
        avail = np.concatenate([avail_nb, avail_q], axis=1)  # (G, J, H, R)
        avail = np.take_along_axis(avail, order[:, :, None, None], axis=1)  # nearest first
        none_before = np.cumprod(1.0 - avail, axis=1)
        first_free = avail * np.concatenate(
            [np.ones_like(avail[:, :1]), none_before[:, :-1]], axis=1
        )
        all_busy = none_before[:, -1] if avail.shape[1] else np.ones(blocked.shape)
        sent = (self.lamr * found)[:, None] * first_free  # (G, J, H, R) calls per hour
        inflow = np.zeros_like(self.lamr)
        is_grid = target >= 0
        np.add.at(inflow, target[is_grid], sent[is_grid])
        self.inflow = inflow
        if n_q and len(post_units):
            self.post_load_ = self._post_load(order, target, sent, len(post_units))
        wait = self._wait_then_drive(c, times)  # (G, H, T)
        # blocked follow-ups find the nearest backups taken by their incident's earlier calls
        mix = self.follow_weights(c[:, None, None], a, blocked)  # (D + 1, G, H, R)
        mix = mix / np.maximum(mix.sum(axis=0), 1e-300)
        reach, all_busy = nearest_backup_within(avail, within, mix)
        self.backups_ = (target, avail, within, found)  # for the allocator's neighbour term
        reach = reach + all_busy[..., None] * wait[:, :, None, :]
        return reach, all_busy

    def local_within(self, cs: np.ndarray, times: np.ndarray):
        """For allocations ``cs`` ``(G, V)``: the share of calls that find every local
        unit busy ``(G, V, H, R)`` and the share within ``times`` reached by a free local
        unit ``(G, V, H, R, T)``, both as calls find the units (follow-ups included).

        The busy count of ``c`` units is the Poisson law truncated at ``c``: the terms
        ``a^n / n!`` are computed once for every allocation and only the normaliser (their
        running sum up to ``c``) depends on ``c``."""
        # no grid reads more free units than it has (nor than kmax: more reach like kmax)
        local_w = self._local(times, np.minimum(cs.max(axis=1, initial=0), self.travel.kmax))
        local_w = self._seen_local(local_w)  # (G, K + 1, H, T), k = 0 first
        kmax = local_w.shape[1] - 1
        a = self.load()  # (G, H, R)
        terms = poisson_terms(a, int(cs.max(initial=0)))  # (G, H, R, N+1), N <= busy cap
        top = terms.shape[-1] - 1
        running = np.cumsum(terms, axis=-1)
        c4 = cs[:, :, None, None]
        norm = np.moveaxis(running, -1, 1)[np.arange(len(cs))[:, None], np.minimum(cs, top)]
        at_c = np.moveaxis(terms, -1, 1)[np.arange(len(cs))[:, None], np.minimum(cs, top)]
        all_busy = np.where(c4 > top, 0.0, at_c / norm)  # (G, V, H, R) time average
        blocked = self.blocked_seen(c4, a[:, None], all_busy)
        n = np.arange(top + 1)
        k = cs[:, :, None] - n  # free units when n are busy (G, V, N+1)
        # local_w gathered at the free units: (G, V, N+1, H, T), k <= 0 reaches nothing
        lw = local_w[np.arange(len(cs))[:, None, None], np.clip(k, 0, kmax)]
        reach = np.einsum("ghrn,gvnht->gvhrt", terms, lw) / norm[..., None]
        return blocked, reach

    def shares(self, cs: np.ndarray, chain: np.ndarray) -> np.ndarray:
        """Calls-weighted share within the target ``(G, V)`` for allocations ``cs``, with
        the blocked calls' reach ``chain`` ``(G, H, R)`` fixed (from ``backup_chain``)."""
        times = np.array([self.target])
        blocked, reach = self.local_within(cs, times)
        total = reach[..., 0] + blocked * chain[:, None]
        w = self.lamr[:, None]
        return (total * w).sum(axis=(2, 3)) / np.maximum(w.sum(axis=(2, 3)), 1e-12)

    def evaluate(self, c: np.ndarray, post_units: np.ndarray) -> ShiftResult:
        """Every figure of the plan table for allocation ``c`` ``(G,)``."""
        c = np.asarray(c, dtype=np.int64)
        self.settle_inflow(c, post_units)
        times = np.unique(np.append(TIMES_MIN, self.target))
        chain, all_busy = self.backup_chain(c, np.asarray(post_units), times)
        blocked, reach = self.local_within(c[:, None], times)
        blocked, reach = blocked[:, 0], reach[:, 0]  # (G, H, R), (G, H, R, T)
        cdf = reach + blocked[..., None] * chain  # (G, H, R, T)
        w = self.lamr
        wsum = np.maximum(w.sum(axis=(1, 2)), 1e-12)
        cdf_g = (cdf * w[..., None]).sum(axis=(1, 2)) / wsum[:, None]  # (G, T)
        it = int(np.searchsorted(times, self.target))
        a = self.load()
        busy = a * (1.0 - erlang_b(c[:, None, None], a))  # carried load (G, H, R)
        util = busy.mean(axis=(1, 2)) / np.maximum(c, 1)
        return ShiftResult(
            share=cdf_g[:, it],
            p90=_quantile_from_cdf(times, cdf_g, 0.9),
            utilisation=np.where(c > 0, util, np.nan),
            p_all_busy=(blocked * w).sum(axis=(1, 2)) / wsum,
            p_wait=(blocked * all_busy * w).sum(axis=(1, 2)) / wsum,
        )


def _quantile_from_cdf(times: np.ndarray, cdf: np.ndarray, q: float) -> np.ndarray:
    """Linear interpolation of the ``q`` quantile on the time grid (last time if never)."""
    out = np.full(cdf.shape[0], times[-1])
    for i, row in enumerate(np.maximum.accumulate(cdf, axis=1)):
        if row[-1] >= q:
            out[i] = np.interp(q, row, times)
    return out
