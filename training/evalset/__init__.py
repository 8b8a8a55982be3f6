"""Hand-written triage evaluation set (see README.md in this folder).

The items were written by hand, one by one, and are never used for training.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

EVALSET_PATH: Path = Path(__file__).parent / "handwritten_v1.jsonl"

COLUMNS: tuple[str, ...] = (
    "id",
    "text",
    "category",
    "disposition",
    "divert_to",
    "urgent",
    "voice",
    "hard_case",
    "note",
)


def load_evalset(path: Path | str | None = None) -> pd.DataFrame:
    """Load the evaluation set as a DataFrame with the columns in ``COLUMNS``.

    ``urgent`` and ``hard_case`` are bool; ``divert_to`` and ``note`` keep the empty
    string "" (never NaN) when they do not apply.
    """
    src = Path(path) if path is not None else EVALSET_PATH
    with src.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    df = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    for col in ("id", "text", "category", "disposition", "divert_to", "voice", "note"):
        df[col] = df[col].fillna("").astype(str)
    for col in ("urgent", "hard_case"):
        df[col] = df[col].astype(bool)
    return df


__all__ = ["COLUMNS", "EVALSET_PATH", "load_evalset"]
