"""Operating a dead-letter queue: list with reasons, replay after the fix, discard with a reason."""

from __future__ import annotations

import asyncio
from pathlib import Path

import redis.asyncio as aioredis

from omnihub.journey import Stage
from omnihub.replay.dlq import DeadLetterFilter, DeadLetterQueue
from omnihub.settings import Settings
from sandbox.testing import SandboxServer
from tests.connectors.harness import (
    depth,
    envelope,
    erp_config,
    journeys,
    publish,
    running,
    wait_depth,
    wait_for,
)
from tests.support.connections import connect_broker
from tests.support.orders import order


async def test_replay_after_the_target_is_fixed_delivers_once_and_discard_needs_a_reason(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer, redis_client: aioredis.Redis
) -> None:
    config = erp_config(tmp_path, sandbox.base_url)
    dlq_name = settings.names.dead_letter_queue("erp")
    first, second = envelope(order("D-1")), envelope(order("D-2"))
    store = journeys(redis_client, settings)
    sandbox.control.set_mode("erp", fixed_status=422)  # the ERP refuses everything
    async with running(config, settings):
        await publish(settings, config, [first, second])
        await wait_depth(settings, dlq_name, 2)
        sandbox.control.clear_mode("erp")  # the ERP is fixed

        connection = await connect_broker(settings.amqp_url)
        try:
            dlq = DeadLetterQueue(connection, settings.names, "erp", journeys=store)
            parked = await dlq.browse()
            assert sorted(p.message_id for p in parked) == sorted([first.id, second.id])
            assert all(p.error == "RejectedByTarget" and "422" in (p.reason or "") for p in parked)
            assert all(p.attempts and p.attempts[-1].status == 422 for p in parked)
            assert await depth(settings, dlq_name) == 2  # browsing takes nothing away

            report = await dlq.replay(
                DeadLetterFilter(message_ids=frozenset({first.id})), actor="ops@example.com"
            )
            assert report.message_ids == [first.id]
            await wait_for(lambda: len(sandbox.control.records("erp", status=201)) == 1)
            await asyncio.sleep(0.3)  # a duplicate, if any, would arrive now

            discarded = await dlq.discard(
                DeadLetterFilter(message_ids=frozenset({second.id})),
                actor="ops@example.com",
                reason="customer cancelled",
            )
            assert [d.message_id for d in discarded] == [second.id]
        finally:
            await connection.close()

    delivered = sandbox.control.records("erp", status=201)
    assert [r.idempotency_key for r in delivered] == [first.id]  # same id: de-duplicable
    assert await depth(settings, dlq_name) == 0
    first_journey = await store.get(first.id)
    second_journey = await store.get(second.id)
    assert first_journey is not None and second_journey is not None
    replayed = [e for e in first_journey.entries if e.stage is Stage.REPLAYED]
    assert replayed and replayed[0].actor == "ops@example.com"
    assert first_journey.outcome == "delivered"
    assert second_journey.outcome == "discarded"
    assert second_journey.entries[-1].detail == "customer cancelled"
