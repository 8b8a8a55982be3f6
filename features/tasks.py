"""Run a function over independent pieces of work, in this process or on a Dask cluster.

Batch triage scoring, per-grid Prophet fits and backtest folds are plain functions over
independent pieces; :func:`map_tasks` maps one over its pieces. With no client active
(the default) it is a list comprehension; inside ``using_client(client)`` (which
``--scheduler`` opens, :mod:`training.distributed`) every piece is a Dask task and the
results are gathered in input order, so the output is the same either way. Nothing here
imports Dask: the client object is all it needs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

__all__ = ["active_client", "map_tasks", "using_client"]

_ACTIVE: list[Any] = []  # the client of the innermost ``using_client`` block


@contextlib.contextmanager
def using_client(client) -> Iterator[Any]:
    """Make ``client`` (a ``distributed.Client``) the one :func:`map_tasks` uses."""
    _ACTIVE.append(client)
    try:
        yield client
    finally:
        _ACTIVE.pop()


def active_client():
    """The client of the innermost :func:`using_client` block, or None."""
    return _ACTIVE[-1] if _ACTIVE else None


def map_tasks(
    fn: Callable[..., Any],
    items: Sequence[Any],
    *shared: Any,
    desc: str | None = None,
    unit: str = "task",
) -> list[Any]:
    """``[fn(item, *shared) for item in items]``, on the active cluster if there is one.

    ``shared`` arguments (a model, a panel) are sent to each worker once, not per task.
    """
    client = active_client()
    if client is None:
        if desc is None:
            return [fn(item, *shared) for item in items]
        from features.progress import progress

        return [fn(item, *shared) for item in progress(items, desc, unit)]
    sent = [client.scatter([value], broadcast=True)[0] for value in shared]
    futures = [client.submit(fn, item, *sent, pure=False) for item in items]
    return client.gather(futures)
