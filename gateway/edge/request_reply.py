"""The little of HTTP that the ingest path needs, independent of the framework serving it.

`IncomingRequest` is what a route version handler reads (headers with lowercase names,
the ASGI scope, the body); both Litestar's `Request` and `AsgiRequest` (the fast lane's,
built straight from the ASGI scope) provide it. `Reply` is what an ingest handler
answers; the fast lane sends it as it is, the Litestar route turns it into a `Response`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from gateway.edge.problems import ProblemError

__all__ = ["AsgiRequest", "ClientGone", "IncomingRequest", "Reply", "too_large"]


class IncomingRequest(Protocol):
    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def scope(self) -> Any: ...

    async def body(self) -> bytes: ...


class Reply:
    """A response: status, body, media type and extra headers."""

    __slots__ = ("body", "headers", "media_type", "status_code")

    def __init__(
        self, status_code: int, body: bytes, media_type: str, headers: dict[str, str]
    ) -> None:
        self.status_code = status_code
        self.body = body
        self.media_type = media_type
        self.headers = headers


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
