"""CSV files a person opens in Excel or WPS: UTF-8 with a byte-order mark (so Chinese text
is not mojibake) and local times as ``YYYY-MM-DD HH:MM`` (which Excel reads as a date).

Every reader in the project strips the BOM (:mod:`features.io`, ``encoding="utf-8-sig"``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

EXCEL_ENCODING = "utf-8-sig"
EXCEL_TIME = "%Y-%m-%d %H:%M"


def local_time_text(values, timezone: str | None = None) -> list[str]:
    """Times as local wall-clock text Excel parses as a date; aware times are converted to
    ``timezone`` first (their own zone when None), blanks stay blank."""
    stamps = pd.to_datetime(pd.Series(list(values), dtype=object), errors="coerce", utc=False)
    out: list[str] = []
    for ts in stamps:
        if ts is None or pd.isna(ts):
            out.append("")
            continue
        ts = pd.Timestamp(ts)
        if ts.tzinfo is not None and timezone:
            ts = ts.tz_convert(timezone)
        out.append(ts.strftime(EXCEL_TIME))
    return out


def write_excel_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """``frame`` as CSV for people: UTF-8 with BOM, no index column."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, encoding=EXCEL_ENCODING)
    return path
