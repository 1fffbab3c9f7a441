"""EDI control numbers that never repeat: a Redis ``INCRBY`` per scope.

This is the hub's `transforms.edi.ControlNumberAllocator`: every gateway and worker
process shares the counters, and ``INCRBY`` is atomic, so two writers never get the
same ISA13 / GS06 / UNB 0020 for a partner pair. Numbers wrap (999999999 → 1) in the
writers, not here.
"""

from __future__ import annotations

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from omnihub.errors import OmnihubError
from omnihub.naming import Names

__all__ = ["ControlNumberError", "RedisControlNumbers"]


class ControlNumberError(OmnihubError):
    """Control numbers could not be reserved (Redis down or a bad request)."""


class RedisControlNumbers:
    """Reserves consecutive control numbers per scope with one ``INCRBY``."""

    def __init__(self, redis: aioredis.Redis, names: Names) -> None:
        self._redis = redis
        self._names = names

    async def allocate(self, scope: str, count: int = 1) -> int:
        """Reserve ``count`` numbers in ``scope`` and return the first of them."""
        if count < 1:
            raise ControlNumberError(
                f"control numbers are reserved 1 or more at a time, not {count}"
            )
        key = self._names.edi_control_number_key(scope)
        try:
            last = int(await self._redis.incrby(key, count))
        except RedisError as exc:
            raise ControlNumberError(
                f"cannot reserve EDI control numbers for {scope!r}: Redis answered "
                f"{type(exc).__name__}; nothing was sent, try again when Redis is back"
            ) from exc
        return last - count + 1
