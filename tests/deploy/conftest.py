"""A small city for the deployment tests: 12 grids of the simulator's layout."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.deploy.geometry import GridGeometry
from features.deploy.travel import TravelModel


@pytest.fixture(scope="session")
def small_city():
    from training.simulator.city import build_city

    return build_city(12, 0)


@pytest.fixture(scope="session")
def geometry(small_city) -> GridGeometry:
    return GridGeometry.from_polygons(small_city.grid_ids, [g.polygon for g in small_city.grids])


@pytest.fixture(scope="session")
def travel(geometry) -> TravelModel:
    return TravelModel(geometry, kmax=8, samples=128)


@pytest.fixture(scope="session")
def forecast(small_city) -> pd.DataFrame:
    """24 hours from midnight: each grid's base rate with a day/night swing."""
    hours = pd.date_range("2025-06-02", periods=24, freq="h", tz="Asia/Shanghai")
    rows = []
    for gid, rate in zip(small_city.grid_ids, small_city.base_rates, strict=True):
        for h in hours:
            m = rate / 24 * (1.5 if 8 <= h.hour <= 22 else 0.4)
            sd = np.sqrt(m + 0.1 * m**2)
            rows.append((gid, h, m, max(0, int(m - 1.28 * sd)), int(np.ceil(m + 1.28 * sd))))
    return pd.DataFrame(rows, columns=["grid_id", "hour", "mean", "p10", "p90"])
