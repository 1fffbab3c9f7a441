"""Journeys in Redis, with a retention, found by message id, trace id or business key.

Keys (all from `Names.redis_key`):
    journey:<id>            list of JSON entries, in order
    journey-meta:<id>       JSON `JourneyMeta`
    journey-trace:<trace>   set of message ids in that trace
    journey-key:<partner>:<business key>   set of message ids
Each write is one pipelined round trip and refreshes the retention on what it touches.
Journey writes never fail a request or a delivery: `record` reports failure by its
return value, and the caller counts it (metric `journey_write_failures`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import msgspec
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from omnihub.journey.model import Journey, JourneyEntry, JourneyMeta
from omnihub.naming import Names

__all__ = ["JourneyStore"]

log = logging.getLogger("omnihub.journey")

# One call writes the starts of many messages (the gateway batches the messages accepted
# within a few milliseconds). Per message, KEYS: meta, trace set, entries list, business
# key set ('' when none); ARGV after the TTL: meta JSON, message id, entry count, entries.
_START_MANY = """
local ttl = ARGV[1]
local a = 2
for i = 0, #KEYS / 4 - 1 do
  local k = i * 4
  local id, n = ARGV[a + 1], tonumber(ARGV[a + 2])
  redis.call('SET', KEYS[k + 1], ARGV[a], 'EX', ttl)
  redis.call('SADD', KEYS[k + 2], id)
  redis.call('EXPIRE', KEYS[k + 2], ttl)
  if KEYS[k + 4] ~= '' then
    redis.call('SADD', KEYS[k + 4], id)
    redis.call('EXPIRE', KEYS[k + 4], ttl)
  end
  if n > 0 then
    redis.call('RPUSH', KEYS[k + 3], unpack(ARGV, a + 3, a + 2 + n))
    redis.call('EXPIRE', KEYS[k + 3], ttl)
  end
  a = a + 3 + n
end
return #KEYS / 4
"""

_START_MANY_SHA = hashlib.sha1(_START_MANY.encode()).hexdigest()

_entry_decoder = msgspec.json.Decoder(JourneyEntry)
_meta_decoder = msgspec.json.Decoder(JourneyMeta)
_encoder = msgspec.json.Encoder()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class JourneyStore:
    def __init__(self, redis: aioredis.Redis, names: Names, retention: timedelta) -> None:
        self._redis = redis
        self._names = names
        self._ttl = max(1, int(retention.total_seconds()))
        self._start_many = redis.register_script(_START_MANY)
        self.write_failures = 0

    def _entries_key(self, message_id: str) -> str:
        return self._names.redis_key("journey", message_id)

    def _meta_key(self, message_id: str) -> str:
        return self._names.redis_key("journey-meta", message_id)

    def _trace_key(self, trace_id: str) -> str:
        return self._names.redis_key("journey-trace", trace_id)

    def _business_key(self, partner: str, key: str) -> str:
        return self._names.redis_key("journey-key", partner, key)

    async def start(self, meta: JourneyMeta, *entries: JourneyEntry) -> bool:
        """Write a message's identity and its first entries (received, published)."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.set(self._meta_key(meta.message_id), _encoder.encode(meta), ex=self._ttl)
        pipe.sadd(self._trace_key(meta.trace_id), meta.message_id)
        pipe.expire(self._trace_key(meta.trace_id), self._ttl)
        if meta.business_key:
            bkey = self._business_key(meta.partner, meta.business_key)
            pipe.sadd(bkey, meta.message_id)
            pipe.expire(bkey, self._ttl)
        if entries:
            pipe.rpush(self._entries_key(meta.message_id), *map(_encoder.encode, entries))
            pipe.expire(self._entries_key(meta.message_id), self._ttl)
        return await self._run(pipe, meta.message_id)

    async def start_many(
        self, starts: Sequence[tuple[JourneyMeta, Sequence[JourneyEntry]]]
    ) -> bool:
        """`start` for many messages in one server-side call (one round trip).

        The script touches several keys, so on a Redis Cluster they would need one hash
        slot; with a single Redis (or Sentinel) that does not arise.
        """
        _, _, count, *rest = self.start_many_command(starts)
        try:
            await self._start_many(keys=rest[:count], args=rest[count:])
        except (RedisError, OSError) as exc:
            self.failed(len(starts), exc)
            return False
        return True

    def start_many_command(
        self, starts: Sequence[tuple[JourneyMeta, Sequence[JourneyEntry]]]
    ) -> list[Any]:
        """The `EVALSHA` command of `start_many`, for a caller that sends it in a pipeline
        of its own; when Redis answers NOSCRIPT, `load_scripts` and send it again."""
        keys: list[str] = []
        args: list[bytes | str | int] = [self._ttl]
        for meta, entries in starts:
            keys += (
                self._meta_key(meta.message_id),
                self._trace_key(meta.trace_id),
                self._entries_key(meta.message_id),
                self._business_key(meta.partner, meta.business_key) if meta.business_key else "",
            )
            args += (_encoder.encode(meta), meta.message_id, len(entries))
            args += [_encoder.encode(e) for e in entries]
        return ["EVALSHA", _START_MANY_SHA, len(keys), *keys, *args]

    async def load_scripts(self) -> None:
        await self._redis.script_load(_START_MANY)

    def failed(self, count: int, exc: BaseException) -> None:
        """Count and log journey starts that could not be written."""
        self.write_failures += count
        log.warning("journey start of %d message(s) failed: %s", count, type(exc).__name__)

    async def record(self, message_id: str, *entries: JourneyEntry) -> bool:
        """Append entries to a message's journey."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.rpush(self._entries_key(message_id), *map(_encoder.encode, entries))
        pipe.expire(self._entries_key(message_id), self._ttl)
        pipe.expire(self._meta_key(message_id), self._ttl)
        return await self._run(pipe, message_id)

    async def _run(self, pipe: aioredis.client.Pipeline, message_id: str) -> bool:
        try:
            await pipe.execute()
        except (RedisError, OSError) as exc:
            self.write_failures += 1
            log.warning("journey write for %s failed: %s", message_id, type(exc).__name__)
            return False
        return True

    async def get(self, message_id: str) -> Journey | None:
        pipe = self._redis.pipeline(transaction=False)
        pipe.get(self._meta_key(message_id))
        pipe.lrange(self._entries_key(message_id), 0, -1)
        meta_raw, raw_entries = await pipe.execute()
        if meta_raw is None:
            return None
        return Journey(
            meta=_meta_decoder.decode(meta_raw),
            entries=[_entry_decoder.decode(e) for e in raw_entries],
        )

    async def ids_for_trace(self, trace_id: str) -> list[str]:
        return sorted(_text(m) for m in await self._redis.smembers(self._trace_key(trace_id)))

    async def ids_for_business_key(self, partner: str, key: str) -> list[str]:
        members = await self._redis.smembers(self._business_key(partner, key))
        return sorted(_text(m) for m in members)

    async def find(self, key: str, *, partner: str | None = None) -> list[Journey]:
        """Journeys for a message id, a trace id, or (with `partner`) a business key.

        With `partner` set, only that partner's messages are returned, whatever the key.
        """
        ids = [key] if await self._redis.exists(self._meta_key(key)) else []
        if not ids:
            ids = await self.ids_for_trace(key)
        if not ids and partner is not None:
            ids = await self.ids_for_business_key(partner, key)
        if not ids and partner is None:
            pattern = self._business_key("*", key)
            keys = [k async for k in self._redis.scan_iter(match=pattern, count=500)]
            for k in keys:
                ids += [_text(m) for m in await self._redis.smembers(k)]
        journeys = [j for j in [await self.get(i) for i in sorted(set(ids))] if j is not None]
        if partner is not None:
            journeys = [j for j in journeys if j.meta.partner == partner]
        return journeys
