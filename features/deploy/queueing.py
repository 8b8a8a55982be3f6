"""The queueing laws behind the response model (``features.deploy.response``).

* ``erlang_b``, ``occupancy``, ``poisson_terms``, ``at_count``: the M/G/c/c loss system of
  a grid's ``c`` units — Erlang B blocking and the truncated Poisson law of the busy count,
  exact for any service-time distribution (Sevastyanov's insensitivity, 1957).
* ``nearest_backup_within``: a blocked call's nearest free backup among the neighbours'
  units and the standby posts, backups independent as in Larson's hypercube
  approximation (*Computers & OR*, 1975), with the backups an incident's earlier calls
  have taken removed for its follow-ups.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "at_count",
    "busy_cap",
    "erlang_b",
    "nearest_backup_within",
    "occupancy",
    "poisson_terms",
]


def busy_cap(a) -> int:
    """A count of busy units that a Poisson load ``a`` (the largest of them) exceeds with
    negligible probability (mean + 12 sd + 30: a tail far below 1e-20). Units beyond it are
    never all busy, so the recursions below stop there however many units a grid holds."""
    top = float(np.max(np.asarray(a, dtype=float), initial=0.0))
    return int(np.ceil(top + 12.0 * np.sqrt(top) + 30.0))


def erlang_b(c, a) -> np.ndarray:
    """Erlang B blocking for ``c`` servers and offered load ``a`` Erlangs (vectorised);
    for ``c`` beyond ``busy_cap(a)`` the blocking at the cap (negligible) is returned."""
    c = np.asarray(c)
    a = np.asarray(a, dtype=float)
    c, a = np.broadcast_arrays(c, a)
    b = np.ones(a.shape)
    for k in range(1, min(int(c.max(initial=0)), busy_cap(a)) + 1):
        nxt = a * b / (k + a * b)
        b = np.where(k <= c, nxt, b)
    return b


def poisson_terms(a: np.ndarray, n_max: int) -> np.ndarray:
    """Unnormalised Poisson terms ``a^n / n!``, ``n = 0..min(n_max, busy_cap(a))``, last axis
    (a running product: loads stay far below overflow, a << 700)."""
    a = np.maximum(np.asarray(a, dtype=float), 1e-12)
    n_max = min(int(n_max), busy_cap(a))
    n = np.arange(1, n_max + 1)
    terms = np.cumprod(a[..., None] / n, axis=-1)
    return np.concatenate([np.ones(a.shape + (1,)), terms], axis=-1)


def occupancy(a: np.ndarray, c: np.ndarray, n_max: int) -> np.ndarray:
    """Truncated Poisson ``P(n busy)``, ``n = 0..n_max`` (zero above ``c``), last axis.

    ``n_max`` is capped at ``busy_cap(a)``: more busy units than that never occur (read the
    probability that all ``c`` are busy with ``at_count``, which is 0 beyond the cap)."""
    p = poisson_terms(a, n_max)
    p = np.where(np.arange(p.shape[-1]) <= np.asarray(c)[..., None], p, 0.0)
    return p / p.sum(axis=-1, keepdims=True)


def at_count(pi: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``pi[..., c]`` (the chance that all ``c`` units are busy) for ``c`` broadcast to
    ``pi.shape[:-1]``; 0 where ``c`` lies beyond the (capped) last count of ``pi``."""
    c = np.broadcast_to(np.asarray(c), pi.shape[:-1])
    top = pi.shape[-1] - 1
    got = np.take_along_axis(pi, np.minimum(c, top)[..., None], axis=-1)[..., 0]
    return np.where(c > top, 0.0, got)


def nearest_backup_within(avail: np.ndarray, within: np.ndarray, mix=None):
    """``(G, H, R, T)`` chance that the nearest free backup of a blocked call is within
    ``times``, and ``(G, H, R)`` the chance that no backup is free: the dispatcher sends
    the nearest free unit of all the neighbours and posts, so the call is slower only when
    no free backup is that close, ``1 - prod_j (1 - P(j free) F_j)`` with ``avail``
    ``(G, J, H, R)`` the chance backup ``j`` has a free unit and ``within`` ``(G, J, H, T)``
    its unit's within-time share, backups independent (Larson's hypercube approximation).
    A neighbour grid counts as one backup however many units it has free: their distances
    to a call outside their grid share the call's offset from that grid, so the nearest of
    several is barely closer. (Sending the first free backup in a fixed order instead left
    the blocked calls of the simulated city 11 points too slow; all free units as
    independent, 11 points too fast.)

    ``mix`` ``(D + 1, G, H, R)``: the blocked calls' shares whose ``b`` nearest backups are
    taken by their own incident's earlier calls (``ShiftModel.follow_weights``); the
    products then run over the backups from ``b`` on, mixed with those shares.
    """
    g, n_j, h, r = avail.shape
    if mix is None:
        mix = np.ones((1, g, h, r))
    none = np.ones((g, h, r, within.shape[-1]))  # no free backup within the time so far
    busy = np.ones((g, h, r))
    # the backups beyond the last one: nothing taken by the incident is left
    reach = np.zeros_like(none)
    all_busy = mix[n_j:].sum(axis=0) if len(mix) > n_j else np.zeros((g, h, r))
    for j in range(n_j - 1, -1, -1):  # from the farthest: one backup at a time
        none *= 1.0 - avail[:, j, :, :, None] * within[:, j, :, None, :]
        busy *= 1.0 - avail[:, j]
        if j < len(mix):  # the calls whose first j backups are taken
            reach += mix[j][..., None] * (1.0 - none)
            all_busy += mix[j] * busy
    return reach, all_busy
