"""The redis adapter: the Redis commands of concurrent requests pipelined on one
connection whose transport it reads itself.

Used where `use_autopipeline` says so (a redis-py release in `KNOWN`, ``OMNIHUB_FAST_PATHS``
allowing it): it relies on redis-py's connection keeping its stream writer as `_writer`.
Otherwise `redis_batch.RedisBatch` sends the same commands through redis-py's pipeline.
Both are a `CommandQueue` (the queueing front, no library internals) with their own flush.

The commands issued during one turn of the event loop go out in one write (packed as
RESP by `pack_commands`), and further batches follow while earlier ones still await
their replies. Redis runs a connection's commands in the order they arrive, so they run
in the order they were issued. The connection is made by the client's pool (address,
TLS, credentials, database, timeouts, handshake); then `_Link` reads its transport,
feeding hiredis and handing each reply to the command that waits for it, in order, from
the socket's callback: no reader task, no coroutine per reply.

`execute` awaits a command's reply; `send` is fire-and-forget, for writes whose failure
the caller has already decided to tolerate (counted through `on_send_failure`). An error
reply fails only its own command. A connection that closes, or whose oldest batch is not
answered within the client's `socket_timeout`, fails every command written on it and not
answered, with a `RedisError`; the next batch goes out on a new connection. Commands are
never written twice: once written they may have run.

`pack_commands`: redis-py's `pack_command` handles every case a client may meet (a
command name with a space in it, memoryviews, chunking of large values for zero-copy
writes) and encodes each argument through its `Encoder`. The gateway's commands are a
name and plain arguments, so they are packed in one pass: bytes as they are, str as
UTF-8, int and float by `repr`, as redis-py does; a bool or anything else is refused
like redis-py refuses it. `tests/gateway/test_resp.py` holds the output against
redis-py's own.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

import hiredis
import redis.asyncio as aioredis
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import DataError, NoScriptError, RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from omnihub.fast_paths import fast_path

__all__ = [
    "KNOWN",
    "SEND_DELAY_S",
    "AutoPipeline",
    "CommandQueue",
    "pack_commands",
    "use_autopipeline",
]


def _arg(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, bool) or not isinstance(value, (int, float, bytearray, memoryview)):
        raise DataError(
            f"Invalid input of type: '{type(value).__name__}'. "
            "Convert to a bytes, string, int or float first."
        )
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return repr(value).encode()


def pack_commands(commands: Iterable[Sequence[Any]]) -> bytes:
    """The RESP array of each command, joined: one buffer for one write."""
    out: list[bytes] = []
    append = out.append
    for args in commands:
        append(b"*%d\r\n" % len(args))
        for value in args:
            kind = type(value)  # the common kinds first, exactly (bool is not int here)
            if kind is str:
                raw = value.encode()
            elif kind is bytes:
                raw = value
            elif kind is int:
                raw = b"%d" % value
            else:
                raw = _arg(value)
            append(b"$%d\r\n%b\r\n" % (len(raw), raw))
    return b"".join(out)


KNOWN = ("8.2.",)  # redis-py releases whose connection internals this module was written against

log = logging.getLogger("omnihub.gateway.redis")

MAX_BATCH = 256  # commands per write; the rest go out in the next one
SEND_DELAY_S = 0.001  # a background write waits at most this long for company

_Command = tuple[tuple[Any, ...], "asyncio.Future[Any] | None"]


def _reply_error(message: str) -> ResponseError:
    """An error reply as redis-py raises it (the gateway relies on NoScriptError)."""
    if message.startswith("NOSCRIPT "):
        return NoScriptError(message.removeprefix("NOSCRIPT "))
    return ResponseError(message)


_MORE = object()  # hiredis: no whole reply buffered yet
_closing: set[asyncio.Task[None]] = set()  # disconnects under way, held until done


class _Sent:
    """A batch written to the connection whose replies are not all in."""

    __slots__ = ("deadline", "futures", "read")

    def __init__(self, futures: list[asyncio.Future[Any] | None], deadline: float) -> None:
        self.futures = futures
        self.deadline = deadline  # loop time by which its last reply must be in
        self.read = 0  # replies delivered so far


class _Link(asyncio.Protocol):
    """One Redis connection after its handshake: writes batches, delivers replies."""

    def __init__(
        self,
        connection: AbstractConnection,
        transport: asyncio.Transport,
        timeout_s: float | None,
        deliver: Callable[[asyncio.Future[Any] | None, Any], None],
        fail: Callable[[list[asyncio.Future[Any] | None], RedisError], None],
        encoding: str | None,
    ) -> None:
        self._connection = connection
        self._transport = transport
        self._timeout = timeout_s
        self._deliver = deliver
        self._fail = fail
        kwargs: dict[str, Any] = {"replyError": _reply_error, "notEnoughData": _MORE}
        if encoding is not None:
            kwargs["encoding"] = encoding
        self._reader = hiredis.Reader(**kwargs)
        self._sent: collections.deque[_Sent] = collections.deque()
        self._timer: asyncio.TimerHandle | None = None
        self._loop = asyncio.get_running_loop()
        self.closed = False
        self.idle: asyncio.Future[None] | None = None  # set by close(): all answered

    def write(self, commands: list[_Command]) -> None:
        self._transport.write(pack_commands([args for args, _ in commands]))
        deadline = self._loop.time() + (self._timeout or 0.0)
        self._sent.append(_Sent([future for _, future in commands], deadline))
        if self._timeout is not None and self._timer is None:
            self._timer = self._loop.call_at(deadline, self._expired)

    def data_received(self, data: bytes) -> None:
        reader = self._reader
        reader.feed(data)
        sent = self._sent
        while (reply := reader.gets()) is not _MORE:  # False is a RESP3 reply
            if not sent:  # a reply nothing was sent for: the stream is not ours to read
                self._lose(RedisError("Redis sent a reply no command was waiting for"))
                return
            head = sent[0]
            self._deliver(head.futures[head.read], reply)
            head.read += 1
            if head.read == len(head.futures):
                sent.popleft()
                self._rearm()
        if not sent and self.idle is not None and not self.idle.done():
            self.idle.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        self._lose(RedisConnectionError("the connection to Redis was lost"))

    def close(self) -> None:
        self._lose(RedisError("the gateway is stopping"))

    def _rearm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._sent and self._timeout is not None:
            self._timer = self._loop.call_at(self._sent[0].deadline, self._expired)

    def _expired(self) -> None:
        self._timer = None
        self._lose(RedisTimeoutError("Redis did not answer in time"))

    def _lose(self, exc: RedisError) -> None:
        if self.closed:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.closed = True
        unanswered = [f for sent in self._sent for f in sent.futures[sent.read :]]
        self._sent.clear()
        if unanswered:
            self._fail(unanswered, exc)
        if self.idle is not None and not self.idle.done():
            self.idle.set_result(None)
        self._transport.close()
        # redis-py's connection object still holds the stream writer: let it let go
        closing = self._loop.create_task(self._connection.disconnect(nowait=True))
        _closing.add(closing)
        closing.add_done_callback(_closing.discard)

    @property
    def answered(self) -> bool:
        return not self._sent


def use_autopipeline() -> bool:
    """Whether the gateway's Redis commands may go through `AutoPipeline` (decided once
    per process and logged once; otherwise redis-py's public pipeline is used)."""
    return fast_path(
        "redis", "redis", KNOWN, usable=lambda: hasattr(AbstractConnection, "_connect")
    )


class CommandQueue:
    """The queueing front of the gateway's Redis commands, one per gateway process (one
    event loop), over the app's Redis client; subclasses say how a flush sends what is
    queued (`AutoPipeline` here, `redis_batch.RedisBatch` through redis-py's pipeline).

    The commands issued during one turn of the loop are flushed together at its end.
    `execute` awaits a command's reply (or raises its error); `send` is fire-and-forget:
    it goes out with the next command that is awaited, or within `SEND_DELAY_S`, so under
    load the writes of stored responses ride along with admissions instead of costing
    writes of their own. A failed send is logged and counted through `on_send_failure`.
    """

    def __init__(
        self, redis: aioredis.Redis, *, on_send_failure: Callable[[], None] | None = None
    ) -> None:
        self._redis = redis
        self._queue: list[_Command] = []
        self._scheduled = False  # a flush at the end of this turn of the loop
        self._later: asyncio.TimerHandle | None = None  # the flush of queued sends
        self._on_send_failure = on_send_failure

    async def execute(self, *args: Any) -> Any:
        """Run one command in the next batch; its reply, or its error raised."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.append((args, future))
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._turn_ended)
        return await future

    def send(self, *args: Any) -> None:
        """Queue a write whose reply nobody waits for."""
        self._queue.append((args, None))
        if not self._scheduled and self._later is None:
            self._later = asyncio.get_running_loop().call_later(SEND_DELAY_S, self._turn_ended)

    def _turn_ended(self) -> None:
        self._scheduled = False
        if self._later is not None:
            self._later.cancel()
            self._later = None
        self._flush()

    def _flush(self) -> None:
        """Send what was queued until now (a turn of the loop's commands)."""
        raise NotImplementedError

    def _answer(self, future: asyncio.Future[Any] | None, reply: Any) -> None:
        """Hand a reply (or the error that stands for it) to the command that waits."""
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


class AutoPipeline(CommandQueue):
    """Flushes onto one connection whose transport it reads itself (`_Link`)."""

    def __init__(
        self, redis: aioredis.Redis, *, on_send_failure: Callable[[], None] | None = None
    ) -> None:
        super().__init__(redis, on_send_failure=on_send_failure)
        self._link: _Link | None = None
        self._connecting: asyncio.Task[None] | None = None

    def _flush(self) -> None:
        link = self._link
        if link is None or link.closed:
            if self._connecting is None and self._queue:
                self._connecting = asyncio.get_running_loop().create_task(self._reconnect())
            return
        queue = self._queue
        while queue:
            batch = queue[:MAX_BATCH]
            del queue[:MAX_BATCH]
            link.write(batch)

    async def _reconnect(self) -> None:
        try:
            self._link = await self._connect()
        except Exception as exc:  # whatever went wrong, the queued commands must not wait
            if not isinstance(exc, (RedisError, OSError)):
                log.error("connecting the Redis pipeline failed: %s", exc)
            failed, self._queue = self._queue, []
            self._fail(
                [future for _, future in failed],
                exc if isinstance(exc, RedisError) else RedisError(str(exc)),
            )
            return
        finally:
            self._connecting = None
        self._turn_ended()  # what queued up while connecting

    async def _connect(self) -> _Link:
        pool = self._redis.connection_pool
        connection: AbstractConnection = pool.make_connection()  # type: ignore[no-untyped-call]
        await connection.connect()  # type: ignore[no-untyped-call]
        writer = getattr(connection, "_writer", None)
        if not isinstance(writer, asyncio.StreamWriter):
            await connection.disconnect()
            raise RuntimeError(
                "redis-py's connection no longer keeps its stream writer as '_writer': "
                "the gateway's Redis pipeline needs a redis-py release it was built for"
            )
        transport = cast(asyncio.Transport, writer.transport)
        encoder = connection.encoder
        link = _Link(
            connection,
            transport,
            connection.socket_timeout,
            self._answer,
            self._fail,
            encoder.encoding if encoder.decode_responses else None,
        )
        transport.set_protocol(link)  # redis-py's stream reader sees no more data
        return link

    def _fail(self, futures: list[asyncio.Future[Any] | None], exc: RedisError) -> None:
        for future in futures:
            self._answer(future, exc)

    async def close(self, timeout_s: float = 5.0) -> None:
        """Wait until every queued command has been answered, then disconnect."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        if self._queue and not self._scheduled:
            self._turn_ended()  # queued sends: now, not after their delay
        while (self._queue or self._connecting is not None) and loop.time() < deadline:
            await asyncio.sleep(0)  # the queued batch is written by the next turn
            if self._connecting is not None:
                await asyncio.wait({self._connecting}, timeout=deadline - loop.time())
        link, self._link = self._link, None
        if link is None:
            return
        if not link.answered and not link.closed:
            link.idle = loop.create_future()
            await asyncio.wait({link.idle}, timeout=max(0.0, deadline - loop.time()))
        link.close()
