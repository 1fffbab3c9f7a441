"""The stale-write guard: the last snapshot version delivered per ordering key, in Redis.

One hash per ordered delivery (`Names.ordering_versions_key`), field = the ordering key,
value = the version of the newest snapshot delivered. ``record`` keeps the larger of the
stored and the given version (one Lua call), so a late write can never lower it.
A newer worker taking over a partition reads the same hash.
"""

from __future__ import annotations

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from connectors.outcome import StateUnavailable
from omnihub.naming import Names

__all__ = ["VersionGuard"]

_RECORD_MAX = """
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if (not cur) or tonumber(cur) < tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return 1
end
return 0
"""


class VersionGuard:
    def __init__(self, redis: aioredis.Redis, names: Names, target: str) -> None:
        self._redis = redis
        self._names = names
        self._target = target
        self._record = redis.register_script(_RECORD_MAX)

    async def last(self, delivery: str, key: str) -> float | None:
        """The version of the newest snapshot delivered for ``key``, if any."""
        try:
            value = await self._redis.hget(
                self._names.ordering_versions_key(self._target, delivery), key
            )
        except RedisError as exc:
            raise StateUnavailable(f"reading the last delivered version: {exc}") from None
        return float(value) if value is not None else None

    async def record(self, delivery: str, key: str, version: float) -> None:
        """Remember that a snapshot of ``version`` was delivered for ``key`` (keeps the max)."""
        try:
            await self._record(
                keys=[self._names.ordering_versions_key(self._target, delivery)],
                args=[key, repr(version)],
            )
        except RedisError as exc:
            raise StateUnavailable(f"recording the delivered version: {exc}") from None
