"""Keep trying to load missing champions in the background, with exponential back-off.

A registry outage at start-up (network down, database being restored) used to leave the
service not-ready until someone restarted it. ``Reloader`` retries every missing model,
waiting ``first_s``, then twice as long each time up to ``max_s``, until both are served;
``/readyz`` turns 200 by itself. Each retry is one log line, so the outage stays visible.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

RETRY_FIRST_S = 2.0
RETRY_MAX_S = 60.0


class Reloader:
    """A daemon thread calling ``load(name) -> bool`` for each name ``missing()`` lists."""

    def __init__(
        self,
        missing: Callable[[], list[str]],
        load: Callable[[str], bool],
        first_s: float | None = None,
        max_s: float | None = None,
    ) -> None:
        self.missing = missing
        self.load = load
        self.first_s = RETRY_FIRST_S if first_s is None else first_s
        self.max_s = RETRY_MAX_S if max_s is None else max_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="jingqing-reload", daemon=True)

    def start(self) -> Reloader:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        wait = self.first_s
        while not self._stop.wait(wait):
            names = self.missing()
            if not names:
                return
            for name in names:
                if self.load(name):
                    log.warning("%s@champion loaded on retry: the service is recovering", name)
                else:
                    log.error("%s@champion still missing; next retry in %.0f s", name, wait * 2)
            wait = min(wait * 2, self.max_s)
