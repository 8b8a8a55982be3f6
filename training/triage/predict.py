"""``jingqing predict triage``: batch suggestions from ``models:/triage@champion``.

Input is JSONL or CSV with a ``text`` column (or the column ``--map text=SRC`` names);
output is one row per input row in order, with the other input columns copied through:
JSONL for ``.jsonl``/``.json``, CSV for Excel (UTF-8 with BOM) for ``.csv``. A bad row (empty text, more than
2,000 characters, a broken JSON line) gets an ``error`` field instead of stopping the
batch. Scoring runs chunk by chunk through :func:`score_chunk`, a plain function over a
partition, as Dask tasks when ``--scheduler`` is given (:mod:`training.distributed`).
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from features.contract import MAX_TEXT_CHARS, Suggestion
from features.errors import UserError

# Output keys of a scored row; an input column of the same name is written as ``input_<name>``.
_RESERVED = {*Suggestion.model_fields, "error", "model_version"}


@dataclass
class PredictSummary:
    rows: int
    scored: int
    errors: int
    model_version: str
    output: Path


def read_rows(
    path: Path, mapping: dict[str, str] | None = None
) -> tuple[list[dict], list[str | None]]:
    """Input rows as dicts, and a per-row read error (None when the row is fine);
    ``mapping`` ({"text": "description"}) renames the file's columns first."""
    rows, errors = _read_any(path)
    for col, src in (mapping or {}).items():
        if col == src:
            continue
        if rows and not any(src in r for r in rows):
            raise UserError(f"--map {col}={src}: no column {src!r} in {path}")
        rows = [{(col if k == src else k): v for k, v in r.items() if k != col} for r in rows]
    if rows and not any("text" in r for r in rows):
        raise UserError(
            f"--input {path}: no 'text' field in any row (name it with --map text=COL)"
        )
    return rows, errors


def _read_any(path: Path) -> tuple[list[dict], list[str | None]]:
    if not path.is_file():
        raise UserError(f"--input {path}: file not found")
    suffix = "".join(path.suffixes[-2:]).lower()
    if suffix.endswith((".jsonl", ".json", ".ndjson", ".jsonl.gz")):
        return _read_jsonl(path)
    if suffix.endswith((".csv", ".csv.gz", ".txt")):
        return _read_csv(path)
    raise UserError(f"--input {path}: expected a .jsonl or .csv file")


def _read_jsonl(path: Path) -> tuple[list[dict], list[str | None]]:
    from features.io import read_text

    text, warnings = read_text(path)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    rows: list[dict] = []
    errors: list[str | None] = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append({})
            errors.append(f"line {lineno}: not valid JSON ({exc.msg})")
            continue
        except RecursionError:
            rows.append({})
            errors.append(f"line {lineno}: JSON nested too deeply")
            continue
        if not isinstance(obj, dict):
            rows.append({})
            errors.append(f"line {lineno}: expected a JSON object with a 'text' field")
            continue
        rows.append(obj)
        errors.append(None)
    return rows, errors


def _read_csv(path: Path) -> tuple[list[dict], list[str | None]]:
    from features.io import read_table

    table = read_table(path)
    if table.frame is None:
        raise UserError(table.problems[0] if table.problems else f"--input {path}: unreadable")
    frame = table.frame
    frame = frame.astype(object).where(frame.notna(), None)
    rows = frame.to_dict(orient="records")
    return rows, [None] * len(rows)


def row_problem(text: object) -> str | None:
    """Why a text cannot be scored, or None (the service's limits: 1–2,000 characters)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return "text: missing"
    if not isinstance(text, str):
        return f"text: expected a string, got {type(text).__name__}"
    if not text.strip():
        return "text: empty"
    if len(text) > MAX_TEXT_CHARS:
        return f"text: {len(text):,} characters, more than the limit of {MAX_TEXT_CHARS:,}"
    return None


def score_chunk(model, texts: list[str], brief: bool = False) -> list[dict]:
    """Suggestions for one partition of texts (independent of every other chunk), as the
    contract's mappings: straight from the batch's arrays when the model builds them.
    ``brief``: the category part only (``features.answers.BRIEF_FIELDS``)."""
    if brief:
        from features.answers import BRIEF_FIELDS, brief_rows

        if hasattr(model, "classify"):
            return brief_rows(model.classify(texts), model.classes)
        full = score_chunk(model, texts)
        return [{k: row[k] for k in BRIEF_FIELDS} for row in full]
    if hasattr(model, "answers"):
        return model.answers(texts)
    return [Suggestion.coerce(s).model_dump() for s in model.suggest(texts)]


def _score_part(texts: list[str], model) -> list[dict]:
    return score_chunk(model, texts)


def _brief_part(texts: list[str], model) -> list[dict]:
    return score_chunk(model, texts, brief=True)


def _passthrough(row: dict) -> dict:
    out = {}
    for key, value in row.items():
        if key == "text":  # never echo raw text: it may hold unmasked personal data
            continue
        out[f"input_{key}" if key in _RESERVED else key] = _jsonable(value)
    return out


def _jsonable(value):
    if value is None:
        return None
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def run_predict_triage(
    input_path: str | Path,
    output_path: str | Path,
    *,
    batch_size: int = 1024,
    mapping: dict[str, str] | None = None,
    model=None,
    model_version: str | None = None,
    show_progress: bool = True,
    registered: str = "triage",
    brief: bool = False,
) -> PredictSummary:
    """Score every row of ``input_path`` and write it to ``output_path`` (JSONL, or CSV when
    the name ends in ``.csv``), in order, with ``registered@champion`` unless ``model``;
    ``brief``: the category part of each answer only (no keywords, routing or urgency)."""
    from features.tasks import map_tasks

    input_path, output_path = Path(input_path), Path(output_path)
    rows, errors = read_rows(input_path, mapping)
    if model is None:
        from training.tracking import load_champion

        model, model_version = load_champion(registered)  # the city's (training.datasets)
    problems = [err or row_problem(r.get("text")) for r, err in zip(rows, errors, strict=True)]
    good = [i for i, p in enumerate(problems) if p is None]
    parts = [good[start : start + batch_size] for start in range(0, len(good), batch_size)]
    chunks = [[rows[i]["text"] for i in part] for part in parts]
    scored = map_tasks(
        _brief_part if brief else _score_part,
        chunks,
        model,
        desc="triage" if show_progress else None,
        unit="chunk",
    )
    suggestions: dict[int, dict] = {}
    for part, results in zip(parts, scored, strict=True):
        suggestions.update(zip(part, results, strict=True))

    out_rows = []
    for i, row in enumerate(rows):
        out = _passthrough(row)
        if problems[i] is not None:
            out["error"] = problems[i]
        else:
            out.update(suggestions[i])
            out["model_version"] = model_version
        out_rows.append(out)
    write_rows(out_rows, output_path)
    n_err = sum(p is not None for p in problems)
    return PredictSummary(len(rows), len(good), n_err, str(model_version), output_path)


def write_rows(rows: list[dict], path: Path) -> None:
    """JSONL, or for a ``.csv`` name a CSV for Excel: UTF-8 with BOM, one column per key
    (in first-seen order), lists and mappings as JSON text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.name.lower().endswith(".csv"):
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    from features.excel import write_excel_csv

    columns = list(dict.fromkeys(key for row in rows for key in row))
    cells = [
        {
            k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
            for k, v in r.items()
        }
        for r in rows
    ]
    write_excel_csv(pd.DataFrame(cells, columns=columns), path)
