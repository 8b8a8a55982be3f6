"""Routing shares per category, the defaults a sub-type's ``route`` overrides."""

from __future__ import annotations

# Category-level defaults, calibrated to the Simao figures in TAXONOMY.md.
_DEFAULT_ROUTE: dict[str, list[tuple[str, str, float]]] = {
    "criminal": [("transfer", "", 0.915), ("on_scene", "", 0.085)],
    "public_order": [("transfer", "", 0.90), ("on_scene", "", 0.10)],
    "dispute": [
        ("on_scene", "", 0.80),
        ("transfer", "", 0.15),
        ("divert", "mediation", 0.03),
        ("divert", "property", 0.02),
    ],
    "assistance": [
        ("on_scene", "", 0.90),
        ("transfer", "", 0.06),
        ("divert", "120", 0.03),
        ("divert", "119", 0.01),
    ],
    "non_police": [("divert", "*", 0.85), ("transfer", "", 0.07), ("on_scene", "", 0.08)],
}
