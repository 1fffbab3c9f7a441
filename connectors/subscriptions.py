"""Which partner webhook subscriptions are disabled, kept in Redis.

A partner that answers ``410 Gone`` has unsubscribed: the subscription is disabled for
every worker process (a hash per webhook target, ``<prefix>:webhooks:<target>:disabled``,
field = partner id, value = when and why) until an operator enables it again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import msgspec
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from connectors.outcome import StateUnavailable
from omnihub.naming import Names

__all__ = ["DisabledSubscription", "SubscriptionStore"]


class DisabledSubscription(msgspec.Struct, frozen=True, kw_only=True):
    disabled_at: datetime
    status: int
    reason: str


_decoder = msgspec.json.Decoder(DisabledSubscription)


@asynccontextmanager
async def _mapped(action: str) -> AsyncIterator[None]:
    try:
        yield
    except (RedisError, OSError) as exc:
        raise StateUnavailable(
            f"{action}: Redis unavailable ({type(exc).__name__}); will retry"
        ) from exc


class SubscriptionStore:
    def __init__(self, client: aioredis.Redis, names: Names, target: str) -> None:
        self._redis = client
        self._key = names.webhook_disabled_key(target)

    async def disabled(self, partner: str) -> DisabledSubscription | None:
        async with _mapped(f"reading webhook subscription state of {partner}"):
            raw = await self._redis.hget(self._key, partner)
        if raw is None:
            return None
        try:
            return _decoder.decode(raw)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return DisabledSubscription(
                disabled_at=datetime.now(UTC), status=410, reason="(unreadable state)"
            )

    async def disable(self, partner: str, status: int, reason: str) -> DisabledSubscription:
        state = DisabledSubscription(disabled_at=datetime.now(UTC), status=status, reason=reason)
        async with _mapped(f"disabling the webhook subscription of {partner}"):
            await self._redis.hset(self._key, partner, msgspec.json.encode(state))
        return state

    async def enable(self, partner: str) -> bool:
        """Enable a disabled subscription again; True if it was disabled."""
        async with _mapped(f"enabling the webhook subscription of {partner}"):
            return bool(await self._redis.hdel(self._key, partner))

    async def all_disabled(self) -> dict[str, DisabledSubscription]:
        async with _mapped("listing disabled webhook subscriptions"):
            raw = await self._redis.hgetall(self._key)
        return {
            (k.decode() if isinstance(k, bytes) else str(k)): _decoder.decode(v)
            for k, v in raw.items()
        }
