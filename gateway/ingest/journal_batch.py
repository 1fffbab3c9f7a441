"""Journey starts written in batches: the messages accepted within a few milliseconds are
journaled by one server-side script call (one round trip).

One `EVALSHA` per batch instead of the seven commands a start needs per message: the
client's cost is mostly per command and per round trip. The script touches several keys,
so on a Redis Cluster they would need one hash slot (not so today). The command is built
by `JourneyStore.start_many_command`, so the key layout lives in one place, and sent
through the gateway's batched Redis commands, sharing round trips with the admissions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

import redis.asyncio as aioredis
from redis.exceptions import NoScriptError, RedisError

from gateway.ingest.redis_batch import RedisCommands, redis_commands
from omnihub.envelope import Envelope
from omnihub.journey import JourneyEntry, JourneyMeta, JourneyStore, Stage
from omnihub.naming import Names

__all__ = ["JournalBatch"]


WINDOW_S = 0.005  # starts are collected this long, then written in one call

_Item = tuple[Envelope, str, datetime, str | None]


def _start(
    envelope: Envelope, trace_id: str, published_at: datetime, detail: str | None
) -> tuple[JourneyMeta, list[JourneyEntry]]:
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
    return meta, [received, JourneyEntry(at=published_at, stage=Stage.PUBLISHED)]


class JournalBatch:
    """Collects journey starts and writes each batch in one round trip, in the background."""

    def __init__(
        self,
        redis: aioredis.Redis,
        names: Names,
        retention: timedelta,
        on_failure: Callable[[int], None],
        pipeline: RedisCommands | None = None,
    ) -> None:
        self._store = JourneyStore(redis, names, retention)
        self._owned = pipeline is None  # tests build a batch without the app's pipeline
        self._pipeline = pipeline if pipeline is not None else redis_commands(redis)
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
        command = self._store.start_many_command([_start(*item) for item in batch])
        try:
            try:
                await self._pipeline.execute(*command)
            except NoScriptError:
                await self._store.load_scripts()
                await self._pipeline.execute(*command)
        except (RedisError, OSError) as exc:
            self._store.failed(len(batch), exc)
            self._on_failure(len(batch))

    async def drain(self, timeout_s: float) -> None:
        if self._pending:
            await asyncio.wait(set(self._pending), timeout=timeout_s)
        if self._owned:
            await self._pipeline.close(timeout_s)
