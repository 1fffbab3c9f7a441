"""Journey starts written in batches: the messages accepted within a few milliseconds are
journaled by one server-side script call (one round trip).

CPU per message matters on the ingest path (issue 8): a redis-py pipeline of the seven
commands a start needs costs about 0.5 ms of client CPU, one `EVALSHA` about 0.25 ms,
most of it per round trip; one call per batch spreads that over the batch. The script
touches several keys, so on a Redis Cluster they would need one hash slot (not so today).
The keys and values are exactly those `JourneyStore.start` writes (the store reads them
back; `tests/gateway/test_journal_batch.py` checks it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import msgspec
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from omnihub.envelope import Envelope
from omnihub.journey import JourneyEntry, JourneyMeta, Stage
from omnihub.naming import Names

__all__ = ["JournalBatch"]

log = logging.getLogger("omnihub.gateway.journeys")

# Per message i (0-based), KEYS[4i+1..4i+4]: meta, trace set, entries list, business-key
# set ('' when none); ARGV[1] = ttl seconds, ARGV[4i+2..4i+5]: meta JSON, message id,
# received entry JSON, published entry JSON.
_START = """
local ttl = ARGV[1]
for i = 0, #KEYS / 4 - 1 do
  local k, a = i * 4, i * 4 + 1
  redis.call('SET', KEYS[k + 1], ARGV[a + 1], 'EX', ttl)
  redis.call('SADD', KEYS[k + 2], ARGV[a + 2])
  redis.call('EXPIRE', KEYS[k + 2], ttl)
  if KEYS[k + 4] ~= '' then
    redis.call('SADD', KEYS[k + 4], ARGV[a + 2])
    redis.call('EXPIRE', KEYS[k + 4], ttl)
  end
  redis.call('RPUSH', KEYS[k + 3], ARGV[a + 3], ARGV[a + 4])
  redis.call('EXPIRE', KEYS[k + 3], ttl)
end
return #KEYS / 4
"""

_encoder = msgspec.json.Encoder()
WINDOW_S = 0.005  # starts are collected this long, then written in one call

_Item = tuple[Envelope, str, datetime, str | None]


class JournalBatch:
    """Collects journey starts and writes each batch in one round trip, in the background."""

    def __init__(
        self,
        redis: aioredis.Redis,
        names: Names,
        retention: timedelta,
        on_failure: Callable[[int], None],
    ) -> None:
        self._redis = redis
        self._names = names
        self._ttl = max(1, int(retention.total_seconds()))
        self._script = redis.register_script(_START)
        self._on_failure = on_failure
        self._buffer: list[_Item] = []
        self._pending: set[asyncio.Task[None]] = set()

    def add(
        self, envelopes: list[Envelope], trace_id: str, published_at: datetime, detail: str | None
    ) -> None:
        if not self._buffer:
            task = asyncio.get_running_loop().create_task(self._flush())
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
        self._buffer.extend((e, trace_id, published_at, detail) for e in envelopes)

    async def _flush(self) -> None:
        await asyncio.sleep(WINDOW_S)
        batch, self._buffer = self._buffer, []
        keys: list[str] = []
        args: list[bytes | str | int] = [self._ttl]
        for item in batch:
            self._pack(keys, args, *item)
        try:
            await self._script(keys=keys, args=args)
        except (RedisError, OSError) as exc:
            log.warning("journey start of %d message(s) failed: %s", len(batch), type(exc).__name__)
            self._on_failure(len(batch))

    def _pack(
        self,
        keys: list[str],
        args: list[bytes | str | int],
        envelope: Envelope,
        trace_id: str,
        published_at: datetime,
        detail: str | None,
    ) -> None:
        key = self._names.redis_key
        meta = JourneyMeta(
            message_id=envelope.id,
            partner=envelope.partner,
            route=envelope.route,
            event=envelope.event,
            trace_id=trace_id,
            business_key=envelope.business_key,
        )
        received = JourneyEntry(
            at=envelope.received_at,
            stage=Stage.RECEIVED,
            detail=f"route {envelope.route} {envelope.api_version}, partner {envelope.partner}"
            + (f", {detail}" if detail else ""),
        )
        published = JourneyEntry(at=published_at, stage=Stage.PUBLISHED)
        keys += (
            key("journey-meta", envelope.id),
            key("journey-trace", trace_id),
            key("journey", envelope.id),
            key("journey-key", envelope.partner, envelope.business_key)
            if envelope.business_key
            else "",
        )
        args += (
            _encoder.encode(meta),
            envelope.id,
            _encoder.encode(received),
            _encoder.encode(published),
        )

    async def drain(self, timeout_s: float) -> None:
        if self._pending:
            await asyncio.wait(set(self._pending), timeout=timeout_s)
