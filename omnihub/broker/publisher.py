"""Publish envelopes to the events exchange with publisher confirms.

`publish` returns only after the broker confirmed the message into every bound queue
(quorum queues confirm once a majority stored it). Anything else raises
`BrokerUnavailable`, and the gateway answers 503: never a 202 for something not stored.

The connection is opened lazily and re-opened after a failure (at most one attempt per
`reconnect_interval`), so a gateway started while the broker was down, or that lost it,
recovers on the next request without a restart. ``url`` may list the nodes of a cluster
(comma-separated): a lost connection is re-opened to the next node that answers. On every
(re)connect the topology is declared, idempotently.

A publish goes through aio-pika's public `Exchange.publish`, or, where the aiormq
adapter's fast path is on (`omnihub/adapters/aiormq_publish.py`), through its `Outbox`,
which writes the publishes of one loop iteration together on aiormq's channel; confirms,
nacks and returns arrive the same way on both paths. The confirm timeout is one
watchdog per publisher instead of a timer per publish: when the oldest unconfirmed
publish is older than `confirm_timeout`, the connection is dropped and every publish
waiting on it fails with "did not confirm in time".
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC
from typing import Any

import aio_pika
import aiormq
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractExchange, DeliveryMode
from aiormq.exceptions import ChannelInvalidStateError, PublishError

from omnihub.adapters.aiormq_publish import Outbox, use_outbox
from omnihub.broker.errors import MAPPED, map_broker_errors, unavailable
from omnihub.broker.nodes import NodeCursor, connect_any
from omnihub.envelope import APP_ID, CONTENT_TYPE, Envelope, encode_envelope, envelope_headers
from omnihub.errors import BrokerUnavailable
from omnihub.settings import split_urls

__all__ = ["Publisher", "envelope_message", "envelope_properties"]

OnConnect = Callable[[AbstractConnection], Awaitable[None]]

log = logging.getLogger("omnihub.broker")


def envelope_properties(envelope: Envelope) -> aiormq.spec.Basic.Properties:
    """The AMQP properties of an envelope's message, as `envelope_message` sets them."""
    return aiormq.spec.Basic.Properties(
        content_type=CONTENT_TYPE,
        delivery_mode=DeliveryMode.PERSISTENT.value,
        message_id=envelope.id,
        message_type=envelope.event,
        timestamp=envelope.received_at.astimezone(UTC),
        app_id=APP_ID,
        headers=dict(envelope_headers(envelope)),  # typed as its FieldTable
    )


def envelope_message(envelope: Envelope, body: bytes | None = None) -> aio_pika.Message:
    """The AMQP message for an envelope (wire encoding: docs/envelope.md)."""
    return aio_pika.Message(
        body if body is not None else encode_envelope(envelope),
        content_type=CONTENT_TYPE,
        delivery_mode=DeliveryMode.PERSISTENT,
        message_id=envelope.id,
        type=envelope.event,
        timestamp=envelope.received_at.astimezone(UTC),
        app_id=APP_ID,
        headers=dict(envelope_headers(envelope)),  # typed as its FieldTable
    )


async def _confirmed(confirmation: asyncio.Future[Any]) -> None:
    """Wait for a confirm. A channel closing under it may cancel the future (aiormq rejects
    its futures with the close reason, which can be a cancellation): that is a lost
    channel, not a cancellation of this task, unless this task is being cancelled."""
    try:
        await confirmation
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise
        raise ChannelInvalidStateError("the channel closed before the broker confirmed") from None


async def _close(connection: AbstractConnection) -> None:
    """Close a connection that may already have broken; nothing worth reporting can come
    of it. The broker's answer is awaited 2 s: a close cut short there has let go of its
    transport but left aio-pika's connection open, and its `__del__` would close it again
    whenever the garbage collector reaches it, warning "coroutine 'Connection.close' was
    never awaited" in a thread without an event loop; the second close, with no transport
    to wait for, marks it closed."""
    for _ in range(2):
        with contextlib.suppress(Exception):
            await asyncio.wait_for(connection.close(), timeout=2)
        if connection.is_closed:
            return


class ExchangePublish:
    """The public path: each publish through aio-pika's `Exchange.publish`, mandatory,
    its confirm (or nack, or return) awaited by the task it runs in."""

    def __init__(self, exchange: AbstractExchange) -> None:
        self._exchange = exchange

    def publish(self, envelope: Envelope, body: bytes) -> asyncio.Future[Any]:
        message = envelope_message(envelope, body)
        return asyncio.ensure_future(
            self._exchange.publish(message, routing_key=envelope.event, mandatory=True)
        )

    def close(self) -> None:
        """Nothing of its own to stop: the channel fails what is still waiting."""


class Publisher:
    def __init__(
        self,
        url: str,
        exchange: str,
        *,
        on_connect: OnConnect | None = None,
        confirm_timeout: float = 5.0,
        reconnect_interval: float = 1.0,
    ) -> None:
        self._nodes = NodeCursor(split_urls(url))
        self._exchange_name = exchange
        self._on_connect = on_connect
        self._confirm_timeout = confirm_timeout
        self._reconnect_interval = reconnect_interval
        self._connection: AbstractConnection | None = None
        self._channel: AbstractChannel | None = None
        self._outbox: Outbox | ExchangePublish | None = None
        self._lock = asyncio.Lock()
        self._last_attempt = 0.0
        self._tokens = itertools.count()
        self._waiting: dict[int, float] = {}  # publishes awaiting a confirm: start, oldest first
        # the outbox whose confirms came too late
        self._timed_out: Outbox | ExchangePublish | None = None
        self._watchdog: asyncio.Task[None] | None = None

    @property
    def connected(self) -> bool:
        return (
            self._outbox is not None and self._channel is not None and not self._channel.is_closed
        )

    async def start(self) -> None:
        """Connect now if possible; a broker that is down is not an error here."""
        with contextlib.suppress(BrokerUnavailable):
            await self._ensure()

    async def _ensure(self) -> Outbox | ExchangePublish:
        if self.connected and self._outbox is not None:
            return self._outbox
        async with self._lock:
            if self.connected and self._outbox is not None:
                return self._outbox
            now = time.monotonic()
            if now - self._last_attempt < self._reconnect_interval:
                raise BrokerUnavailable("broker unreachable (reconnect pending)")
            self._last_attempt = now
            if self._connection is not None:  # lost: start with the next node
                self._nodes.advance()
            await self._drop()
            async with map_broker_errors("connecting to the broker"):
                self._connection = await connect_any(self._nodes, timeout=self._confirm_timeout)
                if self._on_connect is not None:
                    await self._on_connect(self._connection)
                self._channel = await self._connection.channel(
                    publisher_confirms=True, on_return_raises=True
                )
                underlay = await self._channel.get_underlay_channel()
                if isinstance(underlay, aiormq.Channel) and use_outbox(underlay):
                    self._outbox = Outbox(underlay, self._exchange_name)
                else:
                    exchange = await self._channel.get_exchange(self._exchange_name, ensure=False)
                    self._outbox = ExchangePublish(exchange)
            if self._watchdog is None or self._watchdog.done():
                self._watchdog = asyncio.create_task(self._watch(), name="publish-confirm-watchdog")
            return self._outbox

    async def publish(self, envelope: Envelope, body: bytes | None = None) -> None:
        """Publish and wait for the broker's confirm; raise `BrokerUnavailable` otherwise."""
        outbox = await self._ensure()
        data = body if body is not None else encode_envelope(envelope)
        token = next(self._tokens)
        self._waiting[token] = time.monotonic()
        try:
            try:
                # Nack -> DeliveryError, unroutable -> PublishError (on_return_raises).
                await _confirmed(outbox.publish(envelope, data))
            except MAPPED as vendor:  # what map_broker_errors does, without its generator
                raise unavailable(f"publishing {envelope.id}", vendor) from vendor
        except BrokerUnavailable as exc:
            if outbox is self._timed_out:
                raise BrokerUnavailable(
                    f"publishing {envelope.id}: the broker did not confirm in time (TimeoutError)"
                ) from exc
            # A return (unroutable) leaves the channel as it was. Anything else, a nack too,
            # drops the connection (not one made since): RabbitMQ 3.10 can go on nacking
            # every publish on a channel whose queue or stream leader died with its node
            # (seen for over 60 s after a cluster node's SIGKILL, while a new channel
            # publishes), and the next request's connection finds the new leaders.
            returned = isinstance(exc.__cause__, PublishError)
            if outbox is self._outbox and not returned:
                await self._drop()
            raise
        finally:
            del self._waiting[token]

    async def _watch(self) -> None:
        """Drop the connection when the oldest unconfirmed publish waited too long."""
        interval = max(self._confirm_timeout / 10, 0.01)
        while True:
            await asyncio.sleep(interval)
            if not self._waiting or self._outbox is None:
                continue
            oldest = next(iter(self._waiting.values()))
            if time.monotonic() - oldest <= self._confirm_timeout:
                continue
            log.warning(
                "a publish waited more than %.1f s for the broker's confirm: reconnecting "
                "(%d publishes waiting fail and are answered 503)",
                self._confirm_timeout,
                len(self._waiting),
            )
            self._timed_out = self._outbox
            await self._drop()

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        self._channel = None
        outbox, self._outbox = self._outbox, None
        if outbox is not None:
            outbox.close()
        if connection is not None and not connection.is_closed:
            await _close(connection)

    async def close(self) -> None:
        watchdog, self._watchdog = self._watchdog, None
        if watchdog is not None:
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog
        await self._drop()
