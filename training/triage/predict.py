"""``jingqing predict triage``: batch suggestions from ``models:/triage@champion``.

Input is JSONL or CSV with a ``text`` column; output is JSONL, one line per input row in
order, with the other input columns copied through. A bad row (empty text, more than
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


def read_rows(path: Path) -> tuple[list[dict], list[str | None]]:
    """Input rows as dicts, and a per-row read error (None when the row is fine)."""
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
    if rows and not any("text" in r for r in rows):
        raise UserError(f"--input {path}: no 'text' field in any row")
    return rows, errors


def _read_csv(path: Path) -> tuple[list[dict], list[str | None]]:
    from features.io import read_table

    table = read_table(path)
    if table.frame is None:
        raise UserError(table.problems[0] if table.problems else f"--input {path}: unreadable")
    frame = table.frame
    if "text" not in frame.columns:
        cols = ", ".join(map(str, frame.columns))
        raise UserError(f"--input {path}: no 'text' column (columns found: {cols})")
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


def score_chunk(model, texts: list[str]) -> list[dict]:
    """Suggestions for one partition of texts (independent of every other chunk)."""
    return [Suggestion.coerce(s).model_dump() for s in model.suggest(texts)]


def _score_part(texts: list[str], model) -> list[dict]:
    return score_chunk(model, texts)


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
    model=None,
    model_version: str | None = None,
    show_progress: bool = True,
) -> PredictSummary:
    """Score every row of ``input_path`` and write JSONL to ``output_path``, in order."""
    from features.tasks import map_tasks

    input_path, output_path = Path(input_path), Path(output_path)
    rows, errors = read_rows(input_path)
    if model is None:
        from training.tracking import load_champion

        model, model_version = load_champion("triage")
    problems = [err or row_problem(r.get("text")) for r, err in zip(rows, errors, strict=True)]
    good = [i for i, p in enumerate(problems) if p is None]
    parts = [good[start : start + batch_size] for start in range(0, len(good), batch_size)]
    chunks = [[rows[i]["text"] for i in part] for part in parts]
    scored = map_tasks(
        _score_part, chunks, model, desc="triage" if show_progress else None, unit="chunk"
    )
    suggestions: dict[int, dict] = {}
    for part, results in zip(parts, scored, strict=True):
        suggestions.update(zip(part, results, strict=True))

    output_path.parent.mkdir(parents=True, exist_ok=True)
    with output_path.open("w", encoding="utf-8") as fh:
        for i, row in enumerate(rows):
            out = _passthrough(row)
            if problems[i] is not None:
                out["error"] = problems[i]
            else:
                out.update(suggestions[i])
                out["model_version"] = model_version
            fh.write(json.dumps(out, ensure_ascii=False) + "\n")
    n_err = sum(p is not None for p in problems)
    return PredictSummary(len(rows), len(good), n_err, str(model_version), output_path)
