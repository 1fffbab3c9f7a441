"""The tests' one way to open an aio-pika connection, and a watch on the ones a test makes.

`connect_broker` and `connect_broker_robust` connect through `omnihub.broker.nodes`, whose
connection classes close the connection object of an attempt that fails (refused, timed
out, cancelled); `aio_pika.connect` leaves that object open for the garbage collector.
tests/test_connect_rule.py keeps every other test module off `aio_pika.connect`.

An aio-pika connection left unclosed is closed by its `__del__` with
`asyncio.ensure_future` whenever the garbage collector reaches it: in a thread without
an event loop that warns "coroutine 'Connection.close' was never awaited", and pytest
fails whichever test runs then (tests/omnihub/test_cli_dlq.py in CI).
"""

from __future__ import annotations

import threading
from typing import Any

import aio_pika
import pytest
from aio_pika.abc import AbstractConnection, AbstractRobustConnection

from omnihub.broker.nodes import NodeCursor, connect_any, connect_robust_any

__all__ = ["connect_broker", "connect_broker_robust", "record_connections"]

CONNECT_TIMEOUT_S = 30.0
# aio-pika's own reconnect interval for a robust connection (`reconnect_interval=5`)
RECONNECT_INTERVAL_S = 5.0


async def connect_broker(url: str, *, timeout: float = CONNECT_TIMEOUT_S) -> AbstractConnection:
    """A connection to the broker at `url`; a failed attempt leaves no connection open."""
    return await connect_any(NodeCursor([url]), timeout=timeout)


async def connect_broker_robust(
    url: str,
    *,
    timeout: float = CONNECT_TIMEOUT_S,
    reconnect_interval: float = RECONNECT_INTERVAL_S,
) -> AbstractRobustConnection:
    """A robust connection to the broker at `url` (it reconnects by itself once made); a
    failed first attempt leaves no connection or reconnect task behind."""
    return await connect_robust_any(
        NodeCursor([url]), timeout=timeout, reconnect_interval=reconnect_interval
    )


def record_connections(monkeypatch: pytest.MonkeyPatch) -> list[aio_pika.Connection]:
    """A list that receives every aio-pika connection made from now on in this thread
    (robust ones too; not the queue janitor's, made in its own thread meanwhile), kept
    alive to be looked at after the test acted."""
    made: list[aio_pika.Connection] = []
    init = aio_pika.Connection.__init__
    owner = threading.get_ident()

    def recording(self: aio_pika.Connection, *args: Any, **kwargs: Any) -> None:
        if threading.get_ident() == owner:
            made.append(self)
        init(self, *args, **kwargs)

    monkeypatch.setattr(aio_pika.Connection, "__init__", recording)
    return made
