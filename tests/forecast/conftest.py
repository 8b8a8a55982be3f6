"""Small synthetic panels with known structure for the forecasting tests."""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before any test imports lightgbm

import numpy as np
import pandas as pd
import pytest

from features.timeseries import Panel


def synthetic_panel(n_grids: int = 6, weeks: int = 8, seed: int = 0) -> tuple[Panel, np.ndarray]:
    """Poisson counts around a known intensity: grid level × hour-of-day × weekday shape."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2025-01-06 00:00", tz="Asia/Shanghai")  # a Monday
    hours = pd.date_range(start, periods=weeks * 168, freq="h")
    hod = hours.hour.to_numpy()
    dow = hours.day_of_week.to_numpy()
    shape = 0.4 + 1.2 * np.exp(-0.5 * ((hod - 20) / 3.5) ** 2) + 0.6 * (dow >= 5)
    level = np.linspace(0.3, 2.5, n_grids)[:, None]
    intensity = level * shape[None, :]
    counts = rng.poisson(intensity).astype(np.float32)
    ids = [f"G{i:02d}" for i in range(n_grids)]
    kinds = ["residential", "commercial"] * (n_grids // 2) + ["residential"] * (n_grids % 2)
    return Panel(ids, start, counts, kinds), intensity


@pytest.fixture(scope="session")
def panel_and_truth() -> tuple[Panel, np.ndarray]:
    return synthetic_panel()
