"""Watch the aio-pika connections a test makes, to check that every one ends closed.

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

__all__ = ["record_connections"]


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
