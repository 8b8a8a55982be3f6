"""Independent tasks on a Dask cluster: ``--scheduler ADDRESS`` or ``--scheduler local:N``.

Batch triage scoring, per-grid Prophet fits and backtest folds are plain functions over
independent pieces of work that :func:`features.tasks.map_tasks` runs: in this process
when no scheduler is active, else as Dask tasks on the cluster a :func:`scheduler` block
makes active, with the results gathered in input order. The cluster is
Dask's own (``distributed``): ``local:N`` starts a ``LocalCluster`` of N single-threaded
worker processes for the command's lifetime; any other value is the address of a running
scheduler (``tcp://host:8786``), whose workers must have jingqing installed.

Inside the block the final LightGBM fit of ``train forecast`` is one distributed training
on the cluster (``lightgbm.dask``, :mod:`features.forecast_scale`), not a map of tasks.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

from features.errors import UserError
from features.tasks import using_client

__all__ = ["add_scheduler_argument", "scheduler", "with_scheduler"]

_LOCAL = re.compile(r"local:(\d+)")


def add_scheduler_argument(parser) -> None:
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the independent tasks on Dask: a scheduler address (tcp://host:8786) "
        "or local:N for N worker processes on this machine (default: in this process)",
    )


@contextlib.contextmanager
def scheduler(spec: str | None) -> Iterator[Any]:
    """Make ``spec``'s cluster the one :func:`map_tasks` uses inside the block."""
    if not spec:
        yield None
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise UserError("--scheduler needs dask and distributed installed") from None
    spec = spec.strip()
    match = _LOCAL.fullmatch(spec)
    with contextlib.ExitStack() as stack:
        if match:
            workers = int(match.group(1))
            if not 1 <= workers <= (os.cpu_count() or 1) * 4:
                raise UserError(f"--scheduler {spec}: N must be between 1 and 4 × the cores")
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.WARNING,
                )
            )
            client = stack.enter_context(Client(cluster))
        else:
            if "://" not in spec and ":" not in spec:
                raise UserError(
                    f"--scheduler {spec!r}: expected a scheduler address such as "
                    "tcp://host:8786, or local:N"
                )
            try:
                client = stack.enter_context(Client(spec, timeout="20s"))
            except (OSError, TimeoutError, ValueError) as exc:
                raise UserError(f"--scheduler {spec}: cannot connect ({exc})") from None
        with using_client(client):
            yield client


def with_scheduler(handler: Callable[[Any], int]) -> Callable[[Any], int]:
    """A command handler run inside ``scheduler(args.scheduler)``."""

    def run(args) -> int:
        with scheduler(getattr(args, "scheduler", None)):
            return handler(args)

    run.__name__ = getattr(handler, "__name__", "handler")
    return run
