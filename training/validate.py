"""``jingqing validate FILE``: check a calls file before anything trains on it.

Exit 0 with a one-line summary (rows, time range, columns, warnings) when the file is
usable; otherwise exit 1 with one line per problem naming row, file line and column.
"""

from __future__ import annotations

import argparse
import sys

from training.cliutil import add_label_map_argument, add_map_argument, parse_map


def register(verbs) -> None:
    p = verbs.top.add_parser(
        "validate",
        help="check a calls file (CSV or Parquet) against the calls schema",
        description="Check a calls file against the calls schema. Exit 0 if usable; "
        "otherwise exit 1 and print one line per problem with its row and column.",
    )
    p.add_argument("file", metavar="FILE", help="calls file: .csv, .csv.gz or .parquet")
    add_map_argument(p)
    add_label_map_argument(p)
    p.add_argument(
        "--require",
        default="received_at",
        metavar="USE",
        help="what the file must support: triage, forecast, router, or comma-separated "
        "column names (default: received_at)",
    )
    p.add_argument(
        "--tz", default="Asia/Shanghai", metavar="ZONE", help="zone of naive times (IANA name)"
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument("--grids", metavar="GEOJSON", help="grid polygons to assign lat/lon to")
    where.add_argument(
        "--cell-size",
        type=float,
        metavar="METRES",
        help="assign lat/lon to a regular lattice of this cell size over the data",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from features.schema import check_file, summarise

    report = check_file(
        args.file,
        mapping=parse_map(args.map),
        require=args.require,
        timezone=args.tz,
        grids=args.grids,
        cell_size_m=args.cell_size,
        label_map=args.label_map,
        mask_text=False,  # the text is checked, never printed or kept: masking it is wasted
    )
    for line in report.warnings:
        print(f"warning: {line}", file=sys.stderr)
    if not report.ok:
        for line in report.problems:
            print(line, file=sys.stderr)
        print(f"{args.file}: not usable ({len(report.problems)} problem lines)", file=sys.stderr)
        return 1
    assert report.frame is not None
    print(f"{args.file}: {summarise(report.frame, report.warnings)}")
    if "police_classes" in report.frame.attrs:
        print("police classes (警情类别 / 类型) and the labels they map to:")
        print(report.frame.attrs["police_classes"])
    return 0
