"""The worker for one target: consume its lane queues, deliver, acknowledge.

Acknowledgement policy (nothing accepted is lost):
- delivered (2xx)            -> ack
- transient failure          -> reject with requeue: the message goes back to its queue
                                (the quorum queue's delivery limit dead-letters a message
                                that keeps failing; the delivery issue replaces this with
                                the retry ladder)
- permanent failure / poison -> reject without requeue: dead-lettered to the target's DLQ
- worker stops mid-delivery  -> nothing acked: the broker returns the message to the queue

Each lane has its own channel and prefetch, so bulk master data never takes the
priority lane's capacity.
"""

from __future__ import annotations

import asyncio
import logging

import aio_pika
import msgspec
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractIncomingMessage, AbstractQueue

from connectors.http_delivery import HttpDeliverer
from connectors.outcome import PermanentFailure, TransientFailure
from omnihub.broker import declare_topology, map_broker_errors, plan_topology
from omnihub.config.model import Delivery, HubConfig, Lane
from omnihub.envelope import decode_envelope
from omnihub.settings import Settings

__all__ = ["Worker", "create_worker"]

log = logging.getLogger("omnihub.worker")


class Worker:
    def __init__(self, config: HubConfig, settings: Settings, target: str) -> None:
        if target not in config.targets:
            known = ", ".join(sorted(config.targets)) or "none"
            raise ValueError(f"unknown target '{target}' (configured targets: {known})")
        self.config = config
        self.settings = settings
        self.target = target
        self.names = settings.names
        self.by_event: dict[str, Delivery] = {
            event: d for d in config.deliveries_for(target).values() for event in d.events
        }
        self.deliverer = HttpDeliverer(target, config.targets[target])
        self._connection: AbstractConnection | None = None
        self._consumers: list[tuple[AbstractQueue, str]] = []
        self._channels: list[AbstractChannel] = []
        self._in_flight: set[asyncio.Task[None]] = set()
        self._semaphore = asyncio.Semaphore(config.targets[target].concurrency)
        self.delivered = 0

    async def start(self) -> None:
        async with map_broker_errors(f"starting worker for {self.target}"):
            self._connection = await aio_pika.connect(self.settings.amqp_url, timeout=5)
            await declare_topology(self._connection, plan_topology(self.config, self.names))
            prefetch = self.config.targets[self.target].prefetch
            for lane in Lane:
                channel = await self._connection.channel()
                await channel.set_qos(prefetch_count=prefetch)
                queue = await channel.get_queue(self.names.target_queue(self.target, lane))
                tag = await queue.consume(self._on_message)
                self._channels.append(channel)
                self._consumers.append((queue, tag))
        log.info("worker for %s consuming", self.target)

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._in_flight.add(task)
        try:
            async with self._semaphore:
                await self._handle(message)
        finally:
            if task is not None:
                self._in_flight.discard(task)

    async def _handle(self, message: AbstractIncomingMessage) -> None:
        try:
            envelope = decode_envelope(message.body)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            log.error("poison message %s on %s: %s", message.message_id, self.target, exc)
            await message.reject(requeue=False)
            return
        delivery = self.by_event.get(envelope.event)
        if delivery is None:
            log.error("no delivery of %s handles %s; dead-lettering", self.target, envelope.event)
            await message.reject(requeue=False)
            return
        try:
            status = await self.deliverer.deliver(envelope, delivery, envelope.payload)
        except PermanentFailure as exc:
            log.warning("%s -> %s permanent failure: %s", envelope.id, self.target, exc.reason)
            await message.reject(requeue=False)
        except TransientFailure as exc:
            log.info("%s -> %s transient failure: %s", envelope.id, self.target, exc.reason)
            await message.reject(requeue=True)
        else:
            log.info("%s -> %s delivered (%d)", envelope.id, self.target, status)
            self.delivered += 1
            await message.ack()

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop consuming, let in-flight deliveries finish (or time out), close."""
        for queue, tag in self._consumers:
            try:
                await queue.cancel(tag)
            except Exception as exc:
                log.debug("cancel consumer: %s", exc)
        self._consumers.clear()
        if self._in_flight:
            await asyncio.wait(set(self._in_flight), timeout=timeout)
        if self._connection is not None and not self._connection.is_closed:
            await self._connection.close()  # unacked messages return to their queue
        await self.deliverer.close()


def create_worker(config: HubConfig, settings: Settings, target: str) -> Worker:
    return Worker(config, settings, target)
