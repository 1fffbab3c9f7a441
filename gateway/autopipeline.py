"""Redis commands of concurrent requests sent together: automatic pipelining.

At 64 requests in flight, a connection pool gives every command its own connection, its
own write and its own read wake-up, and redis-py's per-command path (pool checkout,
retry wrapper, parser) costs more client CPU than Redis spends running the command. Here
one round trip is in flight at a time: the commands issued while it is out are queued and
go out together, as one non-transactional pipeline, when it returns. Commands therefore
reach Redis in the order they were issued (a response stored by `send` is in Redis before
any later admission of the same process looks for it), and a batch waits at most one
round trip longer than a command of its own would.

The batch is written on a connection of its own (made by the client's pool, so it has
the client's address, credentials and timeouts) and the replies are read back in order:
redis-py's `Pipeline` would add a command stack, a retry wrapper and reply callbacks per
command, which cost more than the socket work at these rates; the batch is packed by
`gateway/resp.py`, not redis-py's general `pack_command`. A lost connection fails the
commands still waiting and is made anew for the next batch.

`execute` awaits a command's reply; `send` is fire-and-forget, for writes whose failure
the caller has already decided to tolerate (counted through `on_send_failure`). A
connection error fails every command of its batch with that `RedisError`; an error reply
fails only its own command.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from gateway.resp import pack_commands

__all__ = ["AutoPipeline"]

log = logging.getLogger("omnihub.gateway.redis")

MAX_BATCH = 256  # commands per round trip; the rest wait for the next one

_Command = tuple[tuple[Any, ...], "asyncio.Future[Any] | None"]


class AutoPipeline:
    """One per gateway process (one event loop), over the app's Redis client."""

    def __init__(
        self, redis: aioredis.Redis, *, on_send_failure: Callable[[], None] | None = None
    ) -> None:
        self._redis = redis
        self._queue: list[_Command] = []
        self._flusher: asyncio.Task[None] | None = None
        self._on_send_failure = on_send_failure
        self._connection: AbstractConnection | None = None

    async def execute(self, *args: Any) -> Any:
        """Run one command in the next round trip; its reply, or its error raised."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._enqueue(args, future)
        return await future

    def send(self, *args: Any) -> None:
        """Queue a write whose reply nobody waits for."""
        self._enqueue(args, None)

    def _enqueue(self, args: tuple[Any, ...], future: asyncio.Future[Any] | None) -> None:
        self._queue.append((args, future))
        if self._flusher is None:
            self._flusher = asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        try:
            while self._queue:
                batch = self._queue[:MAX_BATCH]
                del self._queue[:MAX_BATCH]
                await self._round_trip(batch)
        finally:
            self._flusher = None
            if self._queue:  # cancelled at shutdown with commands left: fail them
                self._fail(self._queue, RedisError("the gateway is stopping"))
                self._queue = []

    async def _round_trip(self, batch: list[_Command]) -> None:
        done = 0
        try:
            connection = await self._send(batch)
            # One deadline for the batch's replies, not a timer per reply (redis-py arms
            # one per read_response; math.inf switches that off).
            try:
                async with asyncio.timeout(connection.socket_timeout):
                    for _, future in batch:
                        try:
                            reply = await connection.read_response(timeout=math.inf)
                        except ResponseError as exc:  # an error reply: this command's alone
                            reply = exc
                        done += 1
                        self._deliver(future, reply)
            except TimeoutError:
                raise RedisTimeoutError("Redis did not answer in time") from None
        except (RedisError, OSError) as exc:
            await self._disconnect()
            self._fail(batch[done:], exc if isinstance(exc, RedisError) else RedisError(exc))
        except asyncio.CancelledError:
            await self._disconnect()  # replies may still be on their way: not reusable
            self._fail(batch[done:], RedisError("the gateway is stopping"))
            raise

    async def _send(self, batch: list[_Command]) -> AbstractConnection:
        """Write the batch; a connection found broken while writing (closed by a proxy,
        or by Redis while idle) is made anew once. A failure while reading is not
        retried: the commands may have run."""
        for attempt in (1, 2):
            connection = await self._connect()
            try:
                packed = pack_commands([args for args, _ in batch])
                await connection.send_packed_command(packed, check_health=False)
                return connection
            except (RedisError, OSError):
                await self._disconnect()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _connect(self) -> AbstractConnection:
        if self._connection is None:
            pool = self._redis.connection_pool
            connection: AbstractConnection = pool.make_connection()  # type: ignore[no-untyped-call]
            await connection.connect()  # type: ignore[no-untyped-call]
            self._connection = connection
        return self._connection

    async def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.disconnect()

    def _deliver(self, future: asyncio.Future[Any] | None, reply: Any) -> None:
        failed = isinstance(reply, Exception)
        if future is None:
            if failed:
                self._send_failed(reply)
        elif not future.done():
            if failed:
                future.set_exception(reply)
            else:
                future.set_result(reply)

    def _fail(self, batch: list[_Command], exc: Exception) -> None:
        for _, future in batch:
            if future is None:
                self._send_failed(exc)
            elif not future.done():
                future.set_exception(exc)

    def _send_failed(self, exc: BaseException) -> None:
        log.warning("a background Redis write failed: %s", type(exc).__name__)
        if self._on_send_failure is not None:
            self._on_send_failure()

    async def close(self, timeout_s: float = 5.0) -> None:
        """Wait until every queued command has had its round trip, then disconnect."""
        if self._flusher is not None:
            await asyncio.wait({self._flusher}, timeout=timeout_s)
        await self._disconnect()
