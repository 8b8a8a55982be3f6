"""Command: ``jingqing monitor --calls RECENT.csv [--feedback DB] --output DIR``."""

from __future__ import annotations

import argparse

from features.labels import DEFAULT_TIMEZONE
from training.cliutil import add_map_argument, parse_map

HELP = "drift, agreement with call takers and forecast error; exit 3 on an alert"
DESCRIPTION = (
    "Compare recent calls with what the champions were trained on; writes DIR/report.json "
    "and DIR/report.html and exits 3 when an alert threshold is crossed."
)


def register(verbs) -> None:
    p = verbs.top.add_parser("monitor", help=HELP, description=DESCRIPTION)
    p.add_argument("--calls", required=True, help="recent calls (CSV or Parquet)")
    p.add_argument("--feedback", help="the service's feedback store (SQLite)")
    p.add_argument("--output", required=True, help="directory for report.json and report.html")
    p.add_argument("--thresholds", help="alert thresholds (TOML; default: the shipped file)")
    p.add_argument("--tz", dest="timezone", default=DEFAULT_TIMEZONE, help="zone of naive times")
    add_map_argument(p)
    p.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    from training.monitor.run import run_monitor

    result = run_monitor(
        args.calls,
        args.output,
        feedback=args.feedback,
        mapping=parse_map(args.map),
        thresholds=args.thresholds,
        timezone=args.timezone,
    )
    for alert in result.report["alerts"]:
        print(f"ALERT {alert['section']}: {alert['message']}")
    if not result.report["alerts"]:
        print("no alert")
    print(f"report: {result.html_path} and {result.json_path}")
    return result.exit_code
