"""Declare the broker topology from the configuration, idempotently.

    exchange  <p>.events            topic, durable: every accepted event, key = event type
    queue     <p>.archive           stream bound with '#': replay by time range
    per target and lane:
    queue     <p>.target.<t>[.bulk] quorum, bound by the event types of its deliveries;
                                    delivery-limit -> dead-letters to the DLQ (poison guard)
    queue     ....retry.<n>         quorum delay rung n (per-message expiration), dead-letters
                                    back to the lane queue
    per target:
    queue     <p>.target.<t>.dlq    quorum parking lot

Dead-lettering between quorum queues uses ``at-least-once`` (with ``reject-publish``
overflow), so a message is never dropped on its way to a rung or to the DLQ.
"""

from __future__ import annotations

from typing import Any

import aiormq.exceptions as amqp
import msgspec
from aio_pika.abc import AbstractChannel, AbstractConnection, ExchangeType

from omnihub.config.model import HubConfig, Lane
from omnihub.errors import TopologyConflict
from omnihub.naming import Names

__all__ = ["QueueSpec", "Topology", "declare_topology", "plan_topology"]


class QueueSpec(msgspec.Struct, frozen=True):
    name: str
    arguments: dict[str, Any]
    bindings: tuple[str, ...] = ()  # routing keys on the events exchange


class Topology(msgspec.Struct, frozen=True):
    exchange: str
    queues: tuple[QueueSpec, ...]


def _quorum(**extra: Any) -> dict[str, Any]:
    return {"x-queue-type": "quorum", **extra}


def _dead_letter_to(queue: str) -> dict[str, Any]:
    return {
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": queue,
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }


def plan_topology(config: HubConfig, names: Names) -> Topology:
    """What should exist for this configuration (pure: no broker needed)."""
    queues: list[QueueSpec] = [
        QueueSpec(
            names.archive_stream,
            {
                "x-queue-type": "stream",
                "x-max-age": f"{int(config.broker.archive_max_age.total_seconds())}s",
            },
            ("#",),
        )
    ]
    for target in sorted(config.targets):
        deliveries = config.deliveries_for(target).values()
        for lane in Lane:
            events = sorted({e for d in deliveries if d.lane is lane for e in d.events})
            queue = names.target_queue(target, lane)
            dlq = names.dead_letter_queue(target)
            queues.append(
                QueueSpec(
                    queue,
                    _quorum(
                        **{"x-delivery-limit": config.broker.delivery_limit},
                        **_dead_letter_to(dlq),
                    ),
                    tuple(events),
                )
            )
            rungs = max(
                (config.retry_policies[d.retry].attempts for d in deliveries if d.lane is lane),
                default=0,
            )
            for rung in range(1, rungs + 1):
                queues.append(
                    QueueSpec(
                        names.retry_queue(target, lane, rung), _quorum(**_dead_letter_to(queue))
                    )
                )
        queues.append(QueueSpec(names.dead_letter_queue(target), _quorum()))
    return Topology(exchange=names.events_exchange, queues=tuple(queues))


async def declare_topology(connection: AbstractConnection, topology: Topology) -> None:
    """Declare everything; raise `TopologyConflict` if something exists with other arguments.

    A failed declaration closes the channel (AMQP 406 PRECONDITION_FAILED), so each
    declaration that fails is reported with the broker's own words about the difference.
    """
    channel: AbstractChannel = await connection.channel(publisher_confirms=False)
    try:
        try:
            exchange = await channel.declare_exchange(
                topology.exchange, ExchangeType.TOPIC, durable=True
            )
        except amqp.ChannelPreconditionFailed as exc:
            raise TopologyConflict(topology.exchange, _reason(exc)) from None
        for spec in topology.queues:
            try:
                queue = await channel.declare_queue(
                    spec.name, durable=True, arguments=spec.arguments
                )
            except amqp.ChannelPreconditionFailed as exc:
                raise TopologyConflict(spec.name, _reason(exc)) from None
            for key in spec.bindings:
                await queue.bind(exchange, routing_key=key)
    finally:
        if not channel.is_closed:
            await channel.close()


def _reason(exc: amqp.ChannelPreconditionFailed) -> str:
    text = str(exc.args[0] if exc.args else exc)
    return text.removeprefix("PRECONDITION_FAILED - ")
