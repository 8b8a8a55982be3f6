"""The calls table's per-column checks: ids, text, labels, yes/no and plain strings.

Each check reads one column of the mapped frame, records problem lines (row, file line,
column) on the shared ``Checker`` and returns the cleaned column. Times live in
``features.schema_times``, locations and grids in ``features.schema_location``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from features import labels
from features.contract import MAX_TEXT_CHARS
from features.control import clean_column
from features.io import ProblemLog, row_labels
from features.pii import SCREEN_PATTERN, mask_pii

_CJK = re.compile(r"[\u4e00-\u9fff]")


def strings(series: pd.Series) -> pd.Series:
    """Stripped strings, '' for missing: uniform input for the checks whatever the dtype."""
    s = series.astype(object).where(series.notna(), "")
    return s.astype(str).str.strip()


class Checker:
    """Shared state of one validation: the frame, row labels and the problem log."""

    def __init__(self, frame: pd.DataFrame, lines: np.ndarray | None) -> None:
        self.df = frame
        self.n = len(frame)
        self.lines = lines
        self.problems = ProblemLog()
        self.warnings: list[str] = []
        self.needed: set[str] = set()

    def label(self, pos: int) -> str:
        return row_labels(np.array([pos]), self.lines)[0]

    def rows(self, kind: str, mask: np.ndarray, message) -> None:
        """One problem line per flagged row (capped); ``message(pos) -> str``."""
        idx = np.flatnonzero(mask)
        cap = self.problems.cap
        lines = [f"{self.label(p)}, {message(p)}" for p in idx[:cap]]
        self.problems.add_many(kind, lines, total=len(idx))

    def bad_values(self, col: str, values: pd.Series, mask: np.ndarray, what: str, valid) -> None:
        """One line per distinct bad value: first row, how many rows, the valid choices."""
        bad = values[mask]
        counts = bad.value_counts(sort=False)
        firsts = bad.drop_duplicates()
        positions = np.flatnonzero(mask)
        lookup = dict(zip(bad.index, positions, strict=True))
        lines = []
        for index, value in firsts.items():
            more = int(counts[value]) - 1
            tail = f" (and {more:,} more rows)" if more else ""
            lines.append(
                f"{self.label(lookup[index])}, column {col}: unknown {what} {value!r}{tail}; "
                f"valid: {', '.join(valid)}"
            )
        self.problems.add_many(f"unknown {what}", lines)


def check_call_id(c: Checker) -> pd.Series:
    if "call_id" not in c.df.columns:
        width = len(str(c.n))
        c.warnings.append(
            f"no call_id column: ids generated from row order (1…{c.n}); "
            "they will not match ids in other files"
        )
        return pd.Series(np.arange(1, c.n + 1)).astype(str).str.zfill(width)
    ids = strings(c.df["call_id"])
    empty = (ids == "").to_numpy()
    c.rows("empty call_id", empty, lambda p: "column call_id: empty (every call needs an id)")
    dup = (ids.duplicated(keep="first") & ~(ids == "")).to_numpy()
    if dup.any():
        first = pd.Series(np.arange(c.n), index=ids.to_numpy())
        first = first[~first.index.duplicated(keep="first")]
        vals = ids.to_numpy()
        c.rows(
            "duplicate call_id",
            dup,
            lambda p: (
                f"column call_id: duplicate {vals[p]!r} (first in {c.label(first[vals[p]])})"
            ),
        )
    return ids


def check_text(c: Checker, required: bool, mask_text: bool) -> pd.Series:
    text = c.df["text"].astype(object).where(c.df["text"].notna(), "").astype(str)
    blank = (text.str.strip() == "").to_numpy()
    if required:
        c.rows("empty text", blank, lambda p: "column text: empty (triage needs a description)")
    text = clean_column(text, c.warnings, c.label)
    lengths = text.str.len().to_numpy()
    long = lengths > MAX_TEXT_CHARS
    if long.any():
        p = int(np.flatnonzero(long)[0])
        c.warnings.append(
            f"column text: {long.sum():,} texts are longer than {MAX_TEXT_CHARS:,} characters "
            f"(e.g. {c.label(p)}, {lengths[p]:,}); cut to {MAX_TEXT_CHARS:,}, the service's limit"
        )
        text = text.str.slice(0, MAX_TEXT_CHARS)
    if mask_text:
        digits = text.str.contains(SCREEN_PATTERN, regex=True).to_numpy()
        if digits.any():
            values = text.to_numpy(dtype=object).copy()
            values[digits] = [mask_pii(t) for t in values[digits]]
            text = pd.Series(values, index=text.index)
    return text.reset_index(drop=True)


def check_string(c: Checker, col: str, required: bool) -> pd.Series:
    """A free string column (stripped, '' when missing); empty cells are a problem if needed."""
    values = strings(c.df[col])
    if required:
        empty = (values == "").to_numpy()
        c.rows(f"empty {col}", empty, lambda p: f"column {col}: empty (required)")
    return values.reset_index(drop=True)


def check_labels(c: Checker, out: dict, needed: set[str]) -> None:
    df = c.df
    for col, (valid, what) in labels.VOCABULARIES.items():
        if col not in df.columns:
            continue
        values = strings(df[col]).str.lower()
        if col == "divert_to":
            values = values.str.replace(r"\.0$", "", regex=True)
        if labels.ALIASES.get(col):
            values = values.replace(labels.ALIASES[col])
        empty = (values == "").to_numpy()
        if col == "source":
            values = values.where(~empty, "citizen")
            empty = np.zeros(c.n, dtype=bool)
        unknown = ~empty & ~values.isin(valid).to_numpy()
        if unknown.any():
            c.bad_values(col, values, unknown, what, _choices(col, valid, df[col]))
        if col in needed:
            c.rows(f"empty {col}", empty, lambda p, col=col: f"column {col}: empty (required)")
        out[col] = values.reset_index(drop=True)
    if "source" not in out:
        out["source"] = pd.Series(["citizen"] * c.n)
    if "disposition" in out or "divert_to" in out:
        _check_routing_pair(c, out, "divert_to" in df.columns or "divert_to" in needed)
    if "urgent" in df.columns:
        out["urgent"] = check_urgent(c, "urgent" in needed)


def _choices(col: str, valid, raw: pd.Series) -> list[str]:
    """The values a message lists: in Chinese (with the label) when the file writes Chinese."""
    chinese = [alias for alias in labels.ALIASES.get(col, {}) if _CJK.search(alias)]
    if not chinese or not raw.astype(str).str.contains(_CJK.pattern, regex=True).any():
        return list(valid)
    shown = {
        label: alias for alias, label in reversed(labels.ALIASES[col].items()) if alias in chinese
    }
    return [f"{shown[v]} ({v})" if v in shown else v for v in valid]


def _check_routing_pair(c: Checker, out: dict, strict: bool = True) -> None:
    """``divert_to`` is given exactly when the disposition is ``divert``. Without a
    ``divert_to`` column that nothing requires (forecasting), a diverted call without its
    channel is a warning, not a problem."""
    disp = out.get("disposition", pd.Series([""] * c.n))
    to = out.get("divert_to", pd.Series([""] * c.n))
    diverted = (disp == "divert").to_numpy()
    target = (to != "").to_numpy()
    shown_disp, shown_to = disp.to_numpy(), to.to_numpy()
    c.rows(
        "divert_to without divert",
        target & ~diverted,
        lambda p: (
            f"column divert_to: {shown_to[p]!r} given but disposition is "
            f"{shown_disp[p] or 'empty'!r} (divert_to is only for disposition 'divert')"
        ),
    )
    missing = diverted & ~target
    if "disposition" in out and not strict and missing.any():
        c.warnings.append(
            f"no divert_to column: {missing.sum():,} diverted calls have no channel "
            "(needed only to train the router)"
        )
    elif "disposition" in out:
        c.rows(
            "divert without divert_to",
            diverted & ~target,
            lambda p: (
                "column divert_to: empty but disposition is 'divert' "
                f"(use one of {', '.join(labels.DIVERT_TO)})"
            ),
        )
    out["divert_to"] = to


def check_urgent(c: Checker, required: bool) -> pd.Series:
    series = c.df["urgent"]
    if pd.api.types.is_bool_dtype(series) and not series.isna().any():
        return series.astype(bool).reset_index(drop=True)
    values = strings(series).str.lower()
    truthy = values.isin(labels.TRUE_WORDS).to_numpy()
    falsy = values.isin(labels.FALSE_WORDS).to_numpy()
    empty = (values == "").to_numpy()
    bad = ~(truthy | falsy | empty)
    c.bad_values("urgent", values, bad, "urgent value", labels.BOOL_SHOWN)
    if empty.any():
        if required:
            c.rows("empty urgent", empty, lambda p: "column urgent: empty (required)")
        else:
            c.warnings.append(f"column urgent: {empty.sum():,} empty values taken as false")
    return pd.Series(truthy)
