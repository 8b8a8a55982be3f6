"""Reading calls files (CSV, gzip CSV, Parquet) without ever crashing on a bad one.

Real exports arrive truncated, ragged, GBK-encoded, with a byte-order mark, or as something
that is not a table at all. ``read_table`` turns every such defect into a problem line a
user can act on ("row 17 (line 18): has 3 fields, the header has 8") instead of a
traceback, and keeps the file line of every data row so later checks can cite it.

CSV files are read as text only (every cell a string): types are decided by the schema
checks, which can then say exactly which cell is wrong.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["ProblemLog", "RawTable", "read_table", "read_text", "row_labels"]

MAX_PER_KIND = 50
# Share of NUL or control characters beyond which a file is binary, not text with defects.
_BINARY_SHARE = 0.001
# Cells may be long (a pasted transcript); the schema cuts and names them, the reader must not
# give up on the whole file (the csv module's default limit is 131,072 characters).
_MAX_FIELD_CHARS = 64 * 1024 * 1024
_DELIMITERS = (",", "\t", ";", "|")


class ProblemLog:
    """Problem lines grouped by kind, capped so a million bad rows don't flood a terminal."""

    def __init__(self, cap: int = MAX_PER_KIND) -> None:
        self.cap = cap
        self._lines: dict[str, list[str]] = {}
        self._extra: dict[str, int] = {}

    def add(self, kind: str, line: str) -> None:
        lines = self._lines.setdefault(kind, [])
        if len(lines) < self.cap:
            lines.append(line)
        else:
            self._extra[kind] = self._extra.get(kind, 0) + 1

    def add_many(self, kind: str, lines: list[str], total: int | None = None) -> None:
        """Add pre-formatted lines; ``total`` counts lines not formatted (beyond the cap)."""
        for line in lines:
            self.add(kind, line)
        if total is not None and total > len(lines):
            self._extra[kind] = self._extra.get(kind, 0) + total - len(lines)

    def lines(self) -> list[str]:
        out: list[str] = []
        for kind, lines in self._lines.items():
            out.extend(lines)
            if self._extra.get(kind):
                out.append(f"... and {self._extra[kind]:,} more like this ({kind})")
        return out

    def __bool__(self) -> bool:
        return bool(self._lines)


@dataclass
class RawTable:
    """A file read as a table: ``frame`` is None when nothing usable could be read."""

    source: str
    frame: pd.DataFrame | None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lines: np.ndarray | None = None  # file line of each data row (CSV only)
    encoding: str = ""


def row_labels(positions: np.ndarray, lines: np.ndarray | None) -> list[str]:
    """``row 17 (line 18)`` for 0-based frame positions (rows count from 1, after the header)."""
    if lines is None:
        return [f"row {p + 1}" for p in positions]
    return [f"row {p + 1} (line {lines[p]})" for p in positions]


def read_table(path: str | Path) -> RawTable:
    """Read a CSV (optionally gzip) or Parquet file into a DataFrame, reporting defects."""
    path = Path(path)
    source = str(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        return RawTable(source, None, [f"{source}: is a directory, not a file"])
    except OSError as exc:
        return RawTable(source, None, [f"{source}: cannot read ({exc.strerror or exc})"])
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (EOFError, OSError, zlib.error) as exc:
            return RawTable(source, None, [f"{source}: broken gzip file ({exc})"])
    if data[:4] == b"PAR1":
        return _read_parquet(path)
    if data[:4] == b"PK\x03\x04":
        return RawTable(
            source, None, [f"{source}: looks like a zip/Excel file; export it as CSV (UTF-8)"]
        )
    return _read_csv_bytes(data, source)


def read_text(path: str | Path, flag: str = "--input") -> tuple[str, list[str]]:
    """A text file (optionally gzip; UTF-8, UTF-16 or GBK) and its warnings.

    Raises:
        UserError: missing, unreadable, a broken gzip stream, or not text at all.
    """
    from features.errors import UserError

    source = f"{flag} {path}"
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UserError(f"{source}: cannot read ({exc.strerror or exc})") from None
    if data[:2] == b"\x1f\x8b" or str(path).endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (EOFError, OSError, zlib.error) as exc:
            raise UserError(f"{source}: broken or truncated gzip file ({exc})") from None
    text, _, problems, warnings = _decode(data, source)
    if text is None:
        raise UserError(problems[0])
    return text, warnings


def _read_parquet(path: Path) -> RawTable:
    source = str(path)
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for corrupt files
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return RawTable(source, None, [f"{source}: cannot read as Parquet ({first})"])
    frame.columns = [str(c) for c in frame.columns]
    frame = frame.reset_index(drop=True)
    if frame.empty:
        return RawTable(source, None, [f"{source}: the Parquet file has no rows"])
    return RawTable(source, frame, encoding="parquet")


def _decode(data: bytes, source: str) -> tuple[str | None, str, list[str], list[str]]:
    """Text, encoding name, problems, warnings. Detects, never silently guesses."""
    warnings: list[str] = []
    if data.startswith(codecs.BOM_UTF8):  # Excel writes one: nothing to warn about
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            return None, "", [f"{source}: broken UTF-16 text ({exc.reason})"], warnings
        warnings.append(f"{source}: encoded as UTF-16; decoded (UTF-8 is preferred)")
        return text, "utf-16", [], warnings
    if data[:65536].count(b"\x00") > _BINARY_SHARE * min(len(data), 65536):
        return None, "", [f"{source}: contains NUL bytes: a binary file, not CSV text"], warnings
    try:
        return data.decode("utf-8"), "utf-8", [], warnings
    except UnicodeDecodeError as utf8_error:
        bad_line = data.count(b"\n", 0, utf8_error.start) + 1
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            return (
                None,
                "",
                [
                    f"{source}: line {bad_line}: not UTF-8 text and not GBK/GB18030 either "
                    f"(byte 0x{data[utf8_error.start]:02x}); save the file as UTF-8 CSV"
                ],
                warnings,
            )
    warnings.append(f"{source}: not UTF-8; read as GBK/GB18030 (Chinese Windows encoding)")
    return text, "gb18030", [], warnings


def _read_csv_bytes(data: bytes, source: str) -> RawTable:
    if not data.strip():
        return RawTable(source, None, [f"{source}: the file is empty"])
    text, encoding, problems, warnings = _decode(data, source)
    if text is None:
        return RawTable(source, None, problems, warnings)
    # A few control characters are cell defects the schema names by row; many are a
    # binary file.
    control = sum(text[:65536].count(ch) for ch in "\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0e")
    if control > max(10, _BINARY_SHARE * min(len(text), 65536)):
        return RawTable(
            source, None, [f"{source}: full of control characters: not CSV text"], warnings
        )
    first_line = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first_line.count)
    if delimiter != "," and first_line.count(delimiter) > 0:
        warnings.append(f"{source}: columns separated by {delimiter!r}, not commas")
    try:
        header, rows, starts = _parse(text, delimiter)
    except csv.Error as exc:
        problems.append(f"{source}: CSV syntax error ({exc})")
        return RawTable(source, None, problems, warnings, encoding=encoding)
    if header is None:
        return RawTable(source, None, [f"{source}: the file is empty"], warnings)
    header = [h.strip().lstrip("\ufeff") for h in header]
    for i, name in enumerate(header):
        if not name:
            header[i] = f"column_{i + 1}"
            warnings.append(
                f"{source}: column {i + 1} has no name in the header; called {header[i]}"
            )
    dups = pd.Index(header)[pd.Index(header).duplicated()].unique()
    for name in dups:
        problems.append(f"{source}: column {name!r} appears more than once in the header")
    if len(dups):  # every later check would be ambiguous about which column it means
        return RawTable(source, None, problems, warnings, encoding=encoding)
    if not rows:
        problems.append(f"{source}: has a header ({', '.join(header)}) but no data rows")
        return RawTable(source, None, problems, warnings, encoding=encoding)
    lines = starts
    width = len(header)
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    ragged = np.flatnonzero(lengths != width)
    log = ProblemLog()
    ends_cleanly = text.endswith(("\n", "\r"))
    for pos in ragged:
        label = row_labels(np.array([pos]), lines)[0]
        got = int(lengths[pos])
        if pos == len(rows) - 1 and got < width and not ends_cleanly:
            log.add(
                "truncated",
                f"{label}: the last line is cut off ({got} of {width} fields, no newline at "
                "the end); the file looks truncated",
            )
        else:
            log.add("ragged", f"{label}: has {got} fields, the header has {width}")
        rows[pos] = (rows[pos] + [""] * width)[:width]
    problems.extend(log.lines())
    columns = list(zip(*rows, strict=True))
    frame = pd.DataFrame(
        {name: np.asarray(col, dtype=object) for name, col in zip(header, columns, strict=True)}
    )
    return RawTable(source, frame, problems, warnings, lines=lines, encoding=encoding)


def _parse(text: str, delimiter: str) -> tuple[list[str] | None, list[list[str]], np.ndarray]:
    """Header, data records and the file line each record starts on.

    Fast path: when every physical line is one record (no blank lines, no quoted line
    breaks), line numbers are simply 2, 3, …; otherwise records are walked one by one.
    """
    if csv.field_size_limit() < _MAX_FIELD_CHARS:
        csv.field_size_limit(_MAX_FIELD_CHARS)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    physical = text.count("\n") + (0 if text.endswith("\n") else 1)
    blank = any(not r or (len(r) == 1 and not r[0].strip()) for r in records)
    if records and len(records) == physical and not blank:
        return records[0], records[1:], np.arange(2, len(records) + 1, dtype=np.int64)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[list[str]] = []
    starts: list[int] = []
    prev = 0
    for record in reader:
        start, prev = prev + 1, reader.line_num
        if not record or (len(record) == 1 and not record[0].strip()):
            continue  # blank lines carry nothing
        if header is None:
            header = record
            continue
        rows.append(record)
        starts.append(start)
    return header, rows, np.asarray(starts, dtype=np.int64)
