"""A small simulated city with multi-caller incidents, shared by the linking tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def link_city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20 grids x 21 days, a seed the shipped linker was not fitted on."""
    from training.simulator import run_simulate

    out = tmp_path_factory.mktemp("link-city")
    run_simulate(out, grids=20, days=21, start="2025-07-01", seed=11, progress=False)
    return out


@pytest.fixture(scope="session")
def link_calls_frame(link_city: Path) -> pd.DataFrame:
    from features.schema import load_calls

    return load_calls(link_city / "calls.csv")
