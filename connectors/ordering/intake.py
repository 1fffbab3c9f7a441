"""The intake of a target's ordered deliveries: share messages out to the partitions.

The intake queue has a single active consumer: one worker at a time reads it, in the
order the broker accepted the messages, and publishes each (body and properties
unchanged) to the partition of its ordering key, with publisher confirms. Publishes
leave in arrival order on one channel, so each partition receives its messages in the
intake's order. Intake messages are acked **in order**, each once its copy is confirmed:
after a crash, what comes again is a suffix of what was shared out, so a key sees at
worst a repeat of messages it already had, never an older one after a newer one.
A publish that fails closes the intake channel: every unacked message goes back to the
intake, in order, and the channel is opened again. Acks are batched: every confirmed
share-out in a row is acked with one ``multiple`` ack.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging

from aio_pika.abc import (
    AbstractChannel,
    AbstractConnection,
    AbstractIncomingMessage,
)

from connectors.ordering.keys import OrderingKeys
from connectors.settle import copy_message, own_headers
from omnihub.naming import Names

__all__ = ["Intake"]

log = logging.getLogger("omnihub.worker.ordering")

# A partition's confirm may take long on a busy broker: giving up re-shares the whole
# window (duplicates, which partitions then have to work through), so wait long.
INTAKE_CONFIRM_TIMEOUT_S = 30.0


class Intake:
    def __init__(
        self,
        names: Names,
        target: str,
        keys: OrderingKeys,
        *,
        prefetch: int,
        confirm_timeout: float,
    ) -> None:
        self.names = names
        self.target = target
        self.keys = keys
        self.prefetch = prefetch
        self.confirm_timeout = confirm_timeout
        self.shared = 0  # messages shared out (for health and tests)
        self._channel: AbstractChannel | None = None
        self._pending: collections.deque[tuple[AbstractIncomingMessage, asyncio.Task[object]]]
        self._pending = collections.deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()  # set while nothing waits for its confirm
        self._acker: asyncio.Task[None] | None = None
        self._connection: AbstractConnection | None = None
        self._stopping = False

    async def start(self, connection: AbstractConnection) -> None:
        self._connection = connection
        await self._open()
        self._acker = asyncio.create_task(self._ack_in_order(), name=f"intake-{self.target}")

    async def _open(self) -> None:
        assert self._connection is not None
        channel = await self._connection.channel(publisher_confirms=True)
        await channel.set_qos(prefetch_count=self.prefetch)
        queue = await channel.get_queue(self.names.ordered_intake_queue(self.target), ensure=False)
        self._channel = channel
        await queue.consume(self._on_message)

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        # aio-pika starts one task per delivery, in delivery order; nothing here awaits
        # before the publish is started, so publishes start in delivery order.
        channel = self._channel
        if channel is None or self._stopping:
            return  # not acked: back to the intake when the channel closes
        partition = self.keys.partition_of_body(message.body, message.message_id or "")
        copy = copy_message(message, own_headers(message))
        publish = channel.default_exchange.publish(
            copy,
            routing_key=self.names.ordered_partition_queue(self.target, partition),
            mandatory=True,
            timeout=max(self.confirm_timeout, INTAKE_CONFIRM_TIMEOUT_S),
        )
        self._pending.append((message, asyncio.ensure_future(publish)))
        self._idle.clear()
        self._wake.set()

    async def _ack_in_order(self) -> None:
        while True:
            while not self._pending:
                self._wake.clear()
                self._idle.set()
                await self._wake.wait()
            self._idle.clear()
            message, publish = self._pending[0]
            try:
                await publish
                # Every confirmed share-out in a row is acked at once (multiple=True
                # acks this delivery and the unacked ones before it: exactly those).
                last, n = message, 0
                while self._pending and self._pending[0][1].done():
                    message, publish = self._pending[0]
                    publish.result()  # a failed one stops the batch (raises)
                    last, n = message, n + 1
                    self._pending.popleft()
                await last.ack(multiple=True)
                self.shared += n
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.error(
                    "sharing %s out to its partition failed (%r): the intake takes it back",
                    message.message_id,
                    exc,
                )
                await self._reopen()

    async def _reopen(self) -> None:
        """Close the channel (every unacked message returns, in order), then consume again."""
        channel, self._channel = self._channel, None
        pending = list(self._pending)
        self._pending.clear()
        for _, publish in pending:
            publish.cancel()
        if channel is not None:
            with contextlib.suppress(Exception):
                await channel.close()
        while not self._stopping:
            try:
                await self._open()
                return
            except Exception as exc:
                log.warning("intake of %s not open again yet: %s", self.target, exc)
                await asyncio.sleep(1.0)

    async def stop(self) -> None:
        """Stop sharing out: wait for confirms of what was published, then close."""
        self._stopping = True
        if self._pending:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), self.confirm_timeout)
        if self._acker is not None:
            self._acker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._acker
        channel, self._channel = self._channel, None
        if channel is not None and not channel.is_closed:
            with contextlib.suppress(Exception):
                await channel.close()
