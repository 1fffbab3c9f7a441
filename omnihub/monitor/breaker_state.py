"""Where a target's worker says its breaker is open, so that the monitor can see it.

The worker calls `breaker_opened` when the breaker opens (the first opening time is
kept across re-openings after failed probes) and `breaker_closed` when it closes; the
monitor reads `breaker_opened_at`. The key expires on its own after a day so a worker
killed while open does not leave a breach forever.
"""

from __future__ import annotations

from datetime import UTC, datetime

from redis.asyncio import Redis

from omnihub.naming import Names

__all__ = ["breaker_closed", "breaker_opened", "breaker_opened_at"]

_TTL_S = 86_400


async def breaker_opened(redis: Redis, names: Names, target: str, at: datetime) -> None:
    await redis.set(names.breaker_key(target), at.isoformat(), nx=True, ex=_TTL_S)


async def breaker_closed(redis: Redis, names: Names, target: str) -> None:
    await redis.delete(names.breaker_key(target))


async def breaker_opened_at(redis: Redis, names: Names, target: str) -> datetime | None:
    raw = await redis.get(names.breaker_key(target))
    if raw is None:
        return None
    text = raw.decode() if isinstance(raw, bytes) else str(raw)
    opened = datetime.fromisoformat(text)
    return opened if opened.tzinfo else opened.replace(tzinfo=UTC)
