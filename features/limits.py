"""Limits and names of the outer contract that command-line parsers need.

Kept free of heavy imports (no pydantic, pandas) so building ``jingqing --help`` stays
fast; :mod:`features.contract` re-exports them.
"""

from __future__ import annotations

MAX_TEXT_CHARS = 2000  # the longest call description the service accepts (and training cuts to)
MAX_BATCH = 256  # texts per /classify request
MAX_HOURS = 168  # the longest forecast: one week of hours
# the forecast mean models by their command-line names (``features.forecaster.make_model``)
FORECAST_MODELS = (
    "lightgbm",
    "prophet",
    "seasonal-naive",
    "how-mean",
    "level-shape",
    "grid-rhythm",
    "mstl",
    "ets",
)
