"""Command-line entry points: ``jingqing train triage`` and ``jingqing predict triage``.

Thin: parse, build the config, call one function. Heavy imports stay inside handlers so
``jingqing --help`` stays instant.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from training.cliutil import (
    add_city_argument,
    add_label_map_argument,
    add_map_argument,
    output_file,
    parse_map,
)
from training.distributed import add_scheduler_argument, with_scheduler


def register(verbs) -> None:
    train = verbs.train.add_parser(
        "triage",
        help="train the call classifier, router and urgency flag; register model 'triage'",
        description="Train the triage model on a calls file, log it to MLflow (experiment "
        "'triage'), register it and move alias 'champion' only if its macro-F1 on the fixed "
        "hand-written evaluation set is at least the current champion's.",
    )
    train.add_argument("--calls", required=True, type=Path, help="calls table (CSV or Parquet)")
    add_map_argument(train)
    add_label_map_argument(train)
    train.add_argument(
        "--feedback",
        type=Path,
        help="SQLite feedback store of the service: corrected calls are added to training",
    )
    train.add_argument("--config", type=Path, help="YAML file overriding triage config options")
    add_city_argument(train, training=True)
    train.set_defaults(func=_train)

    predict = verbs.predict.add_parser(
        "triage",
        help="batch suggestions from triage@champion",
        description="Score a JSONL or CSV file with a 'text' column; write one suggestion "
        "per input row in order (other columns are copied through): JSONL, or a CSV for "
        "Excel (UTF-8 with BOM) when --output ends in .csv.",
    )
    predict.add_argument("--input", required=True, type=Path, help="JSONL or CSV with 'text'")
    add_map_argument(predict)
    predict.add_argument(
        "--output", required=True, type=Path, help="file to write: .jsonl/.json or .csv"
    )
    predict.add_argument("--batch-size", type=int, default=1024, help="texts per chunk")
    predict.add_argument(
        "--brief",
        action="store_true",
        help="category, confidence, probabilities, candidates, review and shift only (no "
        "keywords, routing or urgency): the fast path for scoring many calls",
    )
    add_city_argument(predict)
    add_scheduler_argument(predict)
    predict.set_defaults(func=with_scheduler(_predict))


def _train(args: argparse.Namespace) -> int:
    from training.triage.config import TriageConfig
    from training.triage.train import run_train_triage, summary_table

    cfg = TriageConfig.load(args.config)
    result = run_train_triage(
        args.calls,
        mapping=parse_map(args.map),
        feedback=args.feedback,
        config=cfg,
        label_map=args.label_map,
        city=args.city,
    )
    print()
    print(summary_table(result))
    return 0


def _predict(args: argparse.Namespace) -> int:
    from features.errors import UserError
    from training.triage.predict import run_predict_triage

    if args.batch_size < 1:
        raise UserError("--batch-size must be at least 1")
    from training.datasets import model_name

    output = output_file(args.output)
    summary = run_predict_triage(
        args.input,
        output,
        batch_size=args.batch_size,
        mapping=parse_map(args.map),
        registered=model_name("triage", args.city),
        brief=args.brief,
    )
    print(
        f"wrote {summary.rows:,} rows to {summary.output} ({summary.scored:,} scored, "
        f"{summary.errors:,} with an error) using triage v{summary.model_version}"
    )
    return 0
