"""Declare the broker topology from the configuration, idempotently.

    exchange  <p>.events            topic, durable: every accepted event, key = event type
    queue     <p>.archive           stream bound with '#': replay by time range
    per target and lane:
    queue     <p>.target.<t>[.bulk] quorum, bound by the event types of its deliveries;
                                    delivery-limit -> dead-letters to the DLQ (poison guard)
    queue     ....retry.<k>         quorum delay rung k: x-message-ttl = 100ms * 2**k,
                                    dead-letters back to the lane queue (declared by the
                                    target's worker: ``plan_topology(..., ladders=[t])``)
    per target with ordered deliveries (``ordering`` in routes.yaml):
    queue     <p>.target.<t>.ordered      quorum, single active consumer, bound by the
                                          ordered deliveries' event types (the intake)
    queue     <p>.target.<t>.ordered.<i>  quorum, single active consumer: partition i of
                                          ``targets.<t>.ordered.partitions``
    per target:
    queue     <p>.target.<t>.dlq    quorum parking lot

The retry ladder: rungs are delay *buckets*, not attempt numbers. A message waiting
``d`` is published (with ``expiration = d``) to the rung ``k`` whose bound
``100ms * 2**k`` is the smallest one ``>= d``; the rung's own TTL is that bound. RabbitMQ
expires messages only at the head of a queue, so a message can wait behind an older one
with a longer delay; since everything in rung ``k`` expires within its bound, no message
waits more than ``2 * d`` (or 100 ms), whatever the jitter, a target's ``Retry-After``, or
several retry policies sharing a lane. A lane declares the rungs its retry policies can
reach (``rungs_for``); `rung_for_delay` picks one, clamped into that range.

With ``broker.quorum_replicas`` set, every quorum queue is declared with
``x-quorum-initial-group-size`` and the archive with ``x-initial-cluster-size``: on a
cluster of more nodes, that many hold each queue (a 202 needs a majority of them).

Many processes declare at once when a fleet starts: declaring what exists with the same
arguments is a no-op, and first declarations of the same queues racing from processes on
every node of a cluster all succeed (tests/cluster/test_cluster_topology.py). Only a
real difference of arguments fails (406), as `TopologyConflict`.

Dead-lettering between quorum queues uses ``at-least-once`` (with ``reject-publish``
overflow), so a message is never dropped on its way back from a rung, or to the DLQ.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import aiormq.exceptions as amqp
import msgspec
from aio_pika.abc import AbstractChannel, AbstractConnection, ExchangeType

from omnihub.config.model import HubConfig, Lane, RetryPolicy
from omnihub.errors import TopologyConflict
from omnihub.naming import Names

__all__ = [
    "RUNG_BASE",
    "QueueSpec",
    "Topology",
    "declare_topology",
    "plan_topology",
    "retry_policy",
    "rung_bound",
    "rung_for_delay",
    "rungs_for",
]

RUNG_BASE_MS = 100  # bound of rung 0; rung k holds delays <= 100ms * 2**k
RUNG_BASE = timedelta(milliseconds=RUNG_BASE_MS)


class QueueSpec(msgspec.Struct, frozen=True):
    name: str
    arguments: dict[str, Any]
    bindings: tuple[str, ...] = ()  # routing keys on the events exchange


class Topology(msgspec.Struct, frozen=True):
    exchange: str
    queues: tuple[QueueSpec, ...]


def _quorum(config: HubConfig, **extra: Any) -> dict[str, Any]:
    return {"x-queue-type": "quorum", **_replicas(config, "x-quorum-initial-group-size"), **extra}


def _replicas(config: HubConfig, argument: str) -> dict[str, Any]:
    replicas = config.broker.quorum_replicas
    return {} if replicas is None else {argument: replicas}


def _dead_letter_to(queue: str) -> dict[str, Any]:
    return {
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": queue,
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }


def retry_policy(config: HubConfig, name: str) -> RetryPolicy:
    """A delivery's retry policy; ``default`` is built in unless policies/ defines it."""
    return config.retry_policies.get(name, RetryPolicy())


def rung_bound(rung: int) -> timedelta:
    """The longest wait of rung ``rung``: its queue TTL."""
    return timedelta(milliseconds=RUNG_BASE_MS * 2**rung)


def rung_for_delay(delay: timedelta, rungs: range | None = None) -> int:
    """The rung for a message waiting ``delay``: the smallest bound ``>= delay``.

    With ``rungs`` (what a lane declared), the answer is clamped into that range.
    """
    ratio = max(delay / RUNG_BASE, 1.0)
    rung = max(0, math.ceil(math.log2(ratio) - 1e-9))
    if rungs is not None and len(rungs):
        rung = min(max(rung, rungs.start), rungs.stop - 1)
    return rung


def rungs_for(policies: Iterable[RetryPolicy]) -> range:
    """The rungs a lane needs so every delay its retry policies can ask for has one.

    Delays run from the first backoff less its jitter to the larger of ``max_delay`` and
    ``retry_after_cap`` (a target's ``Retry-After`` is honoured up to that cap). Policies
    without retries need no rung.
    """
    low: int | None = None
    high: int | None = None
    for policy in policies:
        if policy.attempts == 0:
            continue
        shortest = min(policy.initial_delay * (1 - policy.jitter), policy.max_delay)
        longest = max(policy.max_delay, policy.retry_after_cap)
        a, b = rung_for_delay(shortest), rung_for_delay(longest)
        low = a if low is None else min(low, a)
        high = b if high is None else max(high, b)
    if low is None or high is None:
        return range(0)
    return range(low, high + 1)


def plan_topology(config: HubConfig, names: Names, *, ladders: Iterable[str] = ()) -> Topology:
    """What should exist for this configuration (pure: no broker needed).

    The retry rungs are included for the targets named in ``ladders`` only: a worker
    declares its own target's ladder; the gateway and tools need only the exchange, the
    lane queues, the DLQs and the archive. (Quorum queues are not free: a broker with
    thousands of idle rungs is slower to start and to delete a vhost.)
    """
    with_ladder = set(ladders)

    queues: list[QueueSpec] = [
        QueueSpec(
            names.archive_stream,
            {
                "x-queue-type": "stream",
                "x-max-age": f"{int(config.broker.archive_max_age.total_seconds())}s",
                **_replicas(config, "x-initial-cluster-size"),
            },
            ("#",),
        )
    ]
    for target in sorted(config.targets):
        deliveries = config.deliveries_for(target).values()
        for lane in Lane:
            events = sorted(
                {e for d in deliveries if d.lane is lane and d.ordering is None for e in d.events}
            )
            queue = names.target_queue(target, lane)
            dlq = names.dead_letter_queue(target)
            queues.append(
                QueueSpec(
                    queue,
                    _quorum(
                        config,
                        **{"x-delivery-limit": config.broker.delivery_limit},
                        **_dead_letter_to(dlq),
                    ),
                    tuple(events),
                )
            )
            policies = [retry_policy(config, d.retry) for d in deliveries if d.lane is lane]
            for rung in rungs_for(policies) if target in with_ladder else ():
                ttl = {"x-message-ttl": rung_bound(rung) // timedelta(milliseconds=1)}
                queues.append(
                    QueueSpec(
                        names.retry_queue(target, lane, rung),
                        _quorum(config, **ttl, **_dead_letter_to(queue)),
                    )
                )
        queues += _ordered_queues(config, names, target)
        queues.append(QueueSpec(names.dead_letter_queue(target), _quorum(config)))
    return Topology(exchange=names.events_exchange, queues=tuple(queues))


def _ordered_queues(config: HubConfig, names: Names, target: str) -> list[QueueSpec]:
    """The intake and the partitions of a target's ordered deliveries (none without)."""
    ordered = config.ordered_deliveries_for(target).values()
    if not ordered:
        return []
    args = _quorum(
        config,
        **{"x-single-active-consumer": True, "x-delivery-limit": config.broker.delivery_limit},
        **_dead_letter_to(names.dead_letter_queue(target)),
    )
    events = tuple(sorted({e for d in ordered for e in d.events}))
    intake = QueueSpec(names.ordered_intake_queue(target), args, events)
    partitions = config.targets[target].ordered.partitions
    return [
        intake,
        *(QueueSpec(names.ordered_partition_queue(target, i), args) for i in range(partitions)),
    ]


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
