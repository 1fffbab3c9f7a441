"""The idempotency record behind one admission: its states."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from gateway.ingest.admission import Admission, TierLimits
from gateway.ingest.redis_batch import RedisCommands, redis_commands
from omnihub.config.model import RateLimitTier
from omnihub.naming import Names

TIER = TierLimits.parse("t", RateLimitTier(limits=["1000/second"]))
FP = "a" * 32
LOCK_MS = 30_000
TTL_MS = 3_600_000


@pytest.fixture
async def pipeline(redis_client: aioredis.Redis) -> AsyncIterator[RedisCommands]:
    own = redis_commands(redis_client)  # the fast path or the public one, as the run says
    yield own
    await own.close()


@pytest.fixture
def names(redis_prefix: str) -> Names:
    return Names(f"{redis_prefix}-adm-{uuid.uuid4().hex[:6]}")


@pytest.fixture
def admission(redis_client: aioredis.Redis, names: Names, pipeline: RedisCommands) -> Admission:
    return Admission(redis_client, names, pipeline)


async def _admit(  # type: ignore[no-untyped-def]
    admission: Admission, digest: str, fp: str = FP, *, lock_ms: int = LOCK_MS, now_ms: int = 1000
):
    return await admission.admit(
        "p",
        TIER,
        idempotency_digest=digest,
        fingerprint=fp,
        lock_ms=lock_ms,
        ttl_ms=TTL_MS,
        now_ms=now_ms,
    )


async def test_a_key_goes_new_inflight_done_and_replays_what_was_stored(
    admission: Admission, names: Names, redis_client: aioredis.Redis
) -> None:
    assert (await _admit(admission, "k1")).state == "new"
    assert (await _admit(admission, "k1")).state == "inflight"
    assert (await _admit(admission, "k1", "b" * 32)).state == "mismatch"
    admission.complete("p", "k1", FP, b'{"message_id":"m-1"}\nsecond line', "00-tp-01", TTL_MS)
    done = await _admit(admission, "k1")
    assert done.state == "done"
    assert done.stored_body == b'{"message_id":"m-1"}\nsecond line'  # newlines kept
    assert done.stored_traceparent == "00-tp-01"
    assert 0 < await redis_client.pttl(names.idempotency_key("p", "k1")) <= TTL_MS


async def test_a_released_key_hands_the_first_attempts_time_to_the_retry_once(
    admission: Admission, names: Names, redis_client: aioredis.Redis
) -> None:
    assert (await _admit(admission, "k2", now_ms=1111)).state == "new"
    admission.release("p", "k2", FP, 1111, TTL_MS)
    retry = await _admit(admission, "k2", now_ms=2222)
    assert (retry.state, retry.first_ms) == ("retry", 1111)
    assert (await _admit(admission, "k2")).state == "inflight"  # reserved by the retry
    assert LOCK_MS < await redis_client.pttl(names.idempotency_key("p", "k2")) <= TTL_MS
    admission.release("p", "k2", FP, None, TTL_MS)
    assert (await _admit(admission, "k2", now_ms=3333)).state == "new"  # none handed out


async def test_a_reservation_left_by_a_dead_gateway_is_taken_over_after_its_lock(
    admission: Admission, names: Names, redis_client: aioredis.Redis
) -> None:
    """Nobody completes or releases it: the record outlives the lock, and the first
    request after the lock gets the key with the first attempt's time (so its ids)."""
    assert (await _admit(admission, "k3", lock_ms=300, now_ms=1111)).state == "new"
    assert await redis_client.pttl(names.idempotency_key("p", "k3")) > LOCK_MS  # kept
    assert (await _admit(admission, "k3", "b" * 32)).state == "mismatch"  # still another body
    states = []
    for _ in range(100):  # 409 while the lock (Redis' clock) lasts, then taken over
        taken = await _admit(admission, "k3", now_ms=3333)
        states.append(taken.state)
        if taken.state != "inflight":
            break
        await asyncio.sleep(0.05)
    assert (taken.state, taken.first_ms) == ("retry", 1111), states
    assert (await _admit(admission, "k3")).state == "inflight"  # held by the taker now
