"""The product's label vocabulary, exactly as ../shared/TAXONOMY.md spells it.

Models learn their classes from data (`classes_`); these tuples are used to *validate*
data at the boundaries, never as the list a model predicts from.
"""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = ("criminal", "public_order", "dispute", "assistance", "non_police")
DISPOSITIONS: tuple[str, ...] = ("transfer", "on_scene", "divert")
DIVERT_TO: tuple[str, ...] = (
    "12345",
    "mediation",
    "property",
    "city_management",
    "utility",
    "119",
    "120",
    "122",
    "none",
)
SOURCES: tuple[str, ...] = ("citizen", "patrol")
DEFAULT_TIMEZONE = "Asia/Shanghai"
