"""Old homes of the predict-time objects, so champions pickled before they moved still load.

The fitted triage and forecast objects moved from ``training`` to ``features`` (the package
serving imports). A pickle names each class by module, so a champion saved earlier asks
for ``training.triage.model.TriageModel``; these aliases answer with the moved module. The
pyfunc wrappers install them on import, which happens before their artifact is unpickled.
"""

from __future__ import annotations

import importlib
import sys

MOVED = {
    "training.triage.model": "features.triage_model",
    "training.forecast.forecaster": "features.forecaster",
    "training.forecast.models": "features.forecast_models",
    "training.forecast.prophet_model": "features.prophet_model",
    "training.forecast.intervals": "features.intervals",
}


def install() -> None:
    """Make every old module path resolve to its new module (idempotent)."""
    for old, new in MOVED.items():
        if old not in sys.modules:
            sys.modules[old] = importlib.import_module(new)
