"""A discrete-event replay of calls under a deployment, on SimPy.

Calls enter a SimPy environment in time order; after the dispatcher's ``handling``
minutes the nearest free unit is sent — a patrol unit of the call's grid first, else the
nearest free unit of the neighbouring grids or a standby post, else the call waits for the
first of those units to clear. The unit drives (``World.travel``), stays on scene
(``World.on_scene``), and is then free again where it is (inside its own grid, so its
patrol position stays uniform), or drives back first when it answered a call outside its
own grid or came from a standby post. A busy unit is one SimPy timeout whose callback
frees it (two events per call, so a year of the default city replays in seconds). Units
come on duty at their shift's start; a unit still busy at the end of its shift finishes
its call and goes off duty.

The physics (``World``) belong to whoever runs the replay: the simulator writes the demo
city's ``dispatched_at``/``arrived_at``/``cleared_at`` with it (``training.simulator.
dispatch``), and the plan benchmark replays held-out weeks with the same world.
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import simpy

from features.deploy.geometry import GridGeometry

__all__ = ["Deployment", "ReplayResult", "replay"]


@dataclass
class Deployment:
    """Units on duty from ``start`` to ``end`` (minutes since the replay's origin)."""

    start: float
    end: float
    units: np.ndarray  # patrol units per grid (G,)
    posts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    post_units: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    kind: str = "car"


@dataclass
class ReplayResult:
    """Per call (in input order): minutes from the origin, NaN for calls not dispatched."""

    dispatched: np.ndarray
    arrived: np.ndarray
    cleared: np.ndarray
    overflow: np.ndarray  # answered by a unit from another grid or a post
    # what the call found at dispatch (diagnostics of the response model): every unit of
    # its grid busy; then how many of its neighbour grids had a free unit and whether the
    # standby post nearest to it had one; and who answered (0 own grid, 1 a neighbour's
    # unit, 2 a post, -1 not dispatched); waited: no free unit anywhere, queued
    blocked: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    nb_free: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    post_free: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    via: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    waited: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    @property
    def response(self) -> np.ndarray:
        return self.arrived - self._received

    _received: np.ndarray = field(default_factory=lambda: np.zeros(0))


class _Unit:
    __slots__ = ("home", "kind", "x", "y", "free", "on_duty", "post", "end")

    def __init__(self, home: int, kind: str, xy, end: float, post: bool) -> None:
        self.home, self.kind, self.end, self.post = home, kind, end, post
        self.x, self.y = float(xy[0]), float(xy[1])
        self.free = True
        self.on_duty = True


class _Dispatcher:
    def __init__(self, env, geometry, world, rng, neighbours: int) -> None:
        self.env, self.world = env, world
        self.rng = rng  # numpy: positions
        self.draw = random.Random(int(rng.integers(2**63)))  # the world's per-call draws
        nb, _ = geometry.neighbours(neighbours)
        self.nb = nb.tolist()
        self.post_xy = geometry.centroids().tolist()
        self.by_grid: list[list[_Unit]] = [[] for _ in range(len(geometry))]
        self.posts: list[_Unit] = []
        self.waiting: deque = deque()
        self.pool = geometry.sample(64, rng).tolist()  # patrol positions per grid

    def start_shift(self, dep: Deployment):
        yield self.env.timeout(max(dep.start - self.env.now, 0.0))
        for g, n in enumerate(np.asarray(dep.units, dtype=int).tolist()):
            for _ in range(n):
                xy = self.pool[g][self.draw.randrange(64)]
                self.by_grid[g].append(_Unit(g, dep.kind, xy, dep.end, post=False))
        for p, n in zip(dep.posts, dep.post_units, strict=True):
            for _ in range(int(n)):
                self.posts.append(_Unit(int(p), "car", self.post_xy[p], dep.end, post=True))
        self._serve_waiting()
        yield self.env.timeout(max(dep.end - self.env.now, 0.0))
        self._retire(dep.end)

    def _retire(self, end: float) -> None:
        for units in self.by_grid:
            units[:] = [u for u in units if not (u.free and u.end <= end)]
            for u in units:
                if u.end <= end:
                    u.on_duty = False
        self.posts = [u for u in self.posts if not (u.free and u.end <= end)]
        for u in self.posts:
            if u.end <= end:
                u.on_duty = False

    @staticmethod
    def _closest(units, x: float, y: float, best: _Unit | None, dist: float):
        for u in units:
            if u.free and u.on_duty:
                d = math.hypot(u.x - x, u.y - y)
                if d < dist:
                    best, dist = u, d
        return best, dist

    def nearest(self, g: int, x: float, y: float) -> _Unit | None:
        """The nearest free unit of the call's grid, else of its neighbours and the posts."""
        best, dist = self._closest(self.by_grid[g], x, y, None, math.inf)
        if best is not None:
            return best
        for j in self.nb[g]:
            best, dist = self._closest(self.by_grid[j], x, y, best, dist)
        best, _ = self._closest(self.posts, x, y, best, dist)
        return best

    def _serve_waiting(self) -> None:
        """Give waiting calls (oldest first) to units that are free now."""
        if not self.waiting:
            return
        still = deque()
        while self.waiting:
            call = self.waiting.popleft()
            unit = self.nearest(call[1], call[2], call[3])
            if unit is None:
                still.append(call)
            else:
                self._send(unit, *call)
        self.waiting = still

    def _free(self, units) -> bool:
        return any(u.free and u.on_duty for u in units)

    def dispatch(self, i: int, g: int, x: float, y: float, hour: int, cat, disp) -> None:
        """At the call's dispatch time: send the nearest free unit, or queue the call."""
        unit = self.nearest(g, x, y)
        if unit is None or unit.post or unit.home != g:  # every unit of the grid busy
            out = self.out
            out.blocked[i] = True
            out.nb_free[i] = sum(self._free(self.by_grid[j]) for j in self.nb[g])
            here = [u for u in self.posts if u.on_duty]
            if here:
                near = min(here, key=lambda u: math.hypot(u.x - x, u.y - y)).home
                out.post_free[i] = self._free(u for u in here if u.home == near)
        if unit is None:
            self.out.waited[i] = True
            self.waiting.append((i, g, x, y, hour, cat, disp))
        else:
            self._send(unit, i, g, x, y, hour, cat, disp)

    def _send(self, unit: _Unit, i: int, g: int, x: float, y: float, hour: int, cat, disp):
        world, draw, out = self.world, self.draw, self.out
        unit.free = False
        now = self.env.now
        drive = world.travel(math.hypot(unit.x - x, unit.y - y), hour, unit.kind, draw)
        scene = world.on_scene(cat, disp, draw)
        out.dispatched[i] = now
        out.arrived[i] = now + drive
        out.cleared[i] = now + drive + scene
        away = unit.post or unit.home != g
        out.overflow[i] = away
        out.via[i] = 2 if unit.post else int(unit.home != g)
        busy = drive + scene
        if away:  # drive back to the post or into the home grid
            hx, hy = (
                self.post_xy[unit.home] if unit.post else self.pool[unit.home][draw.randrange(64)]
            )
            busy += world.travel(math.hypot(hx - x, hy - y), hour, unit.kind, draw)
            x, y = hx, hy
        done = self.env.timeout(busy)
        done.callbacks.append(lambda _event: self._release(unit, x, y))

    def _release(self, unit: _Unit, x: float, y: float) -> None:
        unit.x, unit.y = x, y
        unit.free = True
        if not unit.on_duty:
            self._drop(unit)
        else:
            self._serve_waiting()

    def _drop(self, unit: _Unit) -> None:
        group = self.posts if unit.post else self.by_grid[unit.home]
        if unit in group:
            group.remove(unit)


def replay(
    calls: pd.DataFrame,
    geometry: GridGeometry,
    deployments: list[Deployment],
    world,
    *,
    origin: pd.Timestamp,
    seed: int = 0,
    neighbours: int = 4,
) -> ReplayResult:
    """Replay ``calls`` (``received_at``, ``grid_id``, ``lat``, ``lon``, ``category``,
    ``disposition``, ``dispatch`` bool) under ``deployments``; times in minutes from
    ``origin``. Calls with ``dispatch`` false get NaN times."""
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    disp = _Dispatcher(env, geometry, world, rng, neighbours)
    n = len(calls)
    received = (
        (pd.to_datetime(calls["received_at"]) - origin) / pd.Timedelta(minutes=1)
    ).to_numpy()
    out = ReplayResult(
        np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, bool)
    )
    out._received = received.copy()
    out.blocked, out.post_free, out.waited = (np.zeros(n, bool) for _ in range(3))
    out.nb_free, out.via = np.zeros(n, np.int8), np.full(n, -1, np.int8)
    grid = geometry.index_of(calls["grid_id"].astype(str).to_numpy())
    xy = geometry.to_xy(calls["lat"].to_numpy(float), calls["lon"].to_numpy(float)).tolist()
    hours = pd.to_datetime(calls["received_at"]).dt.hour.to_numpy().tolist()
    grid = grid.tolist()
    cats = calls["category"].to_numpy().tolist()
    disps = calls["disposition"].to_numpy().tolist()
    received = received.tolist()
    todo = np.flatnonzero(calls["dispatch"].to_numpy(bool))
    todo = todo[np.argsort(np.asarray(received)[todo], kind="stable")].tolist()
    disp.out = out
    ready = [received[i] + world.handling(disp.draw) for i in todo]  # dispatcher's handling
    order = np.argsort(ready, kind="stable").tolist()
    for dep in deployments:
        env.process(disp.start_shift(dep))

    def arrivals():
        for k in order:
            i = todo[k]
            wait = ready[k] - env.now
            if wait > 0:
                yield env.timeout(wait)
            x, y = xy[i]
            disp.dispatch(i, grid[i], x, y, hours[i], cats[i], disps[i])

    env.process(arrivals())
    env.run()
    return out
