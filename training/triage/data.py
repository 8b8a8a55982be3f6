"""Training data for triage: calls files, corrected calls from the feedback store, splits.

Everything returned here is already PII-masked: ``load_calls`` masks on the way in and the
feedback texts are masked again, so nothing unmasked reaches MLflow or a model.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pandas as pd

from features.contract import FEEDBACK_TRAINING_FIELDS
from features.errors import UserError
from features.labels import CATEGORIES, DISPOSITIONS, DIVERT_TO, parse_bool
from features.pii import mask_pii

LABEL_COLUMNS = ("category", "disposition", "divert_to", "urgent")
FEEDBACK_COLUMNS = FEEDBACK_TRAINING_FIELDS


def load_training_calls(
    path: str | Path,
    mapping: dict[str, str] | None = None,
    *,
    label_map: str | Path | None = None,
) -> pd.DataFrame:
    """The calls table with what triage needs (raises ``DataProblems`` on a bad file).

    ``label_map``: a city's label-map file for ``police_class``/``police_type``.
    """
    from features.schema import load_calls

    extra = {"label_map": label_map} if label_map is not None else {}
    frame = load_calls(path, mapping=mapping, require="triage", **extra)
    return frame.reset_index(drop=True)


def has_routing(frame: pd.DataFrame) -> bool:
    """Whether the data carries routing labels a router can learn from."""
    if "disposition" not in frame.columns:
        return False
    values = frame["disposition"].dropna().astype(str)
    return bool(values.isin(DISPOSITIONS).any())


def has_urgent(frame: pd.DataFrame) -> bool:
    """Whether the data carries urgent labels with both values present."""
    if "urgent" not in frame.columns or frame["urgent"].isna().all():
        return False
    return frame["urgent"].dropna().astype(bool).nunique() == 2


def load_feedback(db: str | Path) -> pd.DataFrame:
    """Corrected calls from the service's SQLite feedback store, as training rows.

    Rows whose ``final_category`` is not a known label are skipped (counted in
    ``frame.attrs["skipped"]``); unknown routing labels are blanked, not trusted.

    Raises:
        UserError: the file is missing, is not SQLite, or lacks the ``feedback`` table or
            one of its columns.
    """
    path = Path(db)
    if not path.is_file():
        raise UserError(f"--feedback {path}: file not found")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            cols = [r[1] for r in con.execute("PRAGMA table_info(feedback)")]
            if not cols:
                raise UserError(f"--feedback {path}: no table 'feedback' in this database")
            missing = [c for c in FEEDBACK_COLUMNS if c not in cols]
            if missing:
                raise UserError(
                    f"--feedback {path}: table 'feedback' lacks column(s) {', '.join(missing)}"
                )
            # The service's store keeps every correction; the view holds the latest per call.
            views = con.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall()
            table = "feedback_latest" if ("feedback_latest",) in views else "feedback"
            raw = pd.read_sql_query(
                f"SELECT {', '.join(FEEDBACK_COLUMNS)} FROM {table}",
                con,  # noqa: S608
            )
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise UserError(f"--feedback {path}: not a readable SQLite database ({exc})") from None

    text = raw["text"].fillna("").astype(str).str.strip()
    category = raw["final_category"].fillna("").astype(str).str.strip()
    ok = (text != "") & category.isin(CATEGORIES)
    disposition = raw["final_disposition"].fillna("").astype(str).str.strip()
    divert_to = raw["final_divert_to"].fillna("").astype(str).str.strip()
    frame = pd.DataFrame(
        {
            "call_id": [f"feedback-{i}" for i in range(len(raw))],
            "text": [mask_pii(t) for t in text],
            "category": category,
            "disposition": disposition.where(disposition.isin(DISPOSITIONS), None),
            "divert_to": divert_to.where(divert_to.isin(DIVERT_TO), ""),
            "urgent": [parse_bool(v) for v in raw["final_urgent"]],
            "source": "feedback",
        }
    )[ok.to_numpy()].reset_index(drop=True)
    frame.attrs["skipped"] = int((~ok).sum())
    return frame


def split_by_time(frame: pd.DataFrame, fraction: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, held-out): the most recent ``fraction`` of calls is held out.

    A time split, not a random one: a model is always used on calls that come after the
    ones it learnt from, and near-duplicate calls of one incident must not straddle the two.
    """
    if "received_at" in frame.columns and frame["received_at"].notna().all():
        ordered = frame.sort_values("received_at", kind="stable")
    else:
        ordered = frame
    n_hold = int(round(len(ordered) * fraction))
    if len(ordered) - n_hold < 2:
        raise UserError(f"only {len(frame)} labelled calls: too few to train and evaluate on")
    cut = len(ordered) - n_hold
    return ordered.iloc[:cut].reset_index(drop=True), ordered.iloc[cut:].reset_index(drop=True)


def fingerprint(frame: pd.DataFrame) -> str:
    """sha256 of the masked texts and labels a model was trained on (order-sensitive)."""
    digest = hashlib.sha256()
    cols = ["text", *[c for c in LABEL_COLUMNS if c in frame.columns]]
    for row in frame[cols].itertuples(index=False):
        digest.update("\x1f".join("" if v is None else str(v) for v in row).encode("utf-8"))
        digest.update(b"\x1e")
    return digest.hexdigest()
