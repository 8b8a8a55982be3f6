"""One small triage model per session, with its training reference, for the monitor tests.

Trained on calls written by the simulator's text generator (the ``quiet`` scenario with
its own seed); the reference is scored on the held-out last fifth, as training does.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def monitored_model():
    from training.monitor.reference import attach_reference
    from training.monitor.scenarios import scenario_calls
    from training.triage.config import TriageConfig
    from training.triage.fit import fit_triage
    from training.triage.honest import attach_novelty

    calls = scenario_calls("quiet", n=3000, seed=100, start="2026-01-01")
    calls["divert_to"] = ""
    train, holdout = calls.iloc[:2400], calls.iloc[2400:]
    cfg = TriageConfig(
        candidates=("logreg",),
        cv_folds=2,
        cv_sample=600,
        augment_copies=0,
        word_max_features=8000,
        char_max_features=10000,
    )
    model = fit_triage(train, cfg, progress=lambda _: None).model
    attach_novelty(model, train["text"].tolist())  # the shift score, as training attaches it
    attach_reference(model, holdout, train)
    return model


@pytest.fixture(scope="session")
def thresholds():
    from features.monitoring.config import load_thresholds

    return load_thresholds()
