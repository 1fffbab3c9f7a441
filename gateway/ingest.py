"""Accept one partner request for a route version: the edge's main path.

authenticate -> authorize -> content type -> decode + validate (msgspec) -> envelope ->
publish with confirm -> 202 {message_id, trace_id}. Broker trouble -> 503 + Retry-After.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import msgspec
from litestar import Request, Response

from gateway.auth import ApiKeyIndex
from gateway.problems import ProblemError
from omnihub.broker import Publisher
from omnihub.config.model import Route
from omnihub.envelope import Envelope, encode_envelope
from omnihub.errors import BrokerError
from omnihub.ids import new_message_id
from omnihub.tracecontext import TraceParent

__all__ = ["IngestHandler"]

log = logging.getLogger("omnihub.gateway")
_encoder = msgspec.json.Encoder()


def _field_path(message: str) -> tuple[str, str]:
    """Split msgspec's 'Expected `int`, got `str` - at `$.lines[0].quantity`'."""
    text, sep, path = message.rpartition(" - at `")
    if not sep:
        return message, "$"
    return text, path.rstrip("`")


class IngestHandler:
    """Per route version; holds no per-request state."""

    def __init__(
        self,
        *,
        route_id: str,
        route: Route,
        version: str,
        schema: type[msgspec.Struct],
        keys: ApiKeyIndex,
        publisher: Publisher,
        retry_after_s: int,
    ) -> None:
        self.route_id = route_id
        self.route = route
        self.version = version
        self.keys = keys
        self.publisher = publisher
        self.retry_after_s = retry_after_s
        self._decoder = msgspec.json.Decoder(schema)

    async def __call__(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        headers = request.headers
        principal = self.keys.authenticate(headers)  # type: ignore[arg-type]
        self.keys.authorize(principal, self.route.scopes)
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise ProblemError(
                415,
                f"send the body as application/json (got '{content_type or 'none'}')",
                kind="unsupported-media-type",
            )
        body = await request.body()
        try:
            payload = self._decoder.decode(body)
        except msgspec.ValidationError as exc:
            reason, path = _field_path(str(exc))
            raise ProblemError(
                422,
                f"{reason} at {path}",
                kind="validation-error",
                errors=[{"path": path, "message": reason}],
            ) from None
        except msgspec.DecodeError as exc:
            raise ProblemError(
                400, f"the body is not valid JSON: {exc}", kind="malformed-json"
            ) from None

        now = datetime.now(UTC)
        incoming = TraceParent.parse(headers.get("traceparent"))
        trace = incoming.child() if incoming else TraceParent.start()
        envelope = Envelope(
            id=new_message_id(),
            event=self.route.event,
            route=self.route_id,
            partner=principal.partner,
            api_version=self.version,
            occurred_at=now,
            received_at=now,
            traceparent=trace.header(),
            idempotency_key=headers.get("idempotency-key"),
            scopes=tuple(sorted(principal.scopes)),
            payload=payload,
        )
        try:
            await self.publisher.publish(envelope, encode_envelope(envelope))
        except BrokerError as exc:
            log.warning("publish failed for %s on %s: %s", envelope.id, self.route_id, exc)
            raise ProblemError(
                503,
                "the hub cannot store messages right now; nothing was accepted, send it again "
                f"after {self.retry_after_s} s",
                kind="broker-unavailable",
                headers={"Retry-After": str(self.retry_after_s)},
            ) from None
        return Response(
            _encoder.encode(
                {"message_id": envelope.id, "trace_id": trace.trace_id, "event": envelope.event}
            ),
            status_code=202,
            media_type="application/json",
            headers={"traceparent": trace.header()},
        )
