"""Replay from the archive stream by time range, against the real RabbitMQ."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aio_pika

from omnihub.broker import Publisher, declare_topology, plan_topology
from omnihub.config.model import Lane
from omnihub.envelope import Envelope, decode_envelope
from omnihub.replay import ArchiveFilter, ReplaySender, replay_archive
from omnihub.settings import Settings
from tests.connectors.harness import envelope
from tests.support.configs import example_config
from tests.support.connections import connect_broker


def envelope_at(at: datetime, event: str = "order.created") -> Envelope:
    return envelope({"order_number": at.isoformat()}, event=event, at=at)


async def drain(connection: aio_pika.abc.AbstractConnection, queue_name: str) -> list[Envelope]:
    channel = await connection.channel()
    queue = await channel.get_queue(queue_name)
    out = []
    while (message := await queue.get(fail=False)) is not None:
        out.append(decode_envelope(message.body))
        await message.ack()
    await channel.close()
    return out


async def test_replay_by_time_range_redelivers_exactly_the_events_inside(
    settings: Settings,
) -> None:
    config = example_config()
    names = settings.names
    topology = plan_topology(config, names)

    async def declare(connection: aio_pika.abc.AbstractConnection) -> None:
        await declare_topology(connection, topology)

    publisher = Publisher(settings.amqp_url, names.events_exchange, on_connect=declare)
    now = datetime.now(UTC)
    start, end = now - timedelta(minutes=30), now - timedelta(minutes=20)
    sent = [
        envelope_at(now - timedelta(minutes=40)),  # before
        envelope_at(start),  # inside (start is inclusive)
        envelope_at(now - timedelta(minutes=25)),  # inside
        envelope_at(now - timedelta(minutes=24), event="product.updated"),  # no delivery
        envelope_at(end),  # after (end is exclusive)
        envelope_at(now - timedelta(minutes=5)),  # after
    ]
    for env in sent:
        await publisher.publish(env)
    await publisher.close()

    connection = await connect_broker(settings.amqp_url)
    try:
        queue = names.target_queue("erp", Lane.PRIORITY)
        original = await drain(connection, queue)  # the first delivery, as a worker would
        assert len(original) == 5
        sender = ReplaySender(connection, config, names)
        report = await replay_archive(
            sender,
            connection,
            names.archive_stream,
            ArchiveFilter(start=start, end=end, events=frozenset({"order.created"})),
            actor="ops@example.com",
        )
        await sender.close()
        replayed = await drain(connection, queue)
    finally:
        await connection.close()
    assert report.replayed == {"erp": 2}
    assert [e.id for e in replayed] == [sent[1].id, sent[2].id]  # same ids: targets de-duplicate
