"""Progress of long steps: a tqdm bar on a terminal, plain log lines everywhere else.

One home for how the long steps (backtest folds, boosting rounds, simulated texts, batch
scoring) show they are alive. On a terminal it is a tqdm bar (``tqdm.std``, never the
notebook widget, so no ``TqdmWarning`` without ipywidgets); the command line wraps every
command in :func:`redirect_logging`, so log lines print above the bar instead of through
it. When stderr is not a terminal (a log file, CI, a notebook, ``make demo | tee``) there
is no bar and no ``\\x1b[A`` escape: a log line every ``every`` seconds says how far the
step is and how long it has left, so nothing is silent for 20-50 s.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["Progress", "progress", "redirect_logging", "use_bars"]

log = logging.getLogger("jingqing.progress")
EVERY_S = 10.0


def use_bars() -> bool:
    """Whether to draw bars: only when stderr is a terminal."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


@contextlib.contextmanager
def redirect_logging() -> Iterator[None]:
    """Route logging through ``tqdm.write`` while bars may be drawn (terminal only)."""
    if not use_bars():
        yield
        return
    from tqdm.contrib.logging import logging_redirect_tqdm

    with logging_redirect_tqdm():
        yield


class Progress:
    """``update(n)`` / ``close()`` of a tqdm bar, or periodic log lines without a terminal."""

    def __init__(
        self,
        total: int | None,
        desc: str,
        unit: str = "it",
        *,
        leave: bool = True,
        every: float = EVERY_S,
    ) -> None:
        self.total, self.desc, self.unit, self.every = total, desc, unit, every
        self.done = 0
        self.started = self.last = time.monotonic()
        self.bar: Any = None
        if use_bars():
            from tqdm.std import tqdm

            self.bar = tqdm(total=total, desc=desc, unit=unit, leave=leave, mininterval=0.5)

    def update(self, n: int = 1) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
            return
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            log.info("%s", self.line(now))

    def line(self, now: float | None = None) -> str:
        """``backtest folds: 2/4 folds (50%), 31 s, about 31 s left``."""
        elapsed = (now or time.monotonic()) - self.started
        if self.total:
            share = self.done / self.total
            left = elapsed / share - elapsed if share > 0 else float("nan")
            rest = f", about {left:.0f} s left" if self.done else ""
            return (
                f"{self.desc}: {self.done:,}/{self.total:,} {self.unit}s ({share:.0%}), "
                f"{elapsed:.0f} s{rest}"
            )
        return f"{self.desc}: {self.done:,} {self.unit}s, {elapsed:.0f} s"

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif time.monotonic() - self.started >= self.every:
            log.info("%s (done)", self.line())


def progress(
    items: Iterable[Any], desc: str, unit: str = "it", total: int | None = None, **kw: Any
) -> Iterator[Any]:
    """Iterate ``items`` while showing progress (see :class:`Progress`)."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    shown = Progress(total, desc, unit, **kw)
    try:
        for item in items:
            yield item
            shown.update(1)
    finally:
        shown.close()
