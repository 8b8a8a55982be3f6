"""The calls a triage benchmark trains on, in a store of its own under ``home``."""

from __future__ import annotations

import os
from pathlib import Path


def calls_in(home: Path, calls: Path | None) -> Path:
    """Point jingqing at ``home``; return ``calls``, or the default simulated city written there."""
    os.environ["JINGQING_HOME"] = str(home)
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    if calls is not None:
        return calls
    from training.simulator import run_simulate

    print("simulating the default city (51 grids x 365 days) ...", flush=True)
    run_simulate(home / "city", grids=51, days=365, start="2025-01-01", seed=0)
    return home / "city" / "calls.csv"
