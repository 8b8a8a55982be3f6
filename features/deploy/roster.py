"""Units on duty per shift: ``--units N`` or a roster file / JSON list, validated row by row.

A roster row is ``shift`` (1-based), ``units`` (whole number ≥ 0), optional ``kind``
(``car``, ``motorbike``, ``foot``; default car) and optional ``grid_id``: units with a grid
are pinned there (they count toward its minimum), the others are placed by the allocator.
Every defect is one line naming the row and the field.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from features.deploy.travel import UNIT_KINDS
from features.errors import UserError

__all__ = ["Roster", "RosterEntry"]

COLUMNS = ("shift", "units", "kind", "grid_id")
MAX_UNITS = 100_000  # per shift or roster row, as POST /plan's schema says


@dataclass(frozen=True)
class RosterEntry:
    shift: int
    units: int
    kind: str = "car"
    grid_id: str | None = None


def _field(i: int, col: str) -> str:
    return f"roster.{i}.{col}"


@dataclass
class Roster:
    entries: list[RosterEntry]
    # names row ``i``'s field ``col`` in messages: ``roster.2.grid_id`` for a request body,
    # ``roster.csv line 4, column grid_id`` for a file
    where: Callable[[int, str], str] = field(default=_field, repr=False, compare=False)
    # names the whole roster in messages: ``roster`` for a request body, the file's path
    name: str = field(default="roster", repr=False, compare=False)

    @classmethod
    def uniform(cls, units, shifts: int, kind: str = "car") -> Roster:
        """``units`` free units of ``kind`` on every shift (``--units N``)."""
        n = _whole(units, "--units", maximum=MAX_UNITS)
        return cls([RosterEntry(s, n, kind) for s in range(1, shifts + 1)])

    @classmethod
    def from_file(cls, path: str | Path) -> Roster:
        path = Path(path)
        if _is_workbook(path):
            raise UserError(
                f"{path}: an Excel workbook, not CSV; save it as CSV (UTF-8) with the columns "
                f"{','.join(COLUMNS)}"
            )
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except FileNotFoundError:
            raise UserError(f"roster file not found: {path}") from None
        except IsADirectoryError:
            raise UserError(f"{path}: is a directory, not a roster file") from None
        except pd.errors.EmptyDataError:
            raise UserError(f"{path}: the roster is empty (header: {','.join(COLUMNS)})") from None
        except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise UserError(f"{path}: cannot read the roster ({exc})") from None
        frame.columns = [str(c).strip().lower() for c in frame.columns]
        missing = [c for c in ("shift", "units") if c not in frame.columns]
        if missing:
            found = ", ".join(repr(c) for c in frame.columns[:4])
            raise UserError(
                f"{path}: no column {missing[0]} (a roster has the columns "
                f"{','.join(COLUMNS)}; this one has {found})"
            )
        records = frame.to_dict("records")
        return cls.from_records(
            records, lambda i, col: f"{path} line {i + 2}, column {col}", name=str(path)
        )

    @classmethod
    def from_records(cls, records, where=None, name: str = "roster") -> Roster:
        """From dicts (``POST /plan``'s ``roster``); ``where(i, field)`` names a field and
        ``name`` the whole roster."""
        where = where or _field
        if not isinstance(records, list) or not records:
            raise UserError(f"{name}: needs at least one row with shift and units")
        entries = []
        for i, rec in enumerate(records):
            if not isinstance(rec, dict):
                raise UserError(f"roster.{i}: must be an object with shift and units")
            unknown = sorted(set(rec) - set(COLUMNS))
            if unknown:
                raise UserError(
                    f"{where(i, unknown[0])}: unknown field (use {', '.join(COLUMNS)})"
                )
            shift = _whole(rec.get("shift"), where(i, "shift"), minimum=1)
            units = _whole(rec.get("units"), where(i, "units"), maximum=MAX_UNITS)
            kind = str(rec.get("kind") or "car").strip().lower()
            if kind not in UNIT_KINDS:
                raise UserError(
                    f"{where(i, 'kind')}: {kind!r} is not one of {', '.join(UNIT_KINDS)}"
                )
            grid = rec.get("grid_id")
            grid = None if grid is None or str(grid).strip() == "" else str(grid).strip()
            entries.append(RosterEntry(shift, units, kind, grid))
        return cls(entries, where, name)

    def check(self, shifts: int, grid_ids) -> None:
        """Every shift has a row, no row names a shift or grid the plan does not have."""
        known = {str(g) for g in grid_ids}
        for i, e in enumerate(self.entries):
            if e.shift > shifts:
                raise UserError(
                    f"{self.where(i, 'shift')}: shift {e.shift} but the plan has {shifts}"
                )
            if e.grid_id is not None and e.grid_id not in known:
                raise UserError(
                    f"{self.where(i, 'grid_id')}: {e.grid_id!r} is not a grid of the forecast"
                )
        missing = sorted(set(range(1, shifts + 1)) - {e.shift for e in self.entries})
        if missing:
            raise UserError(f"{self.name}: no units for shift {missing[0]} (shifts 1-{shifts})")

    def for_shift(self, shift: int) -> list[RosterEntry]:
        return [e for e in self.entries if e.shift == shift]


def _is_workbook(path: Path) -> bool:
    """An .xlsx/.xls file, by its name or its first bytes (zip, or OLE2 for old .xls)."""
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        return True
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError:
        return False  # read_csv says what is wrong with it
    return head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))


def _whole(value, name: str, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole number in ``[minimum, maximum]`` from an int, float or string; else one
    clear line."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise UserError(f"{name}: missing (a whole number ≥ {minimum})")
    if isinstance(value, bool):
        raise UserError(f"{name}: must be a whole number, got {value!r}")
    try:
        num = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise UserError(f"{name}: must be a whole number, got {value!r}") from None
    if not math.isfinite(num) or num != int(num):
        raise UserError(f"{name}: must be a whole number, got {value!r}")
    if num < minimum:
        what = "negative" if num < 0 else f"below {minimum}"
        raise UserError(f"{name}: {int(num)} is {what} (a whole number ≥ {minimum})")
    if maximum is not None and num > maximum:
        raise UserError(f"{name}: {int(num)} is more than {maximum:,} units")
    return int(num)
