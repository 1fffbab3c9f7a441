"""The Redis control-number allocator against the real Redis."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from omnihub.edi_counters import ControlNumberError, RedisControlNumbers
from omnihub.settings import Settings


async def test_allocations_count_up_from_one_per_scope(
    redis_client: aioredis.Redis, settings: Settings
) -> None:
    numbers = RedisControlNumbers(redis_client, settings.names)
    assert await numbers.allocate("x12:A:B:isa") == 1
    assert await numbers.allocate("x12:A:B:isa", 3) == 2
    assert await numbers.allocate("x12:A:B:isa") == 5
    assert await numbers.allocate("x12:A:B:gs") == 1


async def test_concurrent_allocations_never_repeat(settings: Settings) -> None:
    clients = [aioredis.Redis.from_url(settings.redis_url) for _ in range(4)]
    try:
        allocators = [RedisControlNumbers(c, settings.names) for c in clients]
        calls = [allocators[i % 4].allocate("x12:S:R:gs", 1 + i % 3) for i in range(200)]
        firsts = await asyncio.gather(*calls)
    finally:
        for client in clients:
            await client.aclose()
    reserved = [first + k for i, first in enumerate(firsts) for k in range(1 + i % 3)]
    assert len(reserved) == len(set(reserved))
    assert sorted(reserved) == list(range(1, len(reserved) + 1))


async def test_the_counter_lives_under_the_names_prefix(
    redis_client: aioredis.Redis, settings: Settings
) -> None:
    await RedisControlNumbers(redis_client, settings.names).allocate("x12:P:Q:isa", 7)
    key = settings.names.edi_control_number_key("x12:P:Q:isa")
    assert key.startswith(settings.names.prefix + ":")
    assert int(await redis_client.get(key)) == 7


async def test_zero_count_is_refused(redis_client: aioredis.Redis, settings: Settings) -> None:
    with pytest.raises(ControlNumberError, match="1 or more"):
        await RedisControlNumbers(redis_client, settings.names).allocate("x12:A:B:isa", 0)


async def test_redis_down_is_a_control_number_error(settings: Settings) -> None:
    client = aioredis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    try:
        with pytest.raises(ControlNumberError, match="Redis answered"):
            await RedisControlNumbers(client, settings.names).allocate("x12:A:B:isa")
    finally:
        await client.aclose()
