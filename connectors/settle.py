"""Carry out a job's decision: ack only once the message is safe elsewhere.

    Ack           ack
    Superseded    ack (a stale snapshot of an ordered delivery: not delivered)
    Retry         publish a copy to the retry rung (expiration = the delay), confirmed; ack
    DeadLetter    publish a copy to the target's DLQ with the reason, confirmed; ack
    ReturnToLane  publish a copy to the tail of the lane queue, confirmed; ack
    Requeue       nack with requeue (the quorum queue counts it against its delivery limit)

Copies keep the body (the envelope) and the AMQP properties byte for byte; headers gain
the attempt history and, in the DLQ, why it is there. If the broker does not confirm
the copy, the original is not acked: it is given back (nack + requeue), or, when the
channel is gone, the broker returns it by itself. At-least-once, never at-most-once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
from aio_pika.abc import (
    AbstractChannel,
    AbstractConnection,
    AbstractIncomingMessage,
    DeliveryMode,
)

from connectors.job import Ack, DeadLetter, Job, Requeue, Retry, ReturnToLane, Superseded
from omnihub.broker import map_broker_errors
from omnihub.errors import BrokerUnavailable
from omnihub.history import (
    ATTEMPTS_HEADER,
    DEAD_AT_HEADER,
    DEAD_ERROR_HEADER,
    DEAD_REASON_HEADER,
    DELIVERY_HEADER,
    LANE_HEADER,
    RETRIES_HEADER,
    encode_history,
)
from omnihub.naming import Names

__all__ = ["Settler", "copy_message", "own_headers"]

log = logging.getLogger("omnihub.worker")

# Headers the broker adds on delivery or dead-lettering; a copy starts without them.
_BROKER_HEADERS = ("x-death", "x-first-death-", "x-last-death-", "x-delivery-count")


def own_headers(message: AbstractIncomingMessage) -> dict[str, Any]:
    """The message's headers without those the broker added (a copy starts without them)."""
    return {k: v for k, v in (message.headers or {}).items() if not k.startswith(_BROKER_HEADERS)}


def copy_message(
    message: AbstractIncomingMessage,
    headers: dict[str, Any],
    expiration: timedelta | None = None,
) -> aio_pika.Message:
    """A persistent copy: the same body and AMQP properties, with ``headers``."""
    return aio_pika.Message(
        message.body,
        headers=headers,
        content_type=message.content_type,
        content_encoding=message.content_encoding,
        delivery_mode=DeliveryMode.PERSISTENT,
        message_id=message.message_id,
        correlation_id=message.correlation_id,
        timestamp=message.timestamp,
        type=message.type,
        app_id=message.app_id,
        expiration=expiration,
    )


class Settler:
    def __init__(self, names: Names, target: str, *, confirm_timeout: float = 5.0) -> None:
        self.names = names
        self.target = target
        self.confirm_timeout = confirm_timeout
        self._channel: AbstractChannel | None = None

    async def open(self, connection: AbstractConnection) -> None:
        self._channel = await connection.channel(publisher_confirms=True, on_return_raises=True)

    async def settle(self, job: Job) -> None:
        decision = job.decision
        message = job.message
        match decision:
            case Ack() | Superseded():
                await message.ack()
            case Requeue(reason=reason):
                log.error("%s given back to the broker: %s", job.message_id, reason)
                await message.nack(requeue=True)
            case Retry(delay=delay, rung=rung):
                queue = self.names.retry_queue(self.target, job.lane, rung)
                await self._forward(job, queue, retries=job.retries + 1, expiration=delay)
            case ReturnToLane():
                queue = self.names.target_queue(self.target, job.lane)
                await self._forward(job, queue, retries=job.retries)
            case DeadLetter(reason=reason):
                queue = self.names.dead_letter_queue(self.target)
                extra = {
                    DEAD_REASON_HEADER: reason[:1000],
                    DEAD_ERROR_HEADER: job.failure.error_class if job.failure else "",
                    DEAD_AT_HEADER: datetime.now(UTC).isoformat(),
                }
                log.warning("%s dead-lettered on %s: %s", job.message_id, self.target, reason)
                await self._forward(job, queue, retries=job.retries, extra=extra)
            case None:
                raise AssertionError("a job reached the settler without a decision")

    async def _forward(
        self,
        job: Job,
        queue: str,
        *,
        retries: int,
        expiration: timedelta | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        message = job.message
        headers = own_headers(message)
        headers[ATTEMPTS_HEADER] = encode_history(job.history)
        headers[RETRIES_HEADER] = retries
        headers[LANE_HEADER] = job.lane.value
        if job.delivery_id:
            headers[DELIVERY_HEADER] = job.delivery_id
        headers.update(extra or {})
        copy = copy_message(message, headers, expiration)
        try:
            if self._channel is None:
                raise BrokerUnavailable("the worker's publishing channel is not open")
            async with map_broker_errors(f"moving {job.message_id} to {queue}"):
                await self._channel.default_exchange.publish(
                    copy, routing_key=queue, mandatory=True, timeout=self.confirm_timeout
                )
        except BrokerUnavailable as exc:
            log.error("%s not moved (%s); giving it back to the queue", job.message_id, exc)
            if not message.channel.is_closed:
                await message.nack(requeue=True)
            raise
        await message.ack()
