"""Reads of a dead-letter queue one right after another: what a read took and returned
is there for the next one (a quorum queue counts returned messages only once it has put
them back, after the broker confirmed the channel's close)."""

from __future__ import annotations

import uuid

import aio_pika

from omnihub.envelope import encode_envelope
from omnihub.naming import Names
from omnihub.replay.dlq import DeadLetterFilter, DeadLetterQueue
from omnihub.settings import Settings
from tests.connectors.harness import envelope
from tests.support.connections import connect_broker
from tests.support.orders import order


async def test_each_read_right_after_another_finds_every_parked_message(
    settings: Settings,
) -> None:
    names = Names(f"{settings.prefix}-reads-{uuid.uuid4().hex[:6]}")
    connection = await connect_broker(settings.amqp_url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        queue = await channel.declare_queue(
            names.dead_letter_queue("erp"), durable=True, arguments={"x-queue-type": "quorum"}
        )
        parked = [envelope(order(f"READ-{i}")) for i in range(3)]
        for env in parked:
            await channel.default_exchange.publish(
                aio_pika.Message(encode_envelope(env), message_id=env.id),
                routing_key=queue.name,
            )
        dlq = DeadLetterQueue(connection, names, "erp")
        seen = [len(await dlq.browse()) for _ in range(10)]
        discarded = await dlq.discard(
            DeadLetterFilter(message_ids=frozenset(e.id for e in parked[:2])),
            actor="test",
            reason="read after read",
        )
        left = await dlq.browse()
        await queue.delete(if_unused=False, if_empty=False)
    finally:
        await connection.close()
    assert seen == [3] * 10
    assert sorted(d.message_id for d in discarded) == sorted(e.id for e in parked[:2])
    assert [d.message_id for d in left] == [parked[2].id]
