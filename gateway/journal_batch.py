"""Journey starts written in batches: every message accepted in one turn of the event loop
is journaled in one pipelined round trip, one server-side script call per message.

CPU per message matters on the ingest path (issue 8): a redis-py pipeline of the seven
commands a start needs costs about 0.5 ms of client CPU; one `EVALSHA` in a shared
pipeline about 0.06 ms. The keys and values are exactly those `JourneyStore.start`
writes (the store reads them back; `tests/gateway/test_journal_batch.py` checks it).
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

# KEYS: meta, trace set, entries list, business-key set ('' when none)
# ARGV: meta JSON, ttl seconds, message id, entry JSON...
_START = """
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[2])
if KEYS[4] ~= '' then
  redis.call('SADD', KEYS[4], ARGV[3])
  redis.call('EXPIRE', KEYS[4], ARGV[2])
end
redis.call('RPUSH', KEYS[3], unpack(ARGV, 4))
redis.call('EXPIRE', KEYS[3], ARGV[2])
return 1
"""

_encoder = msgspec.json.Encoder()

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
        batch, self._buffer = self._buffer, []
        if not batch:
            return
        pipe = self._redis.pipeline(transaction=False)
        for item in batch:
            await self._queue(pipe, *item)
        try:
            await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("journey start of %d message(s) failed: %s", len(batch), type(exc).__name__)
            self._on_failure(len(batch))

    async def _queue(
        self,
        pipe: aioredis.client.Pipeline,
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
        business = (
            key("journey-key", envelope.partner, envelope.business_key)
            if envelope.business_key
            else ""
        )
        await self._script(
            keys=[
                key("journey-meta", envelope.id),
                key("journey-trace", trace_id),
                key("journey", envelope.id),
                business,
            ],
            args=[
                _encoder.encode(meta),
                self._ttl,
                envelope.id,
                _encoder.encode(received),
                _encoder.encode(published),
            ],
            client=pipe,
        )

    async def drain(self, timeout_s: float) -> None:
        if self._pending:
            await asyncio.wait(set(self._pending), timeout=timeout_s)
