"""Where the units go: marginal allocation, standby posts, and the two reference plans.

Marginal allocation (Fox, "Discrete optimization via marginal analysis", *Management
Science* 1966): start every grid at its minimum, then give each next unit to the grid where
it adds the most calls reached within the target (expected calls × gain in share). The
gain curves come from ``ShiftModel.shares`` with the blocked calls' fate fixed; a second
round recomputes that fate for the first round's allocation (neighbours' availability
changes with their units) and allocates again. For concave gain curves (the usual case:
each extra unit shortens the drive less) greedy marginal allocation is optimal.

Standby posts minimise the demand-weighted distance from the grids to their nearest post
(a p-median problem, Hakimi 1964), approximated by weighted k-means on the grid centroids
(squared distance; Lloyd's algorithm in scikit-learn) with each centre snapped to a grid.
"""

from __future__ import annotations

import heapq

import numpy as np

from features.deploy.queueing import erlang_b
from features.deploy.response import ShiftModel

__all__ = ["equal_plan", "marginal_allocation", "proportional_plan", "standby_posts"]


def standby_posts(weights: np.ndarray, centroids: np.ndarray, n_posts: int) -> np.ndarray:
    """Indices of ``n_posts`` distinct grids near the demand-weighted centres of demand.

    Weighted k-means (scikit-learn) on the grid centroids places the posts; each is then
    snapped to the nearest grid centroid not already taken (a post is a place in a grid).
    """
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    g = len(weights)
    n_posts = int(min(max(n_posts, 0), g))
    if n_posts == 0:
        return np.zeros(0, dtype=np.int64)
    w = np.maximum(np.asarray(weights, dtype=float), 0.0) + 1e-9
    if n_posts == g:
        return np.argsort(-w, kind="stable").astype(np.int64)
    # one thread: the fit is small, and OpenMP threads waiting on a busy machine's other
    # cores cost more than they save (the same centres either way)
    with threadpool_limits(limits=1, user_api="openmp"):
        km = KMeans(n_clusters=n_posts, n_init=1, random_state=0)
        km.fit(centroids, sample_weight=w)
    mass = np.bincount(km.labels_, weights=w, minlength=n_posts)
    return snap_to_grids(km.cluster_centers_, mass, centroids)


def snap_to_grids(centres: np.ndarray, mass: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Each centre's nearest grid not already taken, the heaviest centre choosing first
    (ties: the lower grid index). Each centre walks its own grids sorted by distance, so
    the distances are computed and sorted once, not once per centre."""
    d = np.hypot(
        centroids[None, :, 0] - centres[:, None, 0], centroids[None, :, 1] - centres[:, None, 1]
    )
    ranked = np.argsort(d, axis=1, kind="stable")
    taken = np.zeros(len(centroids), dtype=bool)
    chosen = []
    for k in np.argsort(-mass, kind="stable"):
        row = ranked[k]
        j = 0
        while taken[row[j]]:
            j += 1
        taken[row[j]] = True
        chosen.append(int(row[j]))
    return np.array(chosen, dtype=np.int64)


def split_standby(units: int, posts: np.ndarray, weights: np.ndarray, centroids: np.ndarray):
    """Standby units per post: one each, the rest by the demand nearest to each post."""
    if len(posts) == 0:
        return np.zeros(0, dtype=np.int64)
    d = np.hypot(
        centroids[:, None, 0] - centroids[None, posts, 0],
        centroids[:, None, 1] - centroids[None, posts, 1],
    )
    served = np.bincount(np.argmin(d, axis=1), weights=weights, minlength=len(posts))
    out = np.ones(len(posts), dtype=np.int64)
    extra = units - len(posts)
    if extra > 0:
        out += largest_remainder(served, extra)
    return out


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Whole numbers summing to ``total`` proportional to ``weights`` (Hamilton's method)."""
    w = np.maximum(np.asarray(weights, dtype=float), 0.0)
    if w.sum() <= 0:
        w = np.ones_like(w)
    quota = w / w.sum() * total
    base = np.floor(quota).astype(np.int64)
    left = int(total - base.sum())
    if left > 0:
        base[np.argsort(-(quota - base), kind="stable")[:left]] += 1
    return base


def equal_plan(total: int, minimum: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The same units in every grid; the remainder to the busiest grids."""
    g = len(minimum)
    base = np.full(g, total // g, dtype=np.int64)
    left = total - base.sum()
    base[np.argsort(-np.asarray(weights), kind="stable")[:left]] += 1
    return _respect_minimum(base, minimum)


def proportional_plan(total: int, minimum: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Units proportional to ``weights`` (e.g. last month's calls), at least the minimum."""
    extra = total - int(minimum.sum())
    return minimum + largest_remainder(weights, max(extra, 0))


def _respect_minimum(plan: np.ndarray, minimum: np.ndarray) -> np.ndarray:
    """Raise grids below their minimum by taking units from the largest grids."""
    plan = plan.copy()
    short = np.maximum(minimum - plan, 0)
    plan += short
    for _ in range(int(short.sum())):
        spare = np.flatnonzero(plan > minimum)
        plan[spare[np.argmax(plan[spare])]] -= 1
    return plan


def marginal_allocation(
    model: ShiftModel,
    total: int,
    minimum: np.ndarray,
    post_units: np.ndarray,
    *,
    rounds: int = 2,
    neighbours: bool = True,
) -> np.ndarray:
    """Units per grid (sum ``total``, each at least ``minimum``) by marginal analysis: each
    next unit where it adds the most calls reached within the target, its own grid's and
    (``neighbours``) those of the neighbours it backs up (``backup_value``)."""
    minimum = np.asarray(minimum, dtype=np.int64)
    calls = model.lamr.mean(axis=2).sum(axis=1)  # expected calls in the shift (G,)
    extra = int(total - minimum.sum())
    plan = proportional_plan(total, minimum, calls)
    kmax = model.travel.kmax
    for _ in range(max(rounds, 1)):
        model.settle_inflow(plan, post_units, rounds=1)
        chain, _ = model.backup_chain(plan, post_units, np.array([model.target]))
        chain = chain[..., 0]
        steps = int(min(max(extra, 0), kmax))
        cs = minimum[:, None] + np.arange(steps + 1)[None, :]
        gain = calls[:, None] * model.shares(cs, chain)  # (G, V)
        if neighbours:
            gain = gain + backup_value(model, cs)
        plan = _greedy(gain, minimum, extra, calls)
    return plan


def backup_value(model: ShiftModel, cs: np.ndarray) -> np.ndarray:
    """Calls of the neighbours reached within the target thanks to grid ``g``'s units being
    free for them, ``(G, V)`` for allocations ``cs`` (first order in ``g``'s chance of a
    free unit, the rest of the plan as in the last ``backup_chain``).

    A neighbour's blocked call is reached by the nearest free backup; its chance within the
    target rises with backup ``j``'s availability at ``F_j × prod_(k != j)(1 - P_k F_k)``.
    A unit in a grid that backs up busy neighbours is worth more than its own calls say.
    """
    target, avail, within, found = model.backups_
    w = within[..., :1]  # (G, J, H, 1) at the target
    miss = 1.0 - avail * w  # (G, J, H, R)
    slope = w * np.prod(miss, axis=1, keepdims=True) / np.maximum(miss, 1e-12)
    flow = (model.lamr * found)[:, None] * slope  # (G, J, H, R) calls per hour per P(free)
    coef = np.zeros_like(model.lamr)
    is_grid = target >= 0
    np.add.at(coef, target[is_grid], flow[is_grid])
    free = 1.0 - erlang_b(cs[:, :, None, None], model.load()[:, None])  # (G, V, H, R)
    return (coef[:, None] * free).sum(axis=(2, 3)) / model.lamr.shape[2]


def _greedy(gain: np.ndarray, minimum: np.ndarray, extra: int, calls: np.ndarray) -> np.ndarray:
    """Hand out ``extra`` units one at a time to the largest marginal gain."""
    g, v = gain.shape
    step = np.zeros(g, dtype=np.int64)
    # tie-break (flat curves): prefer the grid with more calls per unit
    tie = 1e-9 * calls / (minimum + 1.0)
    heap = [(-(gain[i, 1] - gain[i, 0] + tie[i]), i) for i in range(g) if v > 1]
    heapq.heapify(heap)
    left = extra
    while left > 0 and heap:
        _, i = heapq.heappop(heap)
        step[i] += 1
        left -= 1
        s = step[i]
        if s + 1 < v:
            tie_i = 1e-9 * calls[i] / (minimum[i] + s + 1.0)
            heapq.heappush(heap, (-(gain[i, s + 1] - gain[i, s] + tie_i), i))
    plan = minimum + step
    if left > 0:  # beyond the modelled range: by calls per unit
        plan += largest_remainder(calls, left)
    return plan
