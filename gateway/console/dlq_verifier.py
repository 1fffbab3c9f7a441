"""The whole of each dead-letter queue compared with the journey store, in the background.

Each view of a target's dead letters checks that the store counts as many as the queue
holds (`omnihub.replay.parked`); equal numbers can still hide a swap (one message purged
outside omnihub while another arrived without a journey entry). So a view also starts a
full comparison of that queue (read whole, the store repaired) when the last one is more
than `every_s` old. It runs beside the page, which does not wait for it; while it holds
the queue's messages, views serve the store's list unchecked rather than wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from gateway.console.page_dlq import dlq_queue
from gateway.console.services import BrokerAway, ConsoleServices
from omnihub.errors import BrokerError
from omnihub.journey import StoreUnavailable
from omnihub.replay.parked import list_parked

__all__ = ["VERIFY_EVERY_S", "DlqVerifier"]

log = logging.getLogger("omnihub.console")

VERIFY_EVERY_S = 60.0


class DlqVerifier:
    def __init__(self, services: ConsoleServices, every_s: float = VERIFY_EVERY_S) -> None:
        self._services = services
        self._every_s = every_s
        self._last: dict[str, float] = {}
        self._running: dict[str, asyncio.Task[None]] = {}

    def busy(self, target: str) -> bool:
        return target in self._running

    def viewed(self, target: str) -> None:
        """A view of `target`'s dead letters: start a comparison if one is due."""
        now = time.monotonic()
        if self.busy(target) or now - self._last.get(target, -self._every_s) < self._every_s:
            return
        self._last[target] = now
        task = asyncio.get_running_loop().create_task(self._verify(target))
        self._running[target] = task
        task.add_done_callback(lambda _: self._running.pop(target, None))

    async def _verify(self, target: str) -> None:
        services = self._services
        try:
            async with services.broker() as connection:
                queue = dlq_queue(services, connection, target)
                await list_parked(queue, services.journeys, verify=True)
        except (BrokerAway, BrokerError, StoreUnavailable) as exc:
            log.warning("dead letters of %s not compared with the queue: %s", target, exc)

    async def stop(self) -> None:
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
