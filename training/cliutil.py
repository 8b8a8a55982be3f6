"""Argument helpers shared by the command modules."""

from __future__ import annotations

import argparse

from features.errors import UserError


def add_map_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COL=SRC",
        help="use the file's column SRC as schema column COL (repeatable), "
        "e.g. --map received_at=time_local --map category=offense",
    )


def parse_map(values: list[str] | None) -> dict[str, str]:
    """``["received_at=time_local"]`` → ``{"received_at": "time_local"}``."""
    mapping: dict[str, str] = {}
    for raw in values or []:
        col, sep, src = raw.partition("=")
        col, src = col.strip(), src.strip()
        if not sep or not col or not src:
            raise UserError(f"--map {raw!r}: expected COL=SRC, e.g. --map received_at=time_local")
        if col in mapping:
            raise UserError(f"--map: column {col!r} is mapped twice")
        mapping[col] = src
    return mapping
