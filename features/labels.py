"""The product's label vocabulary, exactly as ../shared/TAXONOMY.md spells it.

Models learn their classes from data (`classes_`); these tuples are used to *validate*
data at the boundaries, never as the list a model predicts from. This module is the one
home of the words around the labels too: the aliases a calls file may use (Chinese names,
other spellings), the names the console shows, and how a yes/no cell is read.
"""

from __future__ import annotations

import math
from typing import Any

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

# Display names (Chinese, English) shown by the console; a label missing here shows as itself.
DISPLAY: dict[str, dict[str, tuple[str, str]]] = {
    "category": {
        "criminal": ("刑事", "Criminal"),
        "public_order": ("治安", "Public order"),
        "dispute": ("纠纷", "Dispute"),
        "assistance": ("求助", "Assistance"),
        "non_police": ("非警务", "Non-police"),
    },
    "disposition": {
        "transfer": ("移交派出所", "Attend, then transfer to police station"),
        "on_scene": ("现场处结", "Attend and settle on scene"),
        "divert": ("社会化分流", "Divert to a social channel"),
    },
    "divert_to": {
        "12345": ("12345政务服务便民热线", "Government hotline"),
        "mediation": ("人民调解", "Mediation"),
        "property": ("物业", "Property management"),
        "city_management": ("城管", "City management"),
        "utility": ("水电气热公用事业", "Utility company"),
        "119": ("119消防", "Fire service"),
        "120": ("120急救", "Ambulance"),
        "122": ("122交警", "Traffic police"),
        "none": ("无需转交（误拨/无声/骚扰）", "Nothing to hand over"),
    },
}

# Other spellings a calls file may use (matched after lower-casing), per column.
ALIASES: dict[str, dict[str, str]] = {
    "category": {
        "刑事": "criminal",
        "治安": "public_order",
        "纠纷": "dispute",
        "求助": "assistance",
        "非警务": "non_police",
        "other": "non_police",
    },
    "disposition": {
        "移交": "transfer",
        "移交派出所": "transfer",
        "现场处结": "on_scene",
        "分流": "divert",
        "社会化分流": "divert",
    },
    "divert_to": {},
    "source": {"群众": "citizen", "市民": "citizen", "巡逻": "patrol", "巡查": "patrol"},
}

# Label columns of the calls table: (valid values, what a bad value is called in a message).
VOCABULARIES: dict[str, tuple[tuple[str, ...], str]] = {
    "category": (CATEGORIES, "category"),
    "disposition": (DISPOSITIONS, "disposition"),
    "divert_to": (DIVERT_TO, "divert target"),
    "source": (SOURCES, "source"),
}

TRUE_WORDS = frozenset({"true", "t", "1", "1.0", "yes", "y", "是", "真"})
FALSE_WORDS = frozenset({"false", "f", "0", "0.0", "no", "n", "否", "假"})
BOOL_SHOWN = ("true", "false", "1", "0", "yes", "no", "是", "否")  # listed in messages


def parse_bool(value: Any) -> bool | None:
    """A yes/no cell as a bool; None when it is missing, blank or not a yes/no word."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        return None
    return bool(value)


def display_names() -> dict[str, dict[str, list[str]]]:
    """The display table as plain JSON (the console is served it; it keeps no copy)."""
    return {kind: {k: list(v) for k, v in table.items()} for kind, table in DISPLAY.items()}
