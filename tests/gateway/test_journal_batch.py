"""The gateway's batched journey starts are what `JourneyStore` reads, and never raise."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from gateway.ingest.journal_batch import JournalBatch
from omnihub.journey import JourneyStore, Stage
from omnihub.settings import Settings
from tests.connectors.harness import envelope
from tests.support.orders import order
from tests.support.ports import free_port


async def test_a_batch_of_starts_is_read_back_by_id_trace_and_business_key(
    settings: Settings, redis_client: aioredis.Redis
) -> None:
    await redis_client.script_flush()  # a Redis that never saw the script (restart, failover)
    failures: list[int] = []
    batch = JournalBatch(redis_client, settings.names, timedelta(minutes=5), failures.append)
    first, second = envelope(order("B-1")), envelope(order("B-2"))
    published = datetime.now(UTC)
    batch.add([first], "a" * 32, published, None)
    batch.add([second], "b" * 32, published, None)  # within the window: one batch
    await batch.drain(5)
    store = JourneyStore(redis_client, settings.names, timedelta(minutes=5))

    journey = await store.get(first.id)
    by_trace = await store.find("b" * 32)
    by_key = await store.find("B-1", partner=first.partner)
    assert failures == []
    assert journey is not None
    assert [e.stage for e in journey.entries] == [Stage.RECEIVED, Stage.PUBLISHED]
    assert journey.meta.trace_id == "a" * 32 and journey.meta.business_key == "B-1"
    assert [j.meta.message_id for j in by_trace] == [second.id]
    assert [j.meta.message_id for j in by_key] == [first.id]
    assert await redis_client.ttl(settings.names.redis_key("journey", first.id)) > 0


async def test_a_failed_batch_is_counted_and_raises_nothing(settings: Settings) -> None:
    # No retries: redis-py's default backoff (about 5 s before it gives up) is not the
    # behaviour under test, and it raced the drain timeout.
    dead = aioredis.Redis(
        host="127.0.0.1", port=free_port(), socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
    )
    failures: list[int] = []
    batch = JournalBatch(dead, settings.names, timedelta(minutes=5), failures.append)
    batch.add([envelope(order("F-1")), envelope(order("F-2"))], "c" * 32, datetime.now(UTC), None)
    await batch.drain(5)
    await asyncio.sleep(0)
    await dead.aclose()
    assert failures == [2]
