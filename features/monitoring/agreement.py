"""Agreement with call takers: suggestions against the final categories they stored.

Every ``POST /feedback`` row holds what the model suggested and what the call taker
decided. Accuracy and macro-F1 (scikit-learn) per ISO week, recall per final category,
each with the number of corrections behind it: a figure on 12 corrections is shown as such,
and never raises an alert (``min_corrections``).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

from features.errors import UserError
from features.labels import CATEGORIES, DEFAULT_TIMEZONE
from features.monitoring.config import AgreementThresholds
from features.monitoring.drift import label_name, local_days, pct

COLUMNS = ("suggested_category", "final_category", "model_version", "received_at")


def read_corrections(path: str | Path) -> pd.DataFrame:
    """The feedback store's suggestion/decision pairs (read-only; no text is read).

    Raises:
        UserError: missing file, not SQLite, or no ``feedback`` table with these columns.
    """
    db = Path(path)
    if not db.is_file():
        raise UserError(f"--feedback {db}: file not found")
    query = f"SELECT {', '.join(COLUMNS)} FROM feedback"  # noqa: S608 - fixed column names
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
            frame = pd.read_sql_query(query, con)
    except (sqlite3.DatabaseError, pd.errors.DatabaseError) as exc:
        if "no such" in str(exc):
            raise UserError(
                f"--feedback {db}: no table 'feedback' with columns {', '.join(COLUMNS)} "
                f"(it lacks {str(exc).rsplit(':', 1)[-1].strip()})"
            ) from None
        raise UserError(f"--feedback {db}: not a readable SQLite database ({exc})") from None
    frame["received_at"] = pd.to_datetime(frame["received_at"], utc=True, errors="coerce")
    known = frame["final_category"].isin(CATEGORIES) & frame["received_at"].notna()
    return frame[known].reset_index(drop=True)


def store_version(path: str | Path) -> tuple:
    """What changes whenever the feedback store's rows change: the last row id (ids only
    grow: ``AUTOINCREMENT``) and the size, inode and modification time of the database and
    its write-ahead log (a deleted or edited row). Equal versions: the same corrections."""
    db = Path(path)
    files = []
    for part in (db, db.with_name(db.name + "-wal")):
        try:
            st = part.stat()
            files.append((st.st_ino, st.st_size, st.st_mtime_ns))
        except OSError:
            files.append(None)
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
            last = con.execute("SELECT MAX(id) FROM feedback").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        last = f"unreadable: {exc}"
    return (str(db), last, *files)


def _scores(part: pd.DataFrame) -> dict:
    y, p = part["final_category"].astype(str), part["suggested_category"].astype(str)
    labels = sorted(set(y))
    return {
        "n": int(len(part)),
        "accuracy": float(accuracy_score(y, p)),
        "macro_f1": float(f1_score(y, p, labels=labels, average="macro", zero_division=0)),
    }


def agreement(
    corrections: pd.DataFrame, th: AgreementThresholds, timezone: str = DEFAULT_TIMEZONE
) -> dict:
    """Overall, per week and per final category figures, and alerts in words."""
    out: dict = {"n": int(len(corrections)), "weeks": [], "categories": {}, "alerts": []}
    if corrections.empty:
        return out
    out.update(_scores(corrections))
    week = pd.Series(local_days(corrections["received_at"], timezone)).dt.to_period("W-SUN")
    for period, part in corrections.groupby(week.to_numpy(), sort=True):
        fig = {"week": str(period.start_time.date()), **_scores(part)}
        fig["alert"] = bool(fig["n"] >= th.min_corrections and fig["accuracy"] < th.min_accuracy)
        if fig["alert"]:
            out["alerts"].append(
                f"call takers kept {pct(fig['accuracy'])} of suggestions in the week of "
                f"{fig['week']} (macro-F1 {fig['macro_f1']:.2f}, {fig['n']} corrections; "
                f"alert below {pct(th.min_accuracy)})"
            )
        out["weeks"].append(fig)
    y = corrections["final_category"].astype(str).to_numpy()
    p = corrections["suggested_category"].astype(str).to_numpy()
    f1 = f1_score(y, p, labels=sorted(set(y)), average=None, zero_division=0)
    for label, value in zip(sorted(set(y)), f1, strict=True):
        mine = y == label
        out["categories"][label] = {
            "name": label_name("category", label),
            "n": int(mine.sum()),
            "recall": float(np.mean(p[mine] == label)),
            "f1": float(value),
        }
    return out
