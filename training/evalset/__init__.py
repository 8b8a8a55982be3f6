"""Hand-written evaluation data (see README.md in this folder).

``handwritten_v1.jsonl``: 420 calls in three voices, never used for training.
``linking_pairs.jsonl``: pairs of calls that report the same incident or only look alike.
``records_v1.jsonl``: dispatch records coded by the police's own classification, half a
"city export" to train on (``split == "city"``), half held out (``split == "holdout"``).
Everything was written by hand, one item at a time, without reading the simulator.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

EVALSET_PATH: Path = Path(__file__).parent / "handwritten_v1.jsonl"
RECORDS_PATH: Path = Path(__file__).parent / "records_v1.jsonl"
LINKING_PAIRS_PATH: Path = Path(__file__).parent / "linking_pairs.jsonl"
CALL_FIELDS: tuple[str, ...] = ("text", "received_at", "grid_id", "lat", "lon")

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


RECORD_COLUMNS: tuple[str, ...] = (
    "id",
    "received_at",
    "text",
    "police_class",
    "police_class_code",
    "police_type",
    "category",
    "disposition",
    "divert_to",
    "urgent",
    "split",
    "note",
)

# A record note that starts so names the label the live-text rules give the text.
RULE_NOTE = r"^规则→(criminal|public_order|dispute|assistance|non_police)"


def load_records(path: Path | str | None = None, split: str | None = None) -> pd.DataFrame:
    """Load the hand-written records as a DataFrame with the columns in ``RECORD_COLUMNS``.

    ``received_at`` becomes a tz-aware timestamp (the file carries +08:00), ``urgent`` is
    bool, ``police_class_code`` stays a two-digit string and ``divert_to``/``note`` keep ""
    when they do not apply. ``split`` ("city" or "holdout") keeps only that half.

    ``rule_category`` is the label the live-text rules of TAXONOMY.md give the text, read
    off a note that starts with ``规则→<label>``, else ``category``: the map decides for a
    city's own coded records, the rules for text without codes (a model that never saw the
    city's coding, such as the simulated-only one, is judged on the rules).
    """
    src = Path(path) if path is not None else RECORDS_PATH
    with src.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    df = pd.DataFrame.from_records(records, columns=list(RECORD_COLUMNS))
    for col in RECORD_COLUMNS:
        if col not in ("received_at", "urgent"):
            df[col] = df[col].fillna("").astype(str)
    df["received_at"] = pd.to_datetime(df["received_at"], format="ISO8601")
    df["urgent"] = df["urgent"].astype(bool)
    rule = df["note"].str.extract(RULE_NOTE, expand=False)
    df["rule_category"] = rule.where(rule.notna(), df["category"]).astype(str)
    if split is not None:
        df = df[df["split"] == split].reset_index(drop=True)
    return df


def load_linking_pairs(path: Path | str | None = None) -> pd.DataFrame:
    """Load the hand-written call pairs, one row per pair, the two calls side by side.

    Columns: ``id``, ``same_incident`` (bool), ``note``, then ``a_text``, ``a_received_at``
    (tz-aware), ``a_grid_id``, ``a_lat``, ``a_lon`` and the same for ``b_``; call ``a`` was
    received first.
    """
    src = Path(path) if path is not None else LINKING_PAIRS_PATH
    with src.open(encoding="utf-8") as fh:
        pairs = [json.loads(line) for line in fh if line.strip()]
    rows = []
    for pair in pairs:
        row = {
            "id": pair["id"],
            "same_incident": bool(pair["same_incident"]),
            "note": pair["note"],
        }
        for side in ("a", "b"):
            row.update({f"{side}_{key}": pair[side][key] for key in CALL_FIELDS})
        rows.append(row)
    df = pd.DataFrame(rows)
    for side in ("a", "b"):
        df[f"{side}_received_at"] = pd.to_datetime(df[f"{side}_received_at"], format="ISO8601")
    return df


__all__ = [
    "CALL_FIELDS",
    "COLUMNS",
    "LINKING_PAIRS_PATH",
    "load_linking_pairs",
    "EVALSET_PATH",
    "RECORDS_PATH",
    "RECORD_COLUMNS",
    "load_evalset",
    "load_records",
]
