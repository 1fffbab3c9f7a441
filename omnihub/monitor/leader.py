"""One monitor checks and alerts at a time: a lease in Redis (SET NX PX), renewed by
its holder while it runs; another monitor takes over once a lease is not renewed."""

from __future__ import annotations

import uuid

from redis.asyncio import Redis

__all__ = ["LeaderLease"]

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class LeaderLease:
    def __init__(self, redis: Redis, key: str, ttl_ms: int) -> None:
        self._redis = redis
        self.key = key
        self.ttl_ms = ttl_ms
        self.holder = uuid.uuid4().hex

    async def hold(self) -> bool:
        """Take the lease or renew it; True while this monitor leads."""
        if await self._redis.set(self.key, self.holder, nx=True, px=self.ttl_ms):
            return True
        renewed = await self._redis.eval(_RENEW, 1, self.key, self.holder, str(self.ttl_ms))
        return bool(renewed)

    async def release(self) -> None:
        await self._redis.eval(_RELEASE, 1, self.key, self.holder)
