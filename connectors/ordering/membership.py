"""Which worker holds which ordered partition: a heartbeat in Redis, a deterministic split.

Every worker of a target writes itself into a sorted set (`Names.ordering_members_key`)
with its expiry as the score, every ``heartbeat`` seconds; members whose expiry passed
are gone. Partition ``i`` belongs to the ``i mod n``-th of the ``n`` live workers, sorted
by id, so every worker computes the same split without talking to the others. The split
decides who *subscribes*; single active consumer on each partition queue decides who
*consumes*, so two workers that briefly disagree never both deliver from one partition.
"""

from __future__ import annotations

import time

import redis.asyncio as aioredis

from omnihub.naming import Names

__all__ = ["Membership", "owned_partitions"]


def owned_partitions(members: list[str], me: str, partitions: int) -> frozenset[int]:
    """The partitions ``me`` holds among ``members`` (all of them when it is alone)."""
    alive = sorted(set(members) | {me})
    index = alive.index(me)
    return frozenset(i for i in range(partitions) if i % len(alive) == index)


class Membership:
    def __init__(
        self, redis: aioredis.Redis, names: Names, target: str, worker_id: str, ttl: float
    ) -> None:
        self._redis = redis
        self._key = names.ordering_members_key(target)
        self.worker_id = worker_id
        self.ttl = ttl

    async def beat(self) -> list[str]:
        """Renew this worker's membership; the live members (raises RedisError)."""
        now = time.time()
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(self._key, {self.worker_id: now + self.ttl})
            pipe.zremrangebyscore(self._key, "-inf", now)
            pipe.zrange(self._key, 0, -1)
            pipe.expire(self._key, max(1, int(self.ttl * 10)))
            _, _, members, _ = await pipe.execute()
        return [m.decode() if isinstance(m, bytes) else str(m) for m in members]

    async def leave(self) -> None:
        await self._redis.zrem(self._key, self.worker_id)
