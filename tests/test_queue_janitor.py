"""The tests' queue janitor (tests/support/janitor.py) on the run's real vhost."""

from __future__ import annotations

import asyncio
import time

import aio_pika

from tests.support.connections import connect_broker
from tests.support.janitor import QueueJanitor
from tests.support.services import Vhost


class _FailsFirst(QueueJanitor):
    """The first sweep fails as one against a broker too busy to answer in time."""

    failed = 0

    def _sweep(self, prefixes: set[str]) -> None:
        if not self.failed:
            self.failed += 1
            raise TimeoutError
        super()._sweep(prefixes)


async def test_a_failed_sweep_leaves_its_prefixes_for_the_next_one(vhost: Vhost) -> None:
    prefix = f"janitor-{time.monotonic_ns()}"
    connection = await connect_broker(vhost.url)
    try:
        channel = await connection.channel()
        await channel.declare_queue(f"{prefix}.q", durable=True)
    finally:
        await connection.close()
    janitor = _FailsFirst(vhost)
    try:
        janitor.finished(prefix)
        janitor._wake.set()  # the first sweep now, the second after it
        deadline = time.monotonic() + 30
        while f"{prefix}.q" in vhost.queue_names() and time.monotonic() < deadline:
            janitor._wake.set()
            await asyncio.sleep(0.5)
        assert janitor.failed == 1
        assert f"{prefix}.q" not in vhost.queue_names()
    finally:
        janitor.close()
        connection = await connect_broker(vhost.url)
        try:
            channel = await connection.channel()
            await channel.queue_delete(f"{prefix}.q")
        except aio_pika.exceptions.AMQPError:
            pass
        finally:
            await connection.close()
