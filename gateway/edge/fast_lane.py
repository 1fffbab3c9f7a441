"""The JSON ingest routes served straight from ASGI, in front of the Litestar app.

The JSON ingest route versions are the gateway's hot path and need none of Litestar's
machinery around a handler (routing, `Request`, `Headers`, exception middleware,
`Response`): the flow reads headers and the body and answers bytes. `FastLane` looks a
request up by exact method and path among those route versions, serves it with the same
`IngestFlow`, and passes everything else (other paths, trailing slashes, other methods,
lifespan) to Litestar, which still routes those versions too and describes them in the
OpenAPI document.

What Litestar does for these routes is done here the same way: a body over the route's
limit is 413 (refused from its Content-Length before reading, or as soon as it grows
past the limit), and errors are rendered by `gateway.edge.problems.render`, as Litestar's
exception handlers render them: `ProblemError` as problem+json with the path as
`instance`, any other exception logged and answered the same 500 problem+json.
`AsgiRequest` reads the request straight from the ASGI scope and `receive`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from litestar import Litestar

from gateway.edge.problems import PROBLEM_JSON, ProblemError, internal_error, render
from gateway.ingest.flow import IngestFlow
from gateway.ingest.json_codec import JsonBody
from gateway.ingest.route_services import Reply

__all__ = ["FastLane"]

log = logging.getLogger("omnihub.gateway")

_NAMES: dict[str, bytes] = {}  # response header names as ASGI wants them, by spelling

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class ClientGone(Exception):
    """The client disconnected before its body arrived: there is nobody to answer."""


def too_large() -> ProblemError:
    return ProblemError(413, "the request body is larger than this route accepts")


class AsgiRequest:
    """An HTTP request read from its ASGI scope; the body at most `max_body` bytes (413)."""

    __slots__ = ("_body", "_max_body", "_receive", "headers", "scope")

    def __init__(self, scope: dict[str, Any], receive: Any, max_body: int) -> None:
        self.scope = scope
        # A repeated header: the first one counts, as with Litestar's `Headers.get`.
        self.headers: dict[str, str] = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in reversed(scope["headers"])
        }
        self._receive = receive
        self._max_body = max_body
        self._body: bytes | None = None

    async def body(self) -> bytes:
        if self._body is not None:
            return self._body
        declared = self.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self._max_body:
            raise too_large()  # refused before reading a byte of it
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._max_body:
                raise too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        self._body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        return self._body


def _problem(exc: ProblemError, path: str) -> Reply:
    return Reply(exc.status, render(exc, path), PROBLEM_JSON, exc.headers)


class FastLane:
    """An ASGI app: the JSON ingest routes itself, everything else through `app`."""

    def __init__(self, app: Litestar, handlers: Iterable[IngestFlow[JsonBody]]) -> None:
        self.app = app
        self._next: Any = app  # Litestar's ASGI types are narrower than these plain dicts
        self._routes: dict[tuple[str, str], IngestFlow[JsonBody]] = {
            (h.route.method.upper(), f"/{h.version}{h.route.path}"): h for h in handlers
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            handler = self._routes.get((scope["method"], scope["path"]))
            if handler is not None:
                await self._serve(handler, scope, receive, send)
                return
        await self._next(scope, receive, send)

    async def _serve(
        self, handler: IngestFlow[JsonBody], scope: Scope, receive: Receive, send: Send
    ) -> None:
        path = scope["path"]
        request = AsgiRequest(scope, receive, handler.route.max_body)
        try:
            reply = await handler(request)
        except ProblemError as exc:
            reply = _problem(exc, path)
        except ClientGone:
            return
        except Exception:
            log.exception("unhandled error on %s %s", scope["method"], path)
            reply = _problem(internal_error(), path)
        headers = [
            (b"content-type", reply.media_type.encode()),
            (b"content-length", str(len(reply.body)).encode()),
        ]
        for name, value in reply.headers.items():
            raw = _NAMES.get(name)
            if raw is None:
                raw = name.lower().encode("latin-1")
                if len(_NAMES) < 256:  # the hub's own header names: a handful
                    _NAMES[name] = raw
            headers.append((raw, value.encode("latin-1")))
        await send({"type": "http.response.start", "status": reply.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": reply.body})
