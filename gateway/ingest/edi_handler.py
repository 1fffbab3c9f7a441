"""Accept a raw EDI interchange (``POST /v1/edi/x12``, ``/v1/edi/edifact``).

The same edge as JSON routes (version policy, authentication, scopes, back-pressure,
one Redis round trip for throttle and Idempotency-Key), then: read the body with the
codecs (422 problem+json when it is not an interchange), check the interchange's sender
ids are the partner's (403), publish each accepted set as its canonical event with
publisher confirms (one envelope per set; 503 when the broker does not confirm), and
answer with the 997/TA1 or CONTRL, in the response body (200) or, when the partner's
agreement says ``acknowledge: async``, published as the route's event (202 JSON).
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.handlers import HTTPRouteHandler

from gateway.auth import Principal, RouteAuthenticator, authorize
from gateway.edge.problems import ProblemError
from gateway.edge.versions import VersionPolicy
from gateway.ingest.business_keys import key_reader
from gateway.ingest.edi_codec import (
    DEFAULT_AGREEMENT,
    EdiRead,
    acknowledgement,
    check_senders,
    read_body,
)
from gateway.ingest.idempotency_keys import IssuedIds, digest, fingerprint, parse_key
from gateway.ingest.json_handler import REPLAYED, Accepted
from gateway.ingest.rate_tiers import TierLimits
from gateway.ingest.reservation import Reservation, limit_headers, rate_limited
from gateway.ingest.route_services import EdgeServices, ObservedRoute
from omnihub.config.model import Idempotency, Partner, PartnerEdi, Route
from omnihub.edi_counters import ControlNumberError, RedisControlNumbers
from omnihub.edi_messages import OutboundAcknowledgement
from omnihub.envelope import Envelope, encode_envelope
from omnihub.errors import BrokerError
from omnihub.telemetry import SpanKind
from omnihub.tracecontext import TraceParent

__all__ = ["EdiIngestHandler", "edi_route"]

log = logging.getLogger("omnihub.gateway.edi")
IN_FLIGHT_LOCK_MS = 60_000
THREAD_ABOVE_BYTES = 256 * 1024  # larger bodies are read off the event loop
MESSAGE_IDS = "Omnihub-Message-Ids"

_MEDIA = {
    "x12": ("application/edi-x12", "text/plain", "application/octet-stream"),
    "edifact": ("application/edifact", "text/plain", "application/octet-stream"),
}
_encoder = msgspec.json.Encoder()


class EdiIngestHandler(ObservedRoute[Request[Any, Any, Any], Response[bytes]]):
    """Per EDI route version; holds no per-request state."""

    def __init__(
        self,
        *,
        route_id: str,
        route: Route,
        version: str,
        auth: RouteAuthenticator,
        tier: TierLimits,
        services: EdgeServices,
        partners: dict[str, Partner],
        allocator: RedisControlNumbers,
    ) -> None:
        assert route.edi is not None
        self.route_id = route_id
        self.route = route
        self.standard = route.edi
        self.version = version
        self.auth = auth
        self.tier = tier
        self.services = services
        self.allocator = allocator
        self.policy = VersionPolicy(route_id, version, route.versions[version])
        self._agreements = {pid: p.edi or DEFAULT_AGREEMENT for pid, p in partners.items()}
        self._ttl_ms = int(route.idempotency_ttl.total_seconds() * 1000)
        self._key = key_reader(route.business_key) if route.business_key else None

    def _media(self, value: str | None) -> str:
        media = (value or "").split(";")[0].strip().lower()
        if media not in _MEDIA[self.standard]:
            raise ProblemError(
                415,
                f"send the interchange as {' or '.join(_MEDIA[self.standard])} "
                f"(got '{media or 'none'}')",
                kind="unsupported-media-type",
            )
        return media if media != "application/octet-stream" else "text/plain"

    async def _handle(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        now = datetime.now(UTC)
        self.policy.check(now)
        headers = request.headers
        if self.auth.needs_body:
            media = self._media(headers.get("content-type"))
            body = await request.body()
            principal = (await self.auth.authenticate_signed(headers, body)).principal
        else:
            principal = await self.auth.authenticate(headers)
            media = self._media(headers.get("content-type"))
            body = await request.body()
        request.scope.setdefault("state", {})["partner"] = principal.partner  # a 403 too
        authorize(principal, self.route.scopes)
        self.services.pending.check()
        key = parse_key(headers.get("idempotency-key"))
        if key is None and self.route.idempotency is Idempotency.REQUIRED:
            raise ProblemError(
                400,
                "this route requires an Idempotency-Key header: send a unique key per "
                "interchange and the same key when you resend it",
                kind="idempotency-key-missing",
            )
        key_digest = digest("idem", key) if key is not None else None
        if self.route.idempotency is Idempotency.OFF:
            key_digest = None
        body_fp = fingerprint(self.route_id, self.version, body)
        verdict = await self.services.admission.admit(
            principal.partner,
            self.tier,
            idempotency_digest=key_digest,
            fingerprint=body_fp,
            lock_ms=IN_FLIGHT_LOCK_MS,
        )
        if not verdict.allowed:
            self.services.observability.throttled(self.route_id, principal.partner)
            raise rate_limited(principal.partner, self.tier, verdict)
        limits = limit_headers(self.tier, verdict)
        agreement = self._agreements.get(principal.partner, DEFAULT_AGREEMENT)
        is_async = agreement.acknowledge == "async"
        try:
            if verdict.state == "done":
                stored = verdict.stored_body
                replay = {**limits, "traceparent": verdict.stored_traceparent, REPLAYED: "true"}
                if is_async:
                    return self._respond(stored, 202, "application/json", replay)
                return self._respond(stored, 200, media, replay)
            if verdict.state in ("inflight", "mismatch"):
                raise _idempotency_problem(verdict.state)
            reservation = Reservation(
                self.services.admission,
                verdict,
                principal.partner,
                key_digest,
                body_fp,
                self._ttl_ms,
            )
            issued = IssuedIds(verdict.previous_ids)
            try:
                body_out, status, out_media, ids, trace = await self._accept(
                    request, principal, agreement, body, key, media, now, issued
                )
            except BaseException:
                reservation.release(issued.handed_out)
                raise
            reservation.complete(body_out, trace)
            out_headers = {**limits, "traceparent": trace, MESSAGE_IDS: ",".join(ids)}
            return self._respond(body_out, status, out_media, out_headers)
        except ProblemError as exc:
            exc.headers = {**limits, **exc.headers}
            raise

    def _respond(
        self, body: bytes, status: int, media: str, headers: dict[str, str]
    ) -> Response[bytes]:
        if self.policy.headers:
            headers = {**self.policy.headers, **headers}
        if media.startswith("text/"):
            media += "; charset=utf-8"
        return Response(body, status_code=status, media_type=media, headers=headers)

    async def _read(self, body: bytes, agreement: PartnerEdi) -> EdiRead:
        if len(body) > THREAD_ABOVE_BYTES:
            return await asyncio.to_thread(read_body, self.standard, body, agreement)
        return read_body(self.standard, body, agreement)

    async def _accept(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        agreement: PartnerEdi,
        body: bytes,
        key: str | None,
        media: str,
        now: datetime,
        issued: IssuedIds,
    ) -> tuple[bytes, int, str, list[str], str]:
        edge = self.services.observability
        with edge.tracing.span(
            f"POST {self.route_id} {self.version}",
            parent=request.headers.get("traceparent"),
            kind=SpanKind.SERVER,
            attributes={"omnihub.route": self.route_id, "omnihub.partner": principal.partner},
        ) as span:
            sent: list[tuple[Envelope, str | None]] = []
            try:
                return await self._accept_traced(
                    span.traceparent, sent, principal, agreement, body, key, media, now, issued
                )
            except ProblemError as exc:
                span.fail(exc.kind)
                raise
            finally:
                published_at = datetime.now(UTC)
                for one, detail in sent:  # each set's journey says what was found in it
                    edge.journal([one], span.trace_id, published_at, detail=detail)

    async def _accept_traced(
        self,
        trace: TraceParent,
        sent: list[tuple[Envelope, str | None]],
        principal: Principal,
        agreement: PartnerEdi,
        body: bytes,
        key: str | None,
        media: str,
        now: datetime,
        issued: IssuedIds,
    ) -> tuple[bytes, int, str, list[str], str]:
        read = await self._read(body, agreement)
        check_senders(read, principal.partner, agreement)
        scopes = tuple(sorted(principal.scopes))

        def envelope(event: str, payload: Any, natural_key: str, business: str | None) -> Envelope:
            return Envelope(
                id=issued.next(),
                event=event,
                route=self.route_id,
                partner=principal.partner,
                api_version=self.version,
                occurred_at=now,
                received_at=now,
                traceparent=trace.header(),
                idempotency_key=key or natural_key,
                scopes=scopes,
                business_key=(self._key(payload) if self._key else None) or business,
                payload=payload,
            )

        ids = []
        for item in read.items:
            one = envelope(item.event_type, item.payload, item.control_key, item.business_key)
            await self._publish(one)
            sent.append((one, item.detail))
            ids.append(one.id)
        try:
            replies = await acknowledgement(read, agreement, self.allocator, now)
        except ControlNumberError as exc:
            log.warning("no control numbers for %s: %s", self.route_id, exc)
            raise ProblemError(
                503,
                f"the sets were stored ({len(ids)} published) but the acknowledgement "
                "cannot be numbered right now; send the interchange again with the same "
                "Idempotency-Key",
                kind="store-unavailable",
                headers={"Retry-After": str(self.services.retry_after_s)},
            ) from None
        log.info(
            "%s from %s: %d published (%d with findings), %d rejected",
            self.route_id,
            principal.partner,
            len(ids),
            sum(item.detail is not None for item in read.items),
            read.rejected,
        )
        if agreement.acknowledge == "response":
            return "".join(replies).encode(), 200, media, ids, trace.header()
        ack_ids = []
        for reply, number in zip(replies, read.interchange_numbers, strict=False):
            ack = OutboundAcknowledgement(
                standard=self.standard, partner=principal.partner, text=reply, acknowledges=number
            )
            one = envelope(self.route.event, ack, f"{self.standard}-ack:{number}", number)
            await self._publish(one)
            sent.append((one, None))
            ack_ids.append(one.id)
        accepted = Accepted(
            message_id=ids[0] if ids else None,
            trace_id=trace.trace_id,
            event=read.items[0].event_type if read.items else self.route.event,
            message_ids=ids + ack_ids,
        )
        return _encoder.encode(accepted), 202, "application/json", ids, trace.header()

    async def _publish(self, envelope: Envelope) -> None:
        self.services.pending.check()  # no await until entered: the bound is exact
        started = time.perf_counter()
        try:
            with self.services.pending:
                await self.services.publisher.publish(envelope, encode_envelope(envelope))
            self.services.observability.confirmed(time.perf_counter() - started)
        except BrokerError as exc:
            self.services.publish_failures.warning(
                "publish failed for %s on %s: %s", envelope.id, self.route_id, exc
            )
            retry = self.services.retry_after_s
            raise ProblemError(
                503,
                "the hub cannot store messages right now; send the interchange again "
                f"after {retry} s (sets already stored are de-duplicated by their "
                "control numbers)",
                kind="broker-unavailable",
                headers={"Retry-After": str(retry)},
            ) from None


def _idempotency_problem(state: str) -> ProblemError:
    if state == "inflight":
        return ProblemError(
            409,
            "an interchange with this Idempotency-Key is still being processed; "
            "send it again in a moment to get its acknowledgement",
            kind="idempotency-key-in-flight",
            headers={"Retry-After": "1"},
        )
    return ProblemError(
        422,
        "this Idempotency-Key was already used for a different interchange; "
        "use a new key for a new interchange",
        kind="idempotency-key-reused",
    )


def edi_route(handler: EdiIngestHandler) -> HTTPRouteHandler:
    """The Litestar route of one EDI route version (its body is not JSON: not in OpenAPI)."""

    async def ingest_edi(request: Request[Any, Any, Any]) -> Response[bytes]:
        return await handler(request)

    route = handler.route
    return HTTPRouteHandler(
        path=f"/{handler.version}{route.path}",
        http_method=route.method,
        status_code=200,
        request_max_body_size=route.max_body,
        name=f"{handler.route_id}:{handler.version}",
        include_in_schema=False,
    )(ingest_edi)
