"""The ingest routes served straight from ASGI, in front of the Litestar app.

A JSON ingest request is the gateway's hot path, and the profile of issue 8 put 10-17 %
of its CPU in Litestar's machinery around the handler (routing, `Request`, `Headers`,
exception middleware, `Response`). The handlers need none of it: they read headers and
the body and answer bytes. `FastLane` looks a request up by exact method and path among
the JSON ingest route versions, serves it with the same `IngestHandler`, and passes
everything else (other paths, trailing slashes, other methods, lifespan) to Litestar,
which still routes those versions too and describes them in the OpenAPI document.

What Litestar did for these routes is done here the same way: a body over the route's
limit is 413 (refused from its Content-Length before reading, or as soon as it grows
past the limit), `ProblemError` is rendered as problem+json with the path as `instance`,
and any other exception is logged and answered 500 problem+json.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from litestar import Litestar

from gateway.edge.problems import PROBLEM_JSON, ProblemError, problem_body
from gateway.edge.request_reply import AsgiRequest, ClientGone, Reply
from gateway.ingest.json_handler import IngestHandler

__all__ = ["FastLane"]

log = logging.getLogger("omnihub.gateway")

_NAMES: dict[str, bytes] = {}  # response header names as ASGI wants them, by spelling

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def _problem(exc: ProblemError, path: str) -> Reply:
    body = problem_body(
        exc.status, exc.detail, kind=exc.kind, title=exc.title, instance=path, extra=exc.extra
    )
    return Reply(exc.status, body, PROBLEM_JSON, exc.headers)


def _internal_error(path: str) -> Reply:
    body = problem_body(
        500,
        "the hub failed to handle this request; nothing was accepted, send it again later",
        kind="internal-server-error",
        title="Internal Server Error",
        instance=path,
    )
    return Reply(500, body, PROBLEM_JSON, {})


class FastLane:
    """An ASGI app: the JSON ingest routes itself, everything else through `app`."""

    def __init__(self, app: Litestar, handlers: Iterable[IngestHandler]) -> None:
        self.app = app
        self._next: Any = app  # Litestar's ASGI types are narrower than these plain dicts
        self._routes: dict[tuple[str, str], IngestHandler] = {
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
        self, handler: IngestHandler, scope: Scope, receive: Receive, send: Send
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
            reply = _internal_error(path)
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
