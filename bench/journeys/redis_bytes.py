"""Redis bytes per accepted message: send N orders through the example hub (gateway,
workers, sandbox), let them be delivered, then sum `MEMORY USAGE` of every key the run
left, grouped by kind (the key's first part after the prefix)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from pathlib import Path

import msgspec
import redis.asyncio as aioredis

from bench.ingest.body import API_KEY, order
from bench.journeys.hub_run import running_hub
from omnihub.settings import Settings

__all__ = ["RedisBytes", "measure_redis_bytes"]


class RedisBytes(msgspec.Struct, kw_only=True):
    orders: int
    accepted: int
    keys: int
    bytes_total: int
    bytes_per_message: float
    by_kind: dict[str, int]  # bytes per message by key kind


async def _settle(redis: aioredis.Redis, pattern: str, quiet_s: float = 2.0) -> None:
    """Wait until the run's key count has not changed for `quiet_s` (deliveries done)."""
    last, since = -1, time.monotonic()
    while time.monotonic() - since < quiet_s:
        count = len([k async for k in redis.scan_iter(match=pattern, count=1000)])
        if count != last:
            last, since = count, time.monotonic()
        await asyncio.sleep(0.25)


async def measure_redis_bytes(config_dir: Path, settings: Settings, orders: int) -> RedisBytes:
    redis = aioredis.Redis.from_url(settings.redis_url)
    pattern = f"{settings.prefix}:*"
    accepted = 0
    try:
        async with running_hub(config_dir, settings) as client:
            gate = asyncio.Semaphore(16)
            run = uuid.uuid4().hex[:8]

            async def send(n: int) -> int:
                async with gate:
                    response = await client.post(
                        "/v1/orders",
                        json=order(f"RB-{run}-{n}"),
                        headers={
                            "Authorization": f"Bearer {API_KEY}",
                            "Idempotency-Key": f"rb-{run}-{n}",
                        },
                    )
                    return response.status_code

            statuses = await asyncio.gather(*(send(n) for n in range(orders)))
            accepted = sum(1 for s in statuses if s == 202)
            await _settle(redis, pattern)
        kinds: Counter[str] = Counter()
        keys = 0
        async for key in redis.scan_iter(match=pattern, count=1000):
            keys += 1
            kind = key.decode()[len(settings.prefix) + 1 :].split(":")[0]
            kinds[kind] += int(await redis.memory_usage(key, samples=0) or 0)
        total = sum(kinds.values())
        per = max(accepted, 1)
        return RedisBytes(
            orders=orders,
            accepted=accepted,
            keys=keys,
            bytes_total=total,
            bytes_per_message=round(total / per, 1),
            by_kind={k: round(v / per) for k, v in sorted(kinds.items())},
        )
    finally:
        keys_left = [k async for k in redis.scan_iter(match=pattern, count=1000)]
        if keys_left:
            await redis.delete(*keys_left)
        await redis.aclose()
