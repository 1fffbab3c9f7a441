"""Journeys in the real Redis: recorded in order, found by id, trace and business key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis.asyncio as aioredis

from omnihub.journey import JourneyEntry, JourneyMeta, JourneyStore, Stage, render_timeline
from omnihub.naming import Names

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def meta(message_id: str, partner: str = "acme", key: str = "WEB-1") -> JourneyMeta:
    return JourneyMeta(
        message_id=message_id,
        partner=partner,
        route="orders",
        event="order.created",
        trace_id="4bf92f3577b34da6a3ce929d0e0e4736",
        business_key=key,
    )


async def test_journey_keeps_entries_in_order_and_renders_a_timeline(
    redis_client: aioredis.Redis, redis_prefix: str
) -> None:
    store = JourneyStore(redis_client, Names(f"{redis_prefix}-j1"), timedelta(hours=1))
    assert await store.start(
        meta("m1"),
        JourneyEntry(at=T0, stage=Stage.RECEIVED),
        JourneyEntry(at=T0 + timedelta(milliseconds=3), stage=Stage.PUBLISHED),
    )
    await store.record(
        "m1",
        JourneyEntry(
            at=T0 + timedelta(milliseconds=20),
            stage=Stage.ATTEMPT,
            target="erp",
            attempt=1,
            status=503,
            latency_ms=12.5,
            error="TransientFailure",
        ),
    )
    await store.record(
        "m1", JourneyEntry(at=T0 + timedelta(seconds=1), stage=Stage.DELIVERED, target="erp")
    )
    journey = await store.get("m1")
    assert journey is not None
    assert [e.stage for e in journey.entries] == [
        Stage.RECEIVED,
        Stage.PUBLISHED,
        Stage.ATTEMPT,
        Stage.DELIVERED,
    ]
    assert journey.outcome == "delivered"
    text = render_timeline(journey)
    assert "HTTP 503" in text and "delivered" in text and "key WEB-1" in text


async def test_journeys_expire_after_retention(
    redis_client: aioredis.Redis, redis_prefix: str
) -> None:
    names = Names(f"{redis_prefix}-j2")
    store = JourneyStore(redis_client, names, timedelta(seconds=30))
    await store.start(meta("m2"), JourneyEntry(at=T0, stage=Stage.RECEIVED))
    ttl = await redis_client.ttl(names.redis_key("journey", "m2"))
    assert 0 < ttl <= 30


async def test_find_by_trace_and_business_key_respects_the_partner(
    redis_client: aioredis.Redis, redis_prefix: str
) -> None:
    store = JourneyStore(redis_client, Names(f"{redis_prefix}-j3"), timedelta(hours=1))
    await store.start(
        meta("a1", partner="acme", key="PO-7"), JourneyEntry(at=T0, stage=Stage.RECEIVED)
    )
    await store.start(
        meta("b1", partner="bolt", key="PO-7"), JourneyEntry(at=T0, stage=Stage.RECEIVED)
    )
    assert [j.meta.message_id for j in await store.find("a1")] == ["a1"]
    assert [j.meta.message_id for j in await store.find("PO-7", partner="acme")] == ["a1"]
    assert [j.meta.message_id for j in await store.find("PO-7", partner="bolt")] == ["b1"]
    # An operator (no partner) sees both; a partner never sees the other's message.
    assert sorted(j.meta.message_id for j in await store.find("PO-7")) == ["a1", "b1"]
    assert await store.find("b1", partner="acme") == []
    by_trace = await store.find("4bf92f3577b34da6a3ce929d0e0e4736", partner="acme")
    assert [j.meta.message_id for j in by_trace] == ["a1"]


async def test_a_failed_write_is_counted_not_raised(redis_prefix: str) -> None:
    dead = aioredis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    store = JourneyStore(dead, Names(f"{redis_prefix}-j4"), timedelta(hours=1))
    try:
        assert await store.record("m", JourneyEntry(at=T0, stage=Stage.RECEIVED)) is False
    finally:
        await dead.aclose()
    assert store.write_failures == 1
