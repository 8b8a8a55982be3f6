"""Benchmark: how far a second human reader agrees with the gold labels of the hand-written sets.

A second reader labelled the texts of ``handwritten_v1`` and ``records_v1`` blind (shuffled
copies with opaque ids, texts only; protocol in ``training/evalset/second_reading/README.md``).
This script joins those labels to gold through the blind key and scores reader 2 as if it
were a model: accuracy, macro-F1, Cohen's kappa, per-class precision/recall/F1 and the
confusion matrix for ``category``; precision/recall of ``urgent``; agreement on
``disposition`` and ``divert_to``; and the same on the items reader 2 marked sure and
unsure, on gold's hard cases (``handwritten_v1``), on each voice, and on the records'
``city`` and ``holdout`` halves. The records carry two gold categories: the police code's
default map (``category``) and the live-text rules (``rule_category``); reader 2 read the
text by the rules, so both are reported. Macro-F1 and accuracy carry a 95 % bootstrap
interval over items (the sets are small). Writes
``benchmarks/results/triage_second_reader.json`` and prints a summary.

Run: ``.venv/bin/python benchmarks/triage/second_reader.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    cohen_kappa_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from training.evalset import RULE_NOTE

ROOT = Path(__file__).resolve().parents[2]
READING = ROOT / "training" / "evalset" / "second_reading"
RESULTS = ROOT / "benchmarks" / "results" / "triage_second_reader.json"
CATEGORIES = ["criminal", "public_order", "dispute", "assistance", "non_police"]
DISPOSITIONS = ["transfer", "on_scene", "divert"]
SETS = {"handwritten_v1": "handwritten_v1.jsonl", "records_v1": "records_v1.jsonl"}
LABEL_FIELDS = ("category", "urgent", "disposition", "divert_to")
BOOTSTRAP = 2000


class ReadingError(ValueError):
    """The label files or the key do not fit together (named in the message)."""


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ReadingError(f"{path}: line {n} is not JSON ({exc.msg})") from None
    return rows


def joined(gold_path: Path, reader_path: Path, key: dict[str, str]) -> pd.DataFrame:
    """Gold rows with reader 2's labels beside them (``r2_*``), one row per gold item."""
    gold = pd.DataFrame(read_jsonl(gold_path))
    reader = pd.DataFrame(read_jsonl(reader_path))
    for field in ("blind_id", *LABEL_FIELDS, "sure"):
        if field not in reader.columns:
            raise ReadingError(f"{reader_path}: no field {field!r}")
    unknown = sorted(set(reader["blind_id"]) - set(key))
    if unknown:
        raise ReadingError(f"{reader_path}: blind_id {unknown[0]} is not in the key")
    if reader["blind_id"].duplicated().any():
        dup = reader.loc[reader["blind_id"].duplicated(), "blind_id"].iloc[0]
        raise ReadingError(f"{reader_path}: blind_id {dup} appears twice")
    bad = reader.loc[~reader["category"].isin(CATEGORIES), "blind_id"]
    if len(bad):
        raise ReadingError(f"{reader_path}: blind_id {bad.iloc[0]} has an unknown category")
    reader["id"] = reader["blind_id"].map(key)
    reader = reader.rename(columns={f: f"r2_{f}" for f in (*LABEL_FIELDS, "sure", "note")})
    out = gold.merge(reader, on="id", how="inner", validate="one_to_one")
    missing = sorted(set(gold["id"]) - set(out["id"]))
    if missing:
        raise ReadingError(
            f"{reader_path}: no label for {len(missing)} gold items ({missing[0]}…)"
        )
    for col in ("divert_to", "r2_divert_to"):
        out[col] = out[col].fillna("").astype(str)
    out["urgent"] = out["urgent"].astype(bool)
    out["r2_urgent"] = out["r2_urgent"].astype(bool)
    out["r2_sure"] = out["r2_sure"].astype(bool)
    return out


def _bootstrap(gold: np.ndarray, pred: np.ndarray, rounds: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    n = len(gold)
    f1s, accs = [], []
    for _ in range(rounds):
        i = rng.integers(0, n, n)
        f1s.append(f1_score(gold[i], pred[i], labels=CATEGORIES, average="macro", zero_division=0))
        accs.append(float(np.mean(gold[i] == pred[i])))
    return {
        "macro_f1_95ci": [round(float(np.percentile(f1s, q)), 4) for q in (2.5, 97.5)],
        "accuracy_95ci": [round(float(np.percentile(accs, q)), 4) for q in (2.5, 97.5)],
    }


def category_scores(
    gold: pd.Series, pred: pd.Series, *, detail: bool = True, rounds: int = BOOTSTRAP
) -> dict:
    g, p = gold.to_numpy(dtype=str), pred.to_numpy(dtype=str)
    # Macro over the labels present in either column: a subset that holds no 'dispute' at
    # all should not score a zero for it.
    present = [c for c in CATEGORIES if c in set(g) | set(p)]
    out = {
        "n": int(len(g)),
        "accuracy": round(float(accuracy_score(g, p)), 4),
        "macro_f1": round(
            float(f1_score(g, p, labels=present, average="macro", zero_division=0)), 4
        ),
        "kappa": round(float(cohen_kappa_score(g, p, labels=CATEGORIES)), 4)
        if len(set(g) | set(p)) > 1
        else None,
    }
    if not detail:
        return out
    prec, rec, f1, support = precision_recall_fscore_support(
        g, p, labels=CATEGORIES, zero_division=0
    )
    out["per_class"] = {
        c: {
            "precision": round(float(prec[k]), 4),
            "recall": round(float(rec[k]), 4),
            "f1": round(float(f1[k]), 4),
            "gold": int(support[k]),
            "reader2": int((p == c).sum()),
        }
        for k, c in enumerate(CATEGORIES)
    }
    out["confusion"] = {
        "rows_gold_cols_reader2": CATEGORIES,
        "matrix": confusion_matrix(g, p, labels=CATEGORIES).tolist(),
    }
    if rounds:
        out.update(_bootstrap(g, p, rounds))
    return out


def urgent_scores(gold: pd.Series, pred: pd.Series) -> dict:
    g, p = gold.to_numpy(dtype=bool), pred.to_numpy(dtype=bool)
    tp, fp, fn = int((g & p).sum()), int((~g & p).sum()), int((g & ~p).sum())
    return {
        "n": int(len(g)),
        "gold_urgent": int(g.sum()),
        "reader2_urgent": int(p.sum()),
        "accuracy": round(float(np.mean(g == p)), 4),
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
        "kappa": round(float(cohen_kappa_score(g, p)), 4) if len(set(g) | set(p)) > 1 else None,
        "both": tp,
        "reader2_only": fp,
        "gold_only": fn,
    }


def route_scores(df: pd.DataFrame) -> dict:
    g, p = df["disposition"].astype(str), df["r2_disposition"].astype(str)
    both_divert = (g == "divert") & (p == "divert")
    return {
        "disposition": {
            "accuracy": round(float(accuracy_score(g, p)), 4),
            "macro_f1": round(
                float(f1_score(g, p, labels=DISPOSITIONS, average="macro", zero_division=0)), 4
            ),
            "kappa": round(float(cohen_kappa_score(g, p, labels=DISPOSITIONS)), 4),
            "confusion": {
                "rows_gold_cols_reader2": DISPOSITIONS,
                "matrix": confusion_matrix(g, p, labels=DISPOSITIONS).tolist(),
            },
        },
        "divert_to_when_both_divert": {
            "n": int(both_divert.sum()),
            "accuracy": round(
                float(
                    (
                        df.loc[both_divert, "divert_to"] == df.loc[both_divert, "r2_divert_to"]
                    ).mean()
                ),
                4,
            )
            if both_divert.any()
            else None,
        },
        "route_exact": round(
            float(((g == p) & (df["divert_to"] == df["r2_divert_to"])).mean()), 4
        ),
        "category_and_route_exact": round(
            float(
                (
                    (g == p)
                    & (df["divert_to"] == df["r2_divert_to"])
                    & (df["category"] == df["r2_category"])
                ).mean()
            ),
            4,
        ),
    }


def subsets(df: pd.DataFrame, column: str, gold_col: str, *, macro: bool = True) -> dict:
    """Agreement within each value of ``column``; ``macro=False`` keeps accuracy only (a
    police class holds one or two gold labels, where macro-F1 and kappa mean little)."""
    out = {}
    for v, part in df.groupby(column, sort=True):
        scores = category_scores(part[gold_col], part["r2_category"], detail=False)
        if not macro:
            scores = {"n": scores["n"], "accuracy": scores["accuracy"]}
        scores["urgent_accuracy"] = round(float((part["urgent"] == part["r2_urgent"]).mean()), 4)
        out[str(v)] = scores
    return out


def score_set(df: pd.DataFrame, rounds: int = BOOTSTRAP) -> dict:
    out: dict = {"n": int(len(df)), "reader2_unsure": int((~df["r2_sure"]).sum())}
    out["category"] = category_scores(df["category"], df["r2_category"], rounds=rounds)
    if "rule_category" in df.columns:
        out["category_by_rules"] = category_scores(
            df["rule_category"], df["r2_category"], rounds=rounds
        )
        out["map_vs_rules_differ"] = int((df["category"] != df["rule_category"]).sum())
    out["urgent"] = urgent_scores(df["urgent"], df["r2_urgent"])
    out["routing"] = route_scores(df)
    gold_col = "rule_category" if "rule_category" in df.columns else "category"
    out["by_reader2_sure"] = subsets(
        df.assign(sure=df["r2_sure"].map({True: "sure", False: "unsure"})), "sure", gold_col
    )
    if "hard_case" in df.columns:
        out["by_gold_hard_case"] = subsets(
            df.assign(hard=df["hard_case"].map({True: "hard", False: "plain"})), "hard", gold_col
        )
    if "voice" in df.columns:
        out["by_voice"] = subsets(df, "voice", gold_col)
    if "split" in df.columns:
        out["by_split"] = {
            s: {
                "category": category_scores(part["category"], part["r2_category"], detail=False),
                "category_by_rules": category_scores(
                    part["rule_category"], part["r2_category"], detail=False
                ),
                "urgent": urgent_scores(part["urgent"], part["r2_urgent"]),
                "disposition_accuracy": round(
                    float((part["disposition"] == part["r2_disposition"]).mean()), 4
                ),
            }
            for s, part in df.groupby("split", sort=True)
        }
        out["by_police_class"] = subsets(df, "police_class", gold_col, macro=False)
    keep = [
        "id",
        *[
            c
            for c in ("rule_category", "hard_case", "split", "police_class", "police_type")
            if c in df.columns
        ],
        *LABEL_FIELDS,
        *[f"r2_{f}" for f in LABEL_FIELDS],
        "r2_sure",
        "r2_note",
    ]
    differ = df[(df[gold_col] != df["r2_category"]) | (df["urgent"] != df["r2_urgent"])]
    out["disagreements"] = json.loads(differ[keep].to_json(orient="records", force_ascii=False))
    return out


def model_beside(df: pd.DataFrame, preds: pd.DataFrame, gold_col: str) -> dict:
    """A model's category beside the two readers: are its errors on items the readers agree on?"""
    m = df.merge(preds, on="id", how="left")
    if m["model_category"].isna().any():
        missing = m.loc[m["model_category"].isna(), "id"].iloc[0]
        raise ReadingError(f"model predictions: no prediction for {missing}")
    agree = m[gold_col] == m["r2_category"]
    wrong = m["model_category"] != m[gold_col]
    out = {
        "source": preds.attrs.get("source", {}),
        "gold": gold_col,
        "model": category_scores(m[gold_col], m["model_category"], detail=False),
        "readers_agree": category_scores(
            m.loc[agree, gold_col], m.loc[agree, "model_category"], detail=False
        ),
        "model_errors": int(wrong.sum()),
        "model_errors_where_readers_agree": int((wrong & agree).sum()),
        "readers_differ": int((~agree).sum()),
        "model_sides_with_reader2_where_readers_differ": int(
            (~agree & (m["model_category"] == m["r2_category"])).sum()
        ),
    }
    if "split" in m.columns:
        h = m[m["split"] == "holdout"]
        out["holdout"] = category_scores(h[gold_col], h["model_category"], detail=False)
    return out


def read_predictions(path: Path) -> pd.DataFrame:
    """``id`` and ``category`` per line (the output of ``jingqing predict triage``)."""
    preds = pd.DataFrame(read_jsonl(path))
    for field in ("id", "category"):
        if field not in preds.columns:
            raise ReadingError(f"{path}: no field {field!r}")
    out = preds[["id", "category"]].rename(columns={"category": "model_category"})
    versions = sorted({str(v) for v in preds.get("model_version", pd.Series(dtype=str)).dropna()})
    out.attrs["source"] = {"file": path.name, "model_version": versions}
    return out


def run(
    reading: Path,
    gold_dir: Path,
    key_path: Path,
    rounds: int = BOOTSTRAP,
    predictions: Path | None = None,
) -> dict:
    if not key_path.is_file():
        raise ReadingError(f"{key_path}: the blind key is missing")
    key = json.loads(key_path.read_text(encoding="utf-8"))
    result = {}
    for name, file in SETS.items():
        reader_path = reading / f"{name}_reader2.jsonl"
        if not reader_path.is_file():
            raise ReadingError(f"{reader_path}: reader 2's labels are missing")
        df = joined(gold_dir / file, reader_path, key)
        if name == "records_v1":
            rule = df["note"].fillna("").astype(str).str.extract(RULE_NOTE, expand=False)
            df["rule_category"] = rule.where(rule.notna(), df["category"]).astype(str)
        result[name] = score_set(df, rounds)
        if predictions is not None:
            gold_col = "rule_category" if "rule_category" in df.columns else "category"
            result[name]["model_beside_readers"] = model_beside(
                df, read_predictions(predictions), gold_col
            )
    return result


def summary(result: dict) -> str:
    lines = []
    for name, r in result.items():
        c = r["category"]
        lines.append(f"{name} (n={r['n']}, reader 2 unsure on {r['reader2_unsure']}):")
        lines.append(
            f"  category vs gold: accuracy {c['accuracy']:.3f} {c.get('accuracy_95ci', '')}, macro-F1 "
            f"{c['macro_f1']:.3f} {c.get('macro_f1_95ci', '')}, kappa {c['kappa']}"
        )
        if "category_by_rules" in r:
            b = r["category_by_rules"]
            lines.append(
                f"  category vs gold by the live-text rules: accuracy {b['accuracy']:.3f}, macro-F1 "
                f"{b['macro_f1']:.3f} {b.get('macro_f1_95ci', '')}, kappa {b['kappa']}"
            )
        lines.append(
            "  per class F1: " + ", ".join(f"{k} {v['f1']:.2f}" for k, v in c["per_class"].items())
        )
        u = r["urgent"]
        lines.append(
            f"  urgent: precision {u['precision']}, recall {u['recall']}, kappa {u['kappa']} "
            f"(gold {u['gold_urgent']}, reader 2 {u['reader2_urgent']})"
        )
        ro = r["routing"]
        lines.append(
            f"  disposition accuracy {ro['disposition']['accuracy']:.3f}, kappa {ro['disposition']['kappa']:.3f}; "
            f"divert_to when both divert {ro['divert_to_when_both_divert']['accuracy']}"
        )
        for group in ("by_reader2_sure", "by_gold_hard_case", "by_split"):
            if group in r:
                parts = []
                for k, v in r[group].items():
                    v = v.get("category_by_rules", v)
                    parts.append(f"{k} n={v['n']} acc {v['accuracy']:.3f} F1 {v['macro_f1']:.3f}")
                lines.append(f"  {group}: " + "; ".join(parts))
        if "model_beside_readers" in r:
            mb = r["model_beside_readers"]
            lines.append(
                f"  model (by {mb['gold']}): macro-F1 {mb['model']['macro_f1']:.3f}, on the "
                f"{mb['readers_agree']['n']} items the readers agree on "
                f"{mb['readers_agree']['macro_f1']:.3f}; {mb['model_errors_where_readers_agree']} of "
                f"its {mb['model_errors']} errors are on those items"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--reading", type=Path, default=READING, help="folder with the *_reader2.jsonl files"
    )
    ap.add_argument(
        "--gold",
        type=Path,
        default=ROOT / "training" / "evalset",
        help="folder with the gold sets",
    )
    ap.add_argument(
        "--key", type=Path, default=None, help="blind_id → id map (default READING/blind_key.json)"
    )
    ap.add_argument("--output", type=Path, default=RESULTS)
    ap.add_argument(
        "--predictions",
        type=Path,
        default=None,
        help="a model's predictions (JSONL with id, category) for both sets, set beside the readers",
    )
    ap.add_argument(
        "--bootstrap",
        type=int,
        default=BOOTSTRAP,
        help="bootstrap rounds for the intervals (0: none)",
    )
    args = ap.parse_args(argv)
    try:
        result = run(
            args.reading,
            args.gold,
            args.key or args.reading / "blind_key.json",
            args.bootstrap,
            args.predictions,
        )
    except (ReadingError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(summary(result))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
