"""The police's own coding (警情类别 / 警情类型) mapped onto the product's labels.

Real dispatch exports carry a major class (``police_class``: a name such as 治安警情 or its
two-digit code 20) and a type under it (``police_type``: 打架斗殴, 治安纠纷, …). The default
national map ships with the package as data (``national_label_map.csv``, the table in
docs/TAXONOMY.md), not as code, so a city can read it and replace or extend it with its own
file (``--label-map FILE``, same columns) without touching the program.

A type decides only where the map lists it under its class (the exceptions column of the
taxonomy); any other type takes its class's row. An unknown class is a problem: guessing a
label for a class nobody mapped would train the model on a made-up answer.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from features import labels
from features.errors import UserError

DEFAULT_MAP = Path(__file__).with_name("national_label_map.csv")
MAP_COLUMNS = ("code", "police_class", "police_type", "category", "disposition", "divert_to")
REQUIRED_MAP_COLUMNS = ("police_class", "category", "disposition")
LABEL_COLUMNS = ("category", "disposition", "divert_to")


def normalise(value: object) -> str:
    """Comparable form of a class or type name: NFKC, no spaces, 其它 → 其他, codes unpadded.

    Why: exports of one city spell the same class "其它", "其他 " or with full-width digits.
    """
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    text = text.replace("其它", "其他")
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if text.isdigit():
        text = text.lstrip("0") or "0"
    return text


@dataclass(frozen=True)
class Route:
    """What a (class, type) means in the product's labels."""

    category: str
    disposition: str
    divert_to: str


@dataclass
class LabelMap:
    """Class aliases and codes → canonical class; (class, type) → labels."""

    source: str
    aliases: dict[str, str] = field(default_factory=dict)  # normalised name/code → class
    codes: dict[str, str] = field(default_factory=dict)  # class → code
    routes: dict[tuple[str, str], Route] = field(default_factory=dict)  # (class, type|"")

    def canonical(self, value: object) -> str | None:
        """The canonical class for a name or code, or None when the map does not know it."""
        return self.aliases.get(normalise(value))

    def lookup(self, police_class: object, police_type: object = "") -> Route | None:
        cls = self.canonical(police_class)
        if cls is None:
            return None
        kind = normalise(police_type) if police_type not in (None, "") else ""
        return self.routes.get((cls, kind)) or self.routes.get((cls, ""))

    def merge(self, other: LabelMap) -> LabelMap:
        """This map extended by ``other``: its rows replace rows with the same key."""
        out = LabelMap(f"{self.source} + {other.source}")
        out.aliases = dict(self.aliases)
        out.codes = dict(self.codes)
        out.routes = dict(self.routes)
        for alias, cls in other.aliases.items():
            # A city row naming a known class by code or alias joins that class.
            target = self.aliases.get(alias, cls)
            out.aliases[alias] = target
        for cls, code in other.codes.items():
            out.codes.setdefault(out.aliases.get(normalise(cls), cls), code)
        for (cls, kind), route in other.routes.items():
            out.routes[(out.aliases.get(normalise(cls), cls), kind)] = route
        return out


def _fail(source: str, line: int, message: str) -> UserError:
    return UserError(f"label map {source}: line {line}: {message}")


def parse_label_map(text: str, source: str) -> LabelMap:
    """Read a label-map CSV (columns as ``MAP_COLUMNS``; ``code``, ``police_type`` and
    ``divert_to`` may be blank; several names of one class are joined with ``|``).

    Raises:
        UserError: a missing column, an unknown label or an inconsistent route, naming
            the file line.
    """
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise UserError(f"label map {source}: not a readable CSV ({exc})") from None
    table.columns = [str(c).strip() for c in table.columns]
    missing = [c for c in REQUIRED_MAP_COLUMNS if c not in table.columns]
    if missing:
        raise UserError(
            f"label map {source}: missing column(s) {', '.join(missing)} "
            f"(expected {', '.join(MAP_COLUMNS)})"
        )
    out = LabelMap(source)
    for pos, row in enumerate(table.to_dict(orient="records")):
        line = pos + 2  # after the header, counting from 1
        names = [n for n in (normalise(x) for x in str(row["police_class"]).split("|")) if n]
        if not names:
            raise _fail(source, line, "police_class is empty")
        category = str(row["category"]).strip()
        disposition = str(row["disposition"]).strip()
        divert_to = str(row.get("divert_to", "")).strip()
        if category not in labels.CATEGORIES:
            raise _fail(
                source, line, f"category {category!r}: use one of {', '.join(labels.CATEGORIES)}"
            )
        if disposition not in labels.DISPOSITIONS:
            raise _fail(
                source,
                line,
                f"disposition {disposition!r}: use one of {', '.join(labels.DISPOSITIONS)}",
            )
        if (disposition == "divert") != bool(divert_to):
            raise _fail(source, line, "divert_to is given exactly when disposition is 'divert'")
        if divert_to and divert_to not in labels.DIVERT_TO:
            raise _fail(
                source, line, f"divert_to {divert_to!r}: use one of {', '.join(labels.DIVERT_TO)}"
            )
        code = normalise(row.get("code", "")) if str(row.get("code", "")).strip() else ""
        cls = out.aliases.get(names[0]) or (out.aliases.get(code) if code else None) or names[0]
        for name in names:
            out.aliases.setdefault(name, cls)
        if code:
            out.aliases.setdefault(code, cls)
            out.codes.setdefault(cls, code)
        kind = normalise(row.get("police_type", "")) if row.get("police_type") else ""
        out.routes[(cls, kind)] = Route(category, disposition, divert_to)
    if not out.routes:
        raise UserError(f"label map {source}: no rows")
    return out


def load_label_map(path: str | Path | None = None, *, replace: bool = False) -> LabelMap:
    """The national map, extended by (or, with ``replace``, replaced by) a city's file.

    Raises:
        UserError: the file is missing or malformed.
    """
    default = parse_label_map(DEFAULT_MAP.read_text(encoding="utf-8"), "national default")
    if path is None:
        return default
    p = Path(path)
    if not p.is_file():
        raise UserError(f"--label-map {p}: file not found")
    raw = p.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UserError(f"--label-map {p}: neither UTF-8 nor GBK text")
    city = parse_label_map(text, str(p))
    return city if replace else default.merge(city)


@dataclass
class Mapped:
    """Labels derived for each row, the rows the map did not know, and the class table."""

    labels: pd.DataFrame  # category, disposition, divert_to ("" where unmapped)
    unmapped: list[tuple[str, int, int]]  # (value, rows, first row position)
    table: pd.DataFrame  # police_class, police_type, category, ..., rows


def apply_label_map(
    police_class: pd.Series, police_type: pd.Series | None, label_map: LabelMap
) -> Mapped:
    """Map every row's (class, type) through ``label_map``, one lookup per distinct pair."""
    cls = _strings(police_class)
    kind = _strings(police_type) if police_type is not None else [""] * len(cls)
    pairs = list(zip(cls, kind, strict=True))
    found: dict[tuple[str, str], tuple[Route | None, str, str]] = {}
    for c, t in set(pairs):
        canonical = label_map.canonical(c) if c else None
        route = label_map.lookup(c, t) if canonical else None
        shown_type = t if canonical and (canonical, normalise(t)) in label_map.routes else ""
        found[(c, t)] = (route, canonical or c, shown_type)
    rows = [found[p] for p in pairs]
    out = pd.DataFrame(
        {col: [getattr(r, col) if r else "" for r, _, _ in rows] for col in LABEL_COLUMNS}
    )
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for pos, ((route, _, _), c) in enumerate(zip(rows, cls, strict=True)):
        if route is None and c:
            counts[c] = counts.get(c, 0) + 1
            first.setdefault(c, pos)
    unmapped = sorted(((v, n, first[v]) for v, n in counts.items()), key=lambda u: (-u[1], u[2]))
    table = (
        out.assign(police_class=[name for _, name, _ in rows], police_type=[t for _, _, t in rows])
        .groupby(["police_class", "police_type", *LABEL_COLUMNS], sort=False)
        .size()
        .rename("rows")
        .reset_index()
        .sort_values("rows", ascending=False, kind="stable")
        .reset_index(drop=True)
    )
    return Mapped(out, unmapped, table)


def _strings(series: pd.Series) -> list[str]:
    return series.astype(object).where(series.notna(), "").astype(str).str.strip().tolist()


def format_table(table: pd.DataFrame, label_map: LabelMap) -> str:
    """The class → label table ``jingqing validate`` prints (counts per mapped pair)."""
    lines = [f"{'code':<5} {_pad('police_class / type', 28)} {'category':<13} {'route':<16} rows"]
    for row in table.itertuples(index=False):
        code = label_map.codes.get(row.police_class, "")
        name = (row.police_class or "(empty)") + (
            f" / {row.police_type}" if row.police_type else ""
        )
        route = row.disposition + (f" / {row.divert_to}" if row.divert_to else "")
        category = row.category or "(unmapped)"
        lines.append(f"{code:<5} {_pad(name, 28)} {category:<13} {route:<16} {row.rows:,}")
    return "\n".join(lines)


def _pad(text: str, width: int) -> str:
    """Left-justify to ``width`` terminal columns (a Chinese character takes two)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 0)


def fill_from_codes(
    df: pd.DataFrame, label_map: str | Path | None, row_label
) -> tuple[pd.DataFrame, list[str], pd.DataFrame | None, LabelMap | None]:
    """Derive ``category``/``disposition``/``divert_to`` from the police's coding.

    Only where the file has ``police_class`` and no ``category`` column (a city's own
    labels win). Returns the frame (with the derived columns added), problem lines (one
    per unmapped class: value, rows, first row; and rows without a class), the mapping
    table and the map used. ``row_label(pos)`` names a row as the validator does.

    Raises:
        UserError: the label-map file is missing or malformed.
    """
    if "police_class" not in df.columns:
        return df, [], None, None
    used = load_label_map(label_map)
    kinds = df["police_type"] if "police_type" in df.columns else None
    mapped = apply_label_map(df["police_class"], kinds, used)
    if "category" in df.columns:
        return df, [], mapped.table, used
    problems = [
        f"{row_label(first)}, column police_class: unmapped value {value!r} in {rows:,} "
        f"row{'s' if rows != 1 else ''}; add it to a --label-map file (columns: "
        f"{','.join(MAP_COLUMNS[1:])})"
        for value, rows, first in mapped.unmapped
    ]
    blank = (df["police_class"].astype(object).where(df["police_class"].notna(), "")).astype(str)
    empty = np.flatnonzero(blank.str.strip().to_numpy() == "")
    if len(empty):
        problems.append(
            f"{row_label(int(empty[0]))}, column police_class: empty in {len(empty):,} "
            "row(s) and no category column to fall back on"
        )
    out = df.copy()
    for col in LABEL_COLUMNS:
        if col not in out.columns:
            out[col] = mapped.labels[col].to_numpy()
    return out, problems, mapped.table, used
