"""Control characters in free text: removed before text is stored, logged or trained on.

C0/C1 control characters (other than tab and line breaks) and the bidirectional overrides
have no place in a call description: they break terminals and CSV tools, can forge log
lines and can make a stored text display differently from what it holds. They are cell
defects, not a reason to reject a file, so the loader removes them and names the rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = ["CONTROL_PATTERN", "clean_column", "strip_control"]

CONTROL_PATTERN = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
_CONTROL = re.compile(CONTROL_PATTERN)


def strip_control(text: str) -> str:
    """``text`` without control characters (non-strings pass through unchanged)."""
    return _CONTROL.sub("", text) if isinstance(text, str) else text


def clean_column(
    text: pd.Series, warnings: list[str], label: Callable[[int], str], column: str = "text"
) -> pd.Series:
    """``text`` with control characters removed; one warning naming the first rows."""
    dirty = text.str.contains(CONTROL_PATTERN, regex=True).to_numpy(dtype=bool)
    if not dirty.any():
        return text
    rows = np.flatnonzero(dirty)
    shown = ", ".join(label(int(p)) for p in rows[:5])
    more = f" and {len(rows) - 5:,} more" if len(rows) > 5 else ""
    warnings.append(
        f"column {column}: {len(rows):,} texts hold control characters ({shown}{more}); removed"
    )
    return text.str.replace(CONTROL_PATTERN, "", regex=True)
