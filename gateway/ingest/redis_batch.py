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
within `SEND_DELAY_S`. An error reply fails only its own command. A batch that fails as a
whole (connection refused or lost, no answer within the client's socket timeout) fails
each of its commands with that `RedisError`: nothing waits longer than the timeout, and a
command is never sent twice (the client's retries are off: once written it may have run).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from gateway.ingest.autopipeline import AutoPipeline, use_autopipeline

__all__ = ["SEND_DELAY_S", "RedisBatch", "RedisCommands", "redis_commands"]

log = logging.getLogger("omnihub.gateway.redis")

SEND_DELAY_S = 0.001  # a background write waits at most this long for company

_Command = tuple[tuple[Any, ...], "asyncio.Future[Any] | None"]


class RedisBatch:
    """One per gateway process (one event loop), over the app's Redis client."""

    def __init__(
        self, redis: aioredis.Redis, *, on_send_failure: Callable[[], None] | None = None
    ) -> None:
        self._redis = redis
        self._queue: list[_Command] = []
        self._scheduled = False
        self._later: asyncio.TimerHandle | None = None
        self._running: asyncio.Task[None] | None = None
        self._on_send_failure = on_send_failure

    async def execute(self, *args: Any) -> Any:
        """Run one command in the next batch; its reply, or its error raised."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.append((args, future))
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._start)
        return await future

    def send(self, *args: Any) -> None:
        """Queue a write whose reply nobody waits for."""
        self._queue.append((args, None))
        if not self._scheduled and self._later is None:
            self._later = asyncio.get_running_loop().call_later(SEND_DELAY_S, self._start)

    def _start(self) -> None:
        self._scheduled = False
        if self._later is not None:
            self._later.cancel()
            self._later = None
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
            failed = isinstance(reply, Exception)
            if future is None:
                if failed:
                    self._send_failed(reply)
            elif not future.done():
                if failed:
                    future.set_exception(reply)
                else:
                    future.set_result(reply)

    def _send_failed(self, exc: BaseException) -> None:
        log.warning("a background Redis write failed: %s", type(exc).__name__)
        if self._on_send_failure is not None:
            self._on_send_failure()

    async def close(self, timeout_s: float = 5.0) -> None:
        """Wait until every queued command has been answered (at most ``timeout_s``)."""
        self._start()
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
