"""The idempotency record behind one admission: its states."""

from __future__ import annotations

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


async def _admit(admission: Admission, digest: str, fp: str = FP):  # type: ignore[no-untyped-def]
    return await admission.admit(
        "p", TIER, idempotency_digest=digest, fingerprint=fp, lock_ms=LOCK_MS
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


async def test_a_released_key_hands_its_ids_to_the_retry_once(
    admission: Admission, names: Names, redis_client: aioredis.Redis
) -> None:
    assert (await _admit(admission, "k2")).state == "new"
    admission.release("p", "k2", FP, ["id-1", "id-2"], TTL_MS)
    retry = await _admit(admission, "k2")
    assert (retry.state, retry.previous_ids) == ("retry", ("id-1", "id-2"))
    assert (await _admit(admission, "k2")).state == "inflight"  # reserved by the retry
    assert await redis_client.pttl(names.idempotency_key("p", "k2")) <= LOCK_MS
    admission.release("p", "k2", FP, [], TTL_MS)
    assert (await _admit(admission, "k2")).state == "new"  # nothing handed out: gone
