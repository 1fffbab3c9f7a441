"""The target of the delivery benchmarks: a raw ASGI app that answers 201 to anything.

Run under granian (one worker, so one process holds every record). It stamps each
request carrying an ``Idempotency-Key`` (the worker's message id) with
``time.monotonic()`` on arrival, before reading the body, and answers
``{"document_number": ...}`` (what the ERP connector reads as its reference).

    GET  /_bench/count     {"count": N}   requests received since the last reset
    GET  /_bench/received  {key: monotonic seconds, ...}
    POST /_bench/reset     forget both

Imports nothing of the hub.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

__all__ = ["app"]

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

_received: dict[str, float] = {}
_count = 0
_DOCUMENT = b'{"document_number":"SO-0001"}'
_CREATED = {
    "type": "http.response.start",
    "status": 201,
    "headers": [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(_DOCUMENT)).encode()),
    ],
}
_BODY = {"type": "http.response.body", "body": _DOCUMENT}


async def _json(send: Send, value: object) -> None:
    body = msgspec.json.encode(value)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    global _count
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    now = time.monotonic()
    path = scope["path"]
    if path.startswith("/_bench/"):
        if path == "/_bench/count":
            await _json(send, {"count": _count})
        elif path == "/_bench/received":
            await _json(send, _received)
        else:
            _received.clear()
            _count = 0
            await _json(send, {"count": 0})
        return
    _count += 1
    for name, value in scope["headers"]:
        if name == b"idempotency-key":
            _received[value.decode()] = now
            break
    more = True
    while more:  # read (and drop) the body
        more = (await receive()).get("more_body", False)
    await send(_CREATED)
    await send(_BODY)
