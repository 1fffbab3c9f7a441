"""The hub's Redis client: one server, or the master that Redis Sentinel names.

Without `OMNIHUB_REDIS_SENTINELS` the client talks to `OMNIHUB_REDIS_URL`. With it, the
client asks the sentinels which server is the master of `OMNIHUB_REDIS_SENTINEL_MASTER`
(redis-py's `Sentinel.master_for`) and asks again whenever a connection fails, so after a
failover every new connection reaches the promoted replica. The URL then gives only the
database number and the credentials of the data servers. What a failover costs (writes
not yet replicated are lost) is in docs/scaling.md.
"""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.sentinel import Sentinel, SentinelConnectionPool
from redis.connection import parse_url

from omnihub.settings import Settings, sentinel_address

__all__ = ["close_redis", "connect_redis"]

SENTINEL_TIMEOUT_S = 1.0  # a sentinel that does not answer within this is skipped


def connect_redis(settings: Settings, **options: Any) -> aioredis.Redis:
    """A client (no connection is made until the first command); ``options`` go to each
    connection to the data servers (timeouts, retry), as in `redis.asyncio.Redis`."""
    if not settings.redis_sentinels:
        return aioredis.Redis.from_url(settings.redis_url, **options)
    parsed: dict[str, Any] = parse_url(settings.redis_url)  # type: ignore[no-untyped-call]
    options |= {k: v for k, v in parsed.items() if k in ("db", "username", "password")}
    sentinel = Sentinel(
        [sentinel_address(s) for s in settings.redis_sentinels],
        sentinel_kwargs={"socket_timeout": SENTINEL_TIMEOUT_S},
    )
    client: aioredis.Redis = sentinel.master_for(settings.redis_sentinel_master, **options)
    return client


async def close_redis(client: aioredis.Redis) -> None:
    """Close a client of `connect_redis`, and the connections to its sentinels."""
    await client.aclose()
    pool = client.connection_pool
    if isinstance(pool, SentinelConnectionPool):
        for sentinel in pool.sentinel_manager.sentinels:
            await sentinel.aclose()
