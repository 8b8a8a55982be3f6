"""A discrete-event replay of calls under a deployment, on SimPy.

Each call is a SimPy process: the dispatcher takes ``handling`` minutes, then sends the
nearest free unit — a patrol unit of the call's grid first, else the nearest free unit of
the neighbouring grids or a standby post, else the call waits for the first unit of those
grids to clear. The unit drives (``World.travel``), stays on scene (``World.on_scene``),
and is then free again where it is (inside its own grid, so its patrol position stays
uniform), or drives back first when it answered a call outside its own grid or came from
a standby post. Units come on duty at their shift's start; a unit still busy at the end of
its shift finishes its call and goes off duty.

The physics (``World``) belong to whoever runs the replay: the simulator writes the demo
city's ``dispatched_at``/``arrived_at``/``cleared_at`` with it (``training.simulator.
dispatch``), and the plan benchmark replays held-out weeks with the same world.
"""

from __future__ import annotations

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

    @property
    def response(self) -> np.ndarray:
        return self.arrived - self._received

    _received: np.ndarray = field(default_factory=lambda: np.zeros(0))


class _Unit:
    __slots__ = ("home", "kind", "xy", "free", "on_duty", "post", "end")

    def __init__(self, home: int, kind: str, xy: np.ndarray, end: float, post: bool) -> None:
        self.home, self.kind, self.xy, self.end, self.post = home, kind, xy, end, post
        self.free = True
        self.on_duty = True


class _Dispatcher:
    def __init__(self, env, geometry, world, rng, neighbours: int) -> None:
        self.env, self.world, self.rng = env, world, rng
        self.geometry = geometry
        self.nb, _ = geometry.neighbours(neighbours)
        self.post_xy = geometry.centroids()
        self.by_grid: list[list[_Unit]] = [[] for _ in range(len(geometry))]
        self.posts: list[_Unit] = []
        self.waiting: deque = deque()
        self.pool = geometry.sample(64, rng)  # patrol start positions per grid
        self.local_hours: np.ndarray | None = None

    def start_shift(self, dep: Deployment):
        yield self.env.timeout(max(dep.start - self.env.now, 0.0))
        for g, n in enumerate(np.asarray(dep.units, dtype=int)):
            for _ in range(n):
                xy = self.pool[g, self.rng.integers(self.pool.shape[1])].copy()
                self.by_grid[g].append(_Unit(g, dep.kind, xy, dep.end, post=False))
        for p, n in zip(dep.posts, dep.post_units, strict=True):
            for _ in range(int(n)):
                self.posts.append(_Unit(int(p), "car", self.post_xy[p].copy(), dep.end, post=True))
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

    def candidates(self, g: int) -> list[_Unit]:
        local = [u for u in self.by_grid[g] if u.free and u.on_duty]
        if local:
            return local
        near = [u for j in self.nb[g] for u in self.by_grid[j] if u.free and u.on_duty]
        return near + [u for u in self.posts if u.free and u.on_duty]

    def nearest(self, g: int, xy: np.ndarray) -> _Unit | None:
        units = self.candidates(g)
        if not units:
            return None
        pos = np.array([u.xy for u in units])
        return units[int(np.argmin(np.hypot(*(pos - xy).T)))]

    def _serve_waiting(self) -> None:
        """Give waiting calls (oldest first) to units that are free now."""
        still = deque()
        while self.waiting:
            call = self.waiting.popleft()
            unit = self.nearest(call[1], call[2])
            if unit is None:
                still.append(call)
            else:
                unit.free = False
                call[3].succeed(unit)
        self.waiting = still

    def call(self, i: int, g: int, xy: np.ndarray, hour: int, cat, disp, out: ReplayResult):
        env, world, rng = self.env, self.world, self.rng
        yield env.timeout(world.handling(rng))
        unit = self.nearest(g, xy)
        if unit is None:
            ev = env.event()
            self.waiting.append((i, g, xy, ev))
            unit = yield ev
        unit.free = False
        out.dispatched[i] = env.now
        dist = float(np.hypot(*(unit.xy - xy)))
        yield env.timeout(world.travel(dist, hour, unit.kind, rng))
        out.arrived[i] = env.now
        away = unit.post or unit.home != g
        out.overflow[i] = away
        yield env.timeout(world.on_scene(cat, disp, rng))
        out.cleared[i] = env.now
        if away:  # drive back to the post or into the home grid
            home = self.post_xy[unit.home] if unit.post else self.pool[unit.home, rng.integers(64)]
            yield env.timeout(world.travel(float(np.hypot(*(home - xy))), hour, unit.kind, rng))
            unit.xy = np.array(home, dtype=float)
        else:
            unit.xy = np.asarray(xy, dtype=float)
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
    out._received = received
    grid = geometry.index_of(calls["grid_id"].astype(str).to_numpy())
    xy = geometry.to_xy(calls["lat"].to_numpy(float), calls["lon"].to_numpy(float))
    hours = pd.to_datetime(calls["received_at"]).dt.hour.to_numpy()
    cats = calls["category"].to_numpy()
    disps = calls["disposition"].to_numpy()
    todo = np.flatnonzero(calls["dispatch"].to_numpy(bool))
    todo = todo[np.argsort(received[todo], kind="stable")]
    for dep in deployments:
        env.process(disp.start_shift(dep))

    def arrivals():
        for i in todo:
            wait = received[i] - env.now
            if wait > 0:
                yield env.timeout(wait)
            env.process(
                disp.call(int(i), int(grid[i]), xy[i], int(hours[i]), cats[i], disps[i], out)
            )

    env.process(arrivals())
    env.run()
    return out
