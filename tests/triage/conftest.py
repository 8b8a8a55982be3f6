"""Shared fixtures for the triage tests: a labelled frame sampled straight from the text
generator (fast, no city needed) and one model fitted on it per session."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

CATEGORY_MIX = {  # Simao's shares (TAXONOMY.md), so the class balance looks like real data
    "criminal": 327,
    "public_order": 459,
    "dispute": 1286,
    "assistance": 2239,
    "non_police": 735,
}


def generated_frame(n: int, seed: int) -> pd.DataFrame:
    """``n`` labelled calls from ``TextGenerator`` with increasing ``received_at``."""
    from training.simulator.texts import GRID_KINDS, TextGenerator

    gen = TextGenerator()
    rng = np.random.default_rng(seed)
    cats = np.array(list(CATEGORY_MIX))
    weights = np.array(list(CATEGORY_MIX.values()), dtype=float)
    rows = []
    for i, cat in enumerate(rng.choice(cats, size=n, p=weights / weights.sum())):
        hour = int(rng.integers(24))
        call = gen.sample(str(cat), rng, hour=hour, grid_kind=str(rng.choice(GRID_KINDS)))
        row = dataclasses.asdict(call)
        row["call_id"] = f"T{seed}-{i:05d}"
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["received_at"] = pd.date_range("2025-03-01", periods=n, freq="7min", tz="Asia/Shanghai")
    frame["divert_to"] = frame["divert_to"].fillna("").astype(str)
    return frame


@pytest.fixture(scope="session")
def triage_frame() -> pd.DataFrame:
    return generated_frame(5000, seed=11)


@pytest.fixture(scope="session")
def fast_config():
    from training.triage.config import TriageConfig

    return TriageConfig(
        candidates=("logreg", "linear_svm"),
        cv_sample=2000,
        word_max_features=20_000,
        char_max_features=30_000,
    )


@pytest.fixture(scope="session")
def fitted_triage(triage_frame, fast_config):
    """A TriageModel fitted on generated calls (the urgent threshold stays at 0.5)."""
    from training.triage.fit import fit_triage

    return fit_triage(triage_frame, fast_config, progress=lambda _: None)
