"""Reach a RabbitMQ cluster through any of its nodes, and move to another when one dies.

`OMNIHUB_AMQP_URL` may list several nodes, comma-separated (``amqp://h1/,amqp://h2/``).
aio-pika connects to one URL; this module tries the nodes in turn:

- `connect_any` (gateway publisher, admin API, CLI): the first node that answers, trying
  the others when one refuses or times out; `NodeCursor` remembers where to start next
  time, so a process that lost its node reconnects to the next one.
- `connect_robust_any` (workers): aio-pika's robust connection restores channels and
  consumers by itself, but always to ``connection.url``. That url (a public attribute that
  `Connection.connect` reads at every attempt) is moved, when the connection closes, to
  the next node that accepts a TCP connection, and checked again every reconnect
  interval while the connection stays down, so the robust connection follows the nodes
  that are up.

Every process starts at a random node, so a fleet spreads its connections over the cluster.

A connection attempt that fails (refused, timed out, cancelled) closes the connection
object aio-pika made for it: `aio_pika.connect` leaves that object open, and aio-pika's
`Connection.__del__` then closes it with `asyncio.ensure_future` whenever the garbage
collector reaches it (the failed attempt's traceback keeps it in a reference cycle, so
that is at any later time, in any thread). In a thread without an event loop that close
is never awaited: "coroutine 'Connection.close' was never awaited".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Sequence

import aio_pika
from aio_pika.abc import AbstractConnection, AbstractRobustConnection, TimeoutType
from yarl import URL

from omnihub.broker.errors import MAPPED

__all__ = ["NodeCursor", "connect_any", "connect_robust_any", "redact"]

log = logging.getLogger("omnihub.broker")


def redact(url: str | URL) -> str:
    """A node's URL without its password, for logs and banners."""
    parsed = URL(str(url))
    return str(parsed.with_password("***")) if parsed.password else str(parsed)


class NodeCursor:
    """Which node to try first: a random one at start, the next one after a failure. A
    single node draws nothing from the random generator (whose state another thread's
    user, e.g. a property-based test, may be watching)."""

    def __init__(self, urls: Sequence[str], *, rng: random.Random | None = None) -> None:
        self.urls = tuple(urls)
        self.index = (rng or random).randrange(len(self.urls)) if len(self.urls) > 1 else 0

    def order(self) -> list[int]:
        n = len(self.urls)
        return [(self.index + i) % n for i in range(n)]

    def advance(self) -> None:
        self.index = (self.index + 1) % len(self.urls)


async def _closed_on_failure(connection: AbstractConnection, attempt: Awaitable[None]) -> None:
    try:
        await attempt
    except BaseException:
        await connection.close()
        raise


class _Connection(aio_pika.Connection):
    """aio-pika's connection, closed when connecting it fails (module docstring)."""

    async def connect(self, timeout: TimeoutType = None) -> None:
        await _closed_on_failure(self, super().connect(timeout))


class _RobustConnection(aio_pika.RobustConnection):
    """aio-pika's robust connection, closed (its reconnect task stopped) when its first
    connect fails or is cancelled. `aio_pika.connect_robust` calls `connect` once; the
    reconnects after a lost connection do not go through it."""

    async def connect(self, timeout: TimeoutType = None) -> None:
        await _closed_on_failure(self, super().connect(timeout))


async def connect_any(cursor: NodeCursor, *, timeout: float) -> AbstractConnection:
    """A connection to the first node (from the cursor on) that accepts one.

    Raises the last node's error when none does (the vendor's, for `map_broker_errors`)."""
    error: BaseException | None = None
    skipped: list[str] = []
    for index in cursor.order():
        url = cursor.urls[index]
        try:
            connection = await aio_pika.connect(url, timeout=timeout, connection_class=_Connection)
        except MAPPED as exc:
            error = exc
            skipped.append(f"{redact(url)} ({type(exc).__name__})")
            continue
        cursor.index = index
        if skipped:  # said once per move; a total outage is the caller's to report
            log.warning(
                "broker node %s unreachable: connected through %s", ", ".join(skipped), redact(url)
            )
        return connection
    assert error is not None
    raise error


async def connect_robust_any(
    cursor: NodeCursor, *, timeout: float, reconnect_interval: float = 1.0
) -> AbstractRobustConnection:
    """A robust connection that reconnects to the next node of the list when its own dies."""
    error: BaseException | None = None
    for index in cursor.order():
        try:
            connection = await aio_pika.connect_robust(
                cursor.urls[index],
                timeout=timeout,
                reconnect_interval=reconnect_interval,
                connection_class=_RobustConnection,
            )
        except MAPPED as exc:
            error = exc
            continue
        cursor.index = index
        if len(cursor.urls) > 1:
            _follow(connection, cursor, reconnect_interval)
        return connection
    assert error is not None
    raise error


async def _reachable(url: str, timeout: float) -> bool:
    """Whether the node accepts a TCP connection now (a SIGKILLed node refuses at once)."""
    parsed = URL(url)
    port = parsed.port or (5671 if parsed.scheme == "amqps" else 5672)
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(parsed.host, port), timeout)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


def _follow(
    connection: AbstractRobustConnection, cursor: NodeCursor, reconnect_interval: float
) -> None:
    """Point the robust connection at a node that answers whenever it has lost its own."""
    probe_timeout = max(reconnect_interval, 1.0)

    def closing() -> bool:
        return connection.close_called or connection.is_closed

    async def move(*_: object) -> None:
        if closing():
            return
        for index in [*cursor.order()[1:], cursor.index]:  # the others first
            if await _reachable(cursor.urls[index], probe_timeout):
                break
        else:
            index = cursor.order()[1 % len(cursor.urls)]
        if index != cursor.index:
            cursor.index = index
            url = cursor.urls[index]
            connection.url = URL(url)  # type: ignore[attr-defined]  # Connection's public attribute
            log.warning("broker connection lost: reconnecting through %s", redact(url))

    async def while_down() -> None:
        """All nodes down, then one comes back: go where the answer is."""
        while not closing():
            await asyncio.sleep(reconnect_interval)
            if connection.connected.is_set() or closing():
                continue
            if not await _reachable(cursor.urls[cursor.index], probe_timeout):
                await move()

    connection.close_callbacks.add(move)
    task = asyncio.get_running_loop().create_task(while_down(), name="broker-node-rotation")

    def stop(*_: object) -> None:  # also keeps the task referenced while the connection lives
        if closing():
            task.cancel()

    connection.close_callbacks.add(stop)
