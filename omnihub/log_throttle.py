"""A repeated warning logged at most once per interval, with a count of those held back.

During a broker outage every request's publish fails: one line per request (hundreds a
second) buries the log. The first failure is logged at once; the next ones within the
interval are counted, and the first line after it says how many there were. Each held
back request is still answered (503) and counted in the request metrics.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

__all__ = ["LogThrottle"]


class LogThrottle:
    def __init__(
        self,
        logger: logging.Logger,
        interval_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._interval = interval_s
        self._clock = clock
        self._last: float | None = None
        self._held = 0

    def warning(self, message: str, *args: object) -> None:
        now = self._clock()
        last = self._last
        if last is not None and now - last < self._interval:
            self._held += 1
            return
        if self._held and last is not None:
            message += f" (and {self._held} more like it in the {now - last:.0f} s before)"
        self._logger.warning(message, *args)
        self._last = now
        self._held = 0
