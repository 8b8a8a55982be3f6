"""Argument helpers shared by the command modules."""

from __future__ import annotations

import argparse
from pathlib import Path

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


def add_label_map_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--label-map",
        type=Path,
        metavar="FILE",
        help="CSV mapping the police's 警情类别/警情类型 (police_class, police_type) onto "
        "category, disposition, divert_to; extends the shipped national map",
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


def output_file(value: str | Path, flag: str = "--output") -> Path:
    """``value`` as a file to write, checked before any slow work: its folder is created,
    and a directory or an uncreatable folder is a clear error."""
    path = Path(value)
    if path.is_dir():
        raise UserError(f"{flag} {path}: is a directory; give a file name inside it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            f"{flag} {path}: cannot create its folder ({exc.strerror or exc})"
        ) from None
    return path


def os_error_line(exc: OSError) -> str:
    """One line for a file-system error the command could not foresee (disk full, …)."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    return f"{exc.filename}: {reason}" if exc.filename else reason


def read_yaml_options(path: str | Path) -> dict:
    """The mapping of options in a ``--config`` YAML file, or one clear error."""
    import yaml

    p = Path(path)
    if not p.is_file():
        raise UserError(f"--config {p}: file not found")
    try:
        loaded = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError:
        raise UserError(f"--config {p}: not a text file (expected UTF-8 YAML)") from None
    except yaml.YAMLError as exc:
        raise UserError(f"--config {p}: not valid YAML ({exc.__class__.__name__})") from None
    if not isinstance(loaded, dict):
        raise UserError(f"--config {p}: expected a mapping of option: value")
    return loaded


def build_config(cls, values: dict, label: str):
    """``cls(**values)``, or one clear error naming the first bad option."""
    from pydantic import ValidationError

    try:
        return cls(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "config"
        raise UserError(f"{label} config: {where}: {first['msg']}") from None


def add_city_argument(parser: argparse.ArgumentParser, *, training: bool = False) -> None:
    """``--city NAME``: which city's registered models (``training.datasets``)."""
    from training.datasets import DEMO_CITY, valid_city

    def city(value: str) -> str:
        try:
            return valid_city(value)
        except UserError as exc:
            raise argparse.ArgumentTypeError(
                str(exc).removeprefix(f"--city {value!r}: ")
            ) from None

    if training:
        help_text = (
            "the city (data set) to register the model under: forecast-NAME / triage-NAME "
            f"(default: {DEMO_CITY!r}, i.e. plain forecast / triage, for the simulator's calls; "
            "otherwise the calls file's folder name)"
        )
        parser.add_argument("--city", type=city, help=help_text)
    else:
        help_text = f"whose champion to use (default {DEMO_CITY!r}, the demo city)"
        parser.add_argument("--city", type=city, default=DEMO_CITY, help=help_text)
