"""Reading an incoming request into a ``Delivery`` and turning it into a ``Record``.

Credentials never reach a record: headers that carry them are replaced by their name in
``redacted_headers``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Request

from sandbox.models import Record
from sandbox.state import SandboxState

IDEMPOTENCY_HEADER = "idempotency-key"
_SENSITIVE_NAMES = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie"}
)
_SENSITIVE_PARTS = ("token", "secret", "password", "api-key", "apikey", "auth", "cookie")


def is_sensitive_header(name: str) -> bool:
    """Whether a header may carry a credential, so only its presence may be stored."""
    lowered = name.lower()
    return lowered in _SENSITIVE_NAMES or any(part in lowered for part in _SENSITIVE_PARTS)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One request to a simulated system, as its operation sees it.

    ``body`` is the decoded JSON value when the content type is JSON and the body parses,
    the text otherwise, ``None`` when empty; ``json_error`` says why JSON did not parse.
    """

    system: str
    method: str
    path: str
    query: str
    headers: dict[str, str]
    raw_body: bytes
    body: Any
    is_json: bool
    json_error: str | None
    idempotency_key: str | None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


async def read_delivery(
    request: Request[Any, Any, Any], system: str, key_headers: tuple[str, ...]
) -> Delivery:
    """Read the body and headers of ``request``; the first of ``key_headers`` present is
    its idempotency key."""
    raw = await request.body()
    headers = {name.lower(): value for name, value in request.headers.items()}
    content_type = headers.get("content-type", "")
    body: Any = None
    is_json = False
    json_error: str | None = None
    if raw:
        body = raw.decode("utf-8", errors="replace")
        if "json" in content_type.split(";", 1)[0].lower():
            try:
                body = msgspec.json.decode(raw)
                is_json = True
            except msgspec.DecodeError as exc:
                json_error = str(exc)
    key = next((headers[h] for h in key_headers if headers.get(h)), None)
    return Delivery(
        system=system,
        method=request.method,
        path=request.url.path,
        query=request.url.query,
        headers=headers,
        raw_body=raw,
        body=body,
        is_json=is_json,
        json_error=json_error,
        idempotency_key=key,
    )


def make_record(sandbox: SandboxState, delivery: Delivery, status: int) -> Record:
    """The record of a processed delivery, credentials removed."""
    kept = {k: v for k, v in delivery.headers.items() if not is_sensitive_header(k)}
    redacted = sorted(k for k in delivery.headers if is_sensitive_header(k))
    return Record(
        id=sandbox.next_number("rec"),
        system=delivery.system,
        method=delivery.method,
        path=delivery.path,
        query=delivery.query,
        idempotency_key=delivery.idempotency_key,
        traceparent=delivery.headers.get("traceparent"),
        headers=kept,
        redacted_headers=redacted,
        content_type=delivery.headers.get("content-type"),
        body=delivery.body,
        received_at=sandbox.now(),
        status=status,
    )
