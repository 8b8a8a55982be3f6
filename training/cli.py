"""The ``jingqing`` command line.

Thin by design: each command module registers its own sub-parser and a handler that
parses arguments and calls one function tests can call directly. Heavy imports (pandas,
mlflow, lightgbm, bentoml) happen inside handlers, so ``jingqing --help`` is instant.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from features.errors import DataProblems, UserError
from training.cliutil import os_error_line

# Modules that contribute commands; each exposes ``register(verbs)`` (see ``Verbs``).
COMMAND_MODULES = (
    "training.simulator.cli",
    "training.validate",
    "training.triage.cli",
    "training.forecast.cli",
    "training.plan.cli",
    "training.monitor.cli",
    "training.link.cli",
    "serving.cli",
    "serving.bento",
)


class Verbs:
    """Sub-parser groups a command module can attach to.

    ``top`` holds single-word commands (``simulate``, ``validate``, ``forecast``, ``serve``);
    ``train``, ``predict`` and ``backtest`` hold their model-specific sub-commands.
    """

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self.top = parser.add_subparsers(dest="command", metavar="COMMAND")
        self.top.required = True
        self.train = self._group("train", "train a model, track it in MLflow, maybe promote it")
        self.predict = self._group("predict", "batch predictions from a champion model")
        self.backtest = self._group("backtest", "rolling-origin backtests")

    def _group(self, name: str, help_text: str) -> argparse._SubParsersAction:
        sub = self.top.add_parser(name, help=help_text, description=help_text)
        group = sub.add_subparsers(dest="model", metavar="MODEL")
        group.required = True
        return group


def package_version() -> str:
    """The installed package's version (``pyproject.toml``), or ``unknown`` when run from a
    source tree that was never installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jingqing")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jingqing",
        description="Triage and forecasting of 110 calls for grid-based police dispatch.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument(
        "--version",
        action="version",
        version=f"jingqing {package_version()}",
        help="print the installed version and exit",
    )
    verbs = Verbs(parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a capability not installed in this build
            if exc.name and name.startswith(exc.name):
                continue
            raise
        module.register(verbs)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    for noisy in ("alembic", "mlflow", "urllib3", "cmdstanpy", "prophet", "jieba"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from features.progress import redirect_logging

    try:
        with redirect_logging():
            code = args.func(args)
    except DataProblems as exc:
        if len(exc.problems) == 1:
            print(f"error: {exc.problems[0]}", file=sys.stderr)
        else:
            for line in exc.problems:
                print(line, file=sys.stderr)
            where = f"{exc.source}: " if exc.source else ""
            print(f"error: {where}{len(exc.problems)} problems (listed above)", file=sys.stderr)
        return 1
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a file the user named could not be read or written
        print(f"error: {os_error_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main())
