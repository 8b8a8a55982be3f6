"""``jingqing simulate``: write the synthetic city (calls, grid polygons, true intensity).

Numbers are parsed here rather than by argparse so that a bad value is one ``error:`` line
and exit code 1, like every other user mistake, instead of argparse's usage dump and 2.
"""

from __future__ import annotations

import argparse

from features.errors import UserError


def _whole(value: str, flag: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise UserError(f"{flag} must be a whole number, got {value!r}") from None


def handle(args: argparse.Namespace) -> int:
    from training.simulator import run_simulate

    run_simulate(
        args.out,
        grids=_whole(args.grids, "--grids"),
        days=_whole(args.days, "--days"),
        start=args.start,
        seed=_whole(args.seed, "--seed"),
        force=args.force,
        progress=True,
    )
    return 0


def register(verbs) -> None:
    """Add ``simulate`` to the top-level commands."""
    p = verbs.top.add_parser(
        "simulate",
        help="write a synthetic city: calls.csv, grids.geojson, intensity.parquet",
        description=(
            "Simulate 110 calls of a synthetic city (Simao-like layout, Jining volume, Simao "
            "category and transfer shares). Deterministic by --seed. At most 200,000 grid-days "
            "(--grids x --days)."
        ),
    )
    p.add_argument("--out", required=True, metavar="DIR", help="output directory")
    p.add_argument("--grids", default="51", metavar="N", help="dispatch grids, 1-5000 (51)")
    p.add_argument("--days", default="365", metavar="N", help="days, 1-3650 (365)")
    p.add_argument("--start", default="2025-01-01", metavar="DATE", help="first day (2025-01-01)")
    p.add_argument("--seed", default="0", metavar="N", help="random seed (0)")
    p.add_argument("--force", action="store_true", help="overwrite an existing calls.csv in --out")
    p.set_defaults(func=handle)
