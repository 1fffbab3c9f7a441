"""RFC 9457 problem details: every error a partner can cause is answered this way.

Handlers raise `ProblemError`; `render` turns one into its document, for Litestar's
exception handlers (`exception_handlers()`, which also answer Litestar's own HTTP errors,
404, 405, 413, ..., and any unhandled exception as a 500) and for the fast lane alike.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

__all__ = [
    "PROBLEM_JSON",
    "ProblemError",
    "exception_handlers",
    "internal_error",
    "problem_body",
    "problem_response",
    "render",
]

log = logging.getLogger("omnihub.gateway")

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://omnihub.dev/problems/"

_encoder = msgspec.json.Encoder()


class ProblemError(Exception):
    """An error with an HTTP status and a message meant for the partner who caused it."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind or HTTPStatus(status).phrase.lower().replace(" ", "-")
        self.title = title or HTTPStatus(status).phrase
        self.headers = headers or {}
        self.extra = extra


def problem_body(
    status: int,
    detail: str,
    *,
    kind: str,
    title: str,
    instance: str | None = None,
    extra: dict[str, Any] | None = None,
) -> bytes:
    """The problem+json document, encoded."""
    body: dict[str, Any] = {
        "type": TYPE_BASE + kind,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if extra:
        body.update(extra)
    return _encoder.encode(body)


def render(exc: ProblemError, instance: str) -> bytes:
    """The problem+json document of ``exc`` for the request at path ``instance``."""
    return problem_body(
        exc.status, exc.detail, kind=exc.kind, title=exc.title, instance=instance, extra=exc.extra
    )


def internal_error() -> ProblemError:
    """What a request that hit a bug gets (the bug itself is logged, never shown)."""
    return ProblemError(
        500,
        "the hub failed to handle this request; nothing was accepted, send it again later",
        kind="internal-server-error",
    )


def problem_response(
    status: int,
    detail: str,
    *,
    kind: str,
    title: str,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response[bytes]:
    return Response(
        problem_body(status, detail, kind=kind, title=title, instance=instance, extra=extra),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _on_problem(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    assert isinstance(exc, ProblemError)
    body = render(exc, request.url.path)
    return Response(body, status_code=exc.status, media_type=PROBLEM_JSON, headers=exc.headers)


def _on_unhandled(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    if isinstance(exc, HTTPException):  # Litestar's own 500s
        return _on_http(request, exc)
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _on_problem(request, internal_error())


def _on_http(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    detail = exc.detail if exc.detail and exc.detail != HTTPStatus(status).phrase else ""
    if status == 404:
        detail = detail or f"no route serves {request.method} {request.url.path}"
    elif status == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
    elif status == 413:
        detail = "the request body is larger than this route accepts"
    phrase = HTTPStatus(status).phrase
    headers = dict(exc.headers or {})
    return problem_response(
        status,
        detail or phrase,
        kind=phrase.lower().replace(" ", "-"),
        title=phrase,
        instance=request.url.path,
        headers=headers,
    )


def exception_handlers() -> dict[type[Exception] | int, Any]:
    return {
        ProblemError: _on_problem,
        HTTPException: _on_http,
        HTTP_500_INTERNAL_SERVER_ERROR: _on_unhandled,
    }
