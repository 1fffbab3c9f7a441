"""The gateway's Redis commands sent in batches through redis-py's public pipeline.

Commands issued during one turn of the event loop are queued; at the end of the turn
they go out as one non-transactional `Pipeline` (one write, one round trip) on one of the
client's pooled connections. One batch is in flight at a time and the next takes
everything queued meanwhile, so commands reach Redis in the order they were issued (a
response stored by `send` is in Redis before any later admission of the same process
looks for it) and batches grow with the load instead of the number of round trips.

`execute` awaits a command's reply (raw: the client is built without response
decoding); `send` is fire-and-forget, for writes whose failure the caller has already
decided to tolerate (counted through `on_send_failure`), sent with the next batch or
within `SEND_DELAY_S`. That queueing is `autopipeline.CommandQueue`, shared with the
redis adapter; what is here is the flush. An error reply fails only its own command. A
batch that fails as a whole (connection refused or lost, no answer within the client's
socket timeout) fails each of its commands with that `RedisError`: nothing waits longer
than the timeout, and a command is never sent twice (the client's retries are off: once
written it may have run).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from gateway.ingest.autopipeline import AutoPipeline, CommandQueue, use_autopipeline

__all__ = ["RedisBatch", "RedisCommands", "redis_commands"]

_Command = tuple[tuple[Any, ...], "asyncio.Future[Any] | None"]


class RedisBatch(CommandQueue):
    """Flushes through redis-py's public non-transactional pipeline, one batch at a time."""

    def __init__(
        self, redis: aioredis.Redis, *, on_send_failure: Callable[[], None] | None = None
    ) -> None:
        super().__init__(redis, on_send_failure=on_send_failure)
        self._running: asyncio.Task[None] | None = None

    def _flush(self) -> None:
        if self._running is None and self._queue:
            self._running = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        try:
            while self._queue:
                batch, self._queue = self._queue, []
                await self._send_batch(batch)
        finally:
            self._running = None

    async def _send_batch(self, batch: list[_Command]) -> None:
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for args, _ in batch:
                    pipe.execute_command(*args)
                replies = await pipe.execute(raise_on_error=False)
        except Exception as exc:  # whatever it was, every command of the batch is answered
            failure = exc if isinstance(exc, RedisError) else RedisError(str(exc))
            replies = [failure] * len(batch)
        for (_, future), reply in zip(batch, replies, strict=True):
            self._answer(future, reply)

    async def close(self, timeout_s: float = 5.0) -> None:
        """Wait until every queued command has been answered (at most ``timeout_s``)."""
        self._turn_ended()
        running = self._running
        if running is not None:
            await asyncio.wait({running}, timeout=timeout_s)


class RedisCommands(Protocol):
    """What the gateway's request path needs of Redis: batched commands, in order."""

    async def execute(self, *args: Any) -> Any: ...

    def send(self, *args: Any) -> None: ...

    async def close(self, timeout_s: float = 5.0) -> None: ...


def redis_commands(
    redis: aioredis.Redis, *, on_send_failure: Callable[[], None] | None = None
) -> RedisCommands:
    """The redis adapter's `AutoPipeline` where its fast path is on, else `RedisBatch`."""
    if use_autopipeline():
        return AutoPipeline(redis, on_send_failure=on_send_failure)
    return RedisBatch(redis, on_send_failure=on_send_failure)
