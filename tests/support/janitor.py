"""Delete the queues of finished tests while the run goes on.

Every test declares its topology under a name prefix of its own inside the run's vhost.
Left until the vhost goes at the end of the run, they pile up to hundreds of quorum
queues, and each quorum queue reserves file handles in the broker's file-handle cache:
on a broker with the common limit of 1024 open files the reservations reach the cache's
limit about a quarter into the run, and from then on every new connection WAITS (no
error, no log line) and the run hangs. So a background thread lists the vhost's queues
(`rabbitmqctl list_queues`, one call per sweep) and deletes over AMQP those whose prefix
belongs to a test that has finished. A sweep that fails (a broker too busy to answer
within its timeouts) keeps its prefixes for the next one.
"""

from __future__ import annotations

import asyncio
import sys
import threading

from tests.support.connections import connect_broker
from tests.support.services import Vhost

SWEEP_EVERY_S = 15.0
SWEEP_AT = 25  # finished prefixes that start a sweep before SWEEP_EVERY_S is up


class QueueJanitor:
    def __init__(self, vhost: Vhost) -> None:
        self._vhost = vhost
        self._finished: set[str] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="queue-janitor", daemon=True)
        self._thread.start()

    def finished(self, prefix: str) -> None:
        """The test that owned `prefix` is over: its queues may go."""
        with self._lock:
            self._finished.add(prefix)
            if len(self._finished) >= SWEEP_AT:
                self._wake.set()

    def close(self) -> None:
        self._stopping = True
        self._wake.set()
        self._thread.join(timeout=60)

    def _run(self) -> None:
        while not self._stopping:
            self._wake.wait(SWEEP_EVERY_S)
            self._wake.clear()
            if self._stopping:
                return
            with self._lock:
                prefixes, self._finished = self._finished, set()
            if not prefixes:
                continue
            try:
                self._sweep(prefixes)
            except Exception as exc:
                # a broker too busy to answer in time: the next sweep tries these again (a
                # sweep that dropped them left its queues, and their file handles, for good)
                with self._lock:
                    self._finished |= prefixes
                sys.stderr.write(
                    f"queue janitor: a sweep failed ({exc!r}); the next sweep tries again\n"
                )

    def _sweep(self, prefixes: set[str]) -> None:
        listed = self._vhost.queue_names()
        doomed = [name for name in listed if name.split(".", 1)[0] in prefixes]
        if doomed:
            asyncio.run(self._delete(doomed))

    async def _delete(self, names: list[str]) -> None:
        connection = await connect_broker(self._vhost.url, timeout=30)
        try:
            channel = await connection.channel()
            for name in names:
                await asyncio.wait_for(channel.queue_delete(name), 30)
        finally:
            await connection.close()
