"""The simulated city's dispatch: who answers each call, when they arrive and clear.

``World`` is the city's ground truth for response (never read by the planner, which
calibrates its own travel model from the times written here): dispatcher handling
log-normal with median 0.8 min; drive = 1.4 × straight distance at 32 km/h by car
(27 motorbike, 5 on foot), slower in rush hours (07–09, 17–19: ×0.65, 10 % slower around
them) and faster at night (00–06: ×1.3), times a log-normal spread (sigma 0.3); time on
scene log-normal by category and disposition (a crime handed to the station holds the unit
about 50 min, advice on the spot 15–25 min).

``simulate_dispatch`` replays every dispatched call (citizen calls not diverted to another
channel) on SimPy (``training.plan.replay``) with the city's historical fleet: in each grid
one car plus one per six expected calls a day, all day, no standby. Calls found on patrol
(``source`` patrol) are on scene at once: dispatched = arrived = received, cleared after
the time on scene; they do not take a unit from the dispatch pool.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pandas as pd

__all__ = ["RESPONSE_COLUMNS", "World", "historical_fleet", "iso_or_blank", "simulate_dispatch"]

RESPONSE_COLUMNS = ("dispatched_at", "arrived_at", "cleared_at")

_HANDLING_MEDIAN = 0.8
_ROAD = 1.4
_SPEED_KMH = {"car": 32.0, "motorbike": 27.0, "foot": 5.0}
_RUSH = {"car": 1.0, "motorbike": 0.4, "foot": 0.0}
_HOUR = np.ones(24)
_HOUR[[0, 1, 2, 3, 4, 5]] = 1.3
_HOUR[[7, 8, 17, 18]] = 0.65
_HOUR[[6, 9, 16, 19]] = 0.9
# median minutes on scene by (category, disposition)
_ON_SCENE = {
    ("criminal", "transfer"): 50.0,
    ("criminal", "on_scene"): 35.0,
    ("public_order", "transfer"): 40.0,
    ("public_order", "on_scene"): 25.0,
    ("dispute", "transfer"): 40.0,
    ("dispute", "on_scene"): 28.0,
    ("assistance", "transfer"): 30.0,
    ("assistance", "on_scene"): 18.0,
    ("non_police", "on_scene"): 12.0,
}


class World:
    """Ground-truth response physics of the simulated city (minutes).

    ``rng`` is a ``random.Random``: one scalar draw per call is cheaper there than in numpy.
    """

    def __init__(self) -> None:
        # metres per minute by kind and hour of day
        self._speed = {
            kind: [
                _SPEED_KMH[kind] * 1000.0 / 60.0 * (1.0 + _RUSH[kind] * (float(f) - 1.0))
                for f in _HOUR
            ]
            for kind in _SPEED_KMH
        }

    def handling(self, rng: random.Random) -> float:
        return _HANDLING_MEDIAN * math.exp(0.35 * rng.gauss(0.0, 1.0))

    def travel(self, dist_m: float, hour: int, kind: str, rng: random.Random) -> float:
        speed = self._speed[kind][hour]
        return _ROAD * dist_m / speed * math.exp(0.3 * rng.gauss(0.0, 1.0)) + 0.2

    def on_scene(self, category, disposition, rng: random.Random) -> float:
        median = _ON_SCENE.get((str(category), str(disposition)), 22.0)
        return median * math.exp(0.5 * rng.gauss(0.0, 1.0))


def historical_fleet(base_rates: np.ndarray) -> np.ndarray:
    """Patrol cars per grid in the city's history: one, plus one per 6 calls a day."""
    return 1 + np.floor(np.asarray(base_rates, dtype=float) / 6.0).astype(np.int64)


def simulate_dispatch(city, calls: pd.DataFrame, seed: int) -> pd.DataFrame:
    """``dispatched_at``, ``arrived_at``, ``cleared_at`` (tz-aware, NaT when the call was
    diverted) for ``calls`` (the simulator's frame, sorted by time)."""
    from features.deploy.geometry import GridGeometry
    from training.plan.replay import Deployment, replay

    geometry = GridGeometry.from_polygons(city.grid_ids, [g.polygon for g in city.grids])
    received = pd.to_datetime(calls["received_at"])
    origin = received.min().floor("D") if len(calls) else pd.Timestamp("2000-01-01")
    frame = pd.DataFrame(
        {
            "received_at": received,
            "grid_id": np.asarray(city.grid_ids, dtype=object)[calls["grid"].to_numpy()],
            "lat": calls["lat"].to_numpy(),
            "lon": calls["lon"].to_numpy(),
            "category": calls["category"].to_numpy(),
            "disposition": calls["disposition"].to_numpy(),
            "dispatch": (
                (calls["source"].to_numpy() == "citizen")
                & (calls["disposition"].to_numpy() != "divert")
            ),
        }
    )
    end = float((received.max() - origin) / pd.Timedelta(minutes=1)) + 24 * 60 if len(calls) else 0
    fleet = historical_fleet(city.base_rates)
    result = replay(
        frame, geometry, [Deployment(0.0, end, fleet)], World(), origin=origin, seed=seed
    )

    def stamp(values: np.ndarray) -> pd.Series:
        return pd.Series(origin + pd.to_timedelta(values, unit="min")).dt.round("s")

    out = pd.DataFrame(
        {
            "dispatched_at": stamp(result.dispatched),
            "arrived_at": stamp(result.arrived),
            "cleared_at": stamp(result.cleared),
        }
    )
    patrol = calls["source"].to_numpy() == "patrol"
    if patrol.any():
        rng = random.Random(seed * 7919 + 7)
        scene = [
            World().on_scene(c, d, rng)
            for c, d in zip(
                calls["category"].to_numpy()[patrol],
                calls["disposition"].to_numpy()[patrol],
                strict=True,
            )
        ]
        at = received[patrol].dt.round("s").to_numpy()
        out.loc[patrol, "dispatched_at"] = at
        out.loc[patrol, "arrived_at"] = at
        out.loc[patrol, "cleared_at"] = (
            (received[patrol] + pd.to_timedelta(scene, unit="min")).dt.round("s").to_numpy()
        )
    return out


def iso_or_blank(times: pd.Series) -> np.ndarray:
    """ISO 8601 with offset like the simulator's ``received_at``; blank where NaT."""
    from training.simulator.sample import iso_seconds

    out = np.full(len(times), "", dtype=object)
    ok = times.notna().to_numpy()
    if ok.any():
        out[ok] = iso_seconds(times[ok])
    return out
