"""Accept one partner request for a route version: the edge's main path.

version (410 after sunset) -> authenticate -> scopes (403) -> content type (415) -> body
(413 without reading past the limit) -> back-pressure (503) -> one Redis round trip for
throttle (429) and idempotency (replay / 409 in flight / 422 reused key) -> decode,
pipeline, validate (400 / 422) -> publish with confirm (503 on broker trouble) -> 202
{message_id, trace_id}. Every answer carries the version's deprecation headers and, once
throttled, the rate-limit headers.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import msgspec

from gateway.auth import Principal, RouteAuthenticator, authorize
from gateway.edge.problems import ProblemError
from gateway.edge.request_reply import IncomingRequest, Reply
from gateway.edge.versions import VersionPolicy
from gateway.ingest.idempotency_keys import IssuedIds, digest, fingerprint, parse_key
from gateway.ingest.json_codec import Inbound
from gateway.ingest.rate_tiers import TierLimits
from gateway.ingest.reservation import Reservation, limit_headers, rate_limited
from gateway.ingest.route_services import EdgeServices, ObservedRoute
from omnihub.config.model import Idempotency, Route
from omnihub.envelope import Envelope, encode_envelope
from omnihub.errors import BrokerError
from omnihub.telemetry import SpanKind, SpanScope

__all__ = ["Accepted", "IngestHandler"]

IN_FLIGHT_LOCK_MS = 60_000  # an unfinished request holds its Idempotency-Key this long
REPLAYED = "Idempotent-Replayed"


class Accepted(msgspec.Struct, frozen=True):
    """The 202 body: the message id (the first, when a pipeline split the request)."""

    message_id: str | None
    trace_id: str
    event: str
    message_ids: list[str]


_encoder = msgspec.json.Encoder()


class IngestHandler(ObservedRoute[IncomingRequest, Reply]):
    """Per route version; holds no per-request state."""

    def __init__(
        self,
        *,
        route_id: str,
        route: Route,
        version: str,
        inbound: Inbound,
        auth: RouteAuthenticator,
        tier: TierLimits,
        services: EdgeServices,
    ) -> None:
        self.route_id = route_id
        self.route = route
        self.version = version
        self.inbound = inbound
        self.auth = auth
        self.tier = tier
        self.services = services
        self.policy = VersionPolicy(route_id, version, route.versions[version])
        self._scopes = tuple(route.scopes)
        self._lock_ms = IN_FLIGHT_LOCK_MS
        self._ttl_ms = int(route.idempotency_ttl.total_seconds() * 1000)

    async def _handle(self, request: IncomingRequest) -> Reply:
        now = datetime.now(UTC)
        self.policy.check(now)
        headers = request.headers
        webhook_id: str | None = None
        if self.auth.needs_body:
            self._check_content_type(headers.get("content-type"))
            body = await request.body()
            signed = await self.auth.authenticate_signed(headers, body)
            principal, webhook_id = signed.principal, signed.webhook_id
            request.scope.setdefault("state", {})["partner"] = principal.partner  # a 403 too
            authorize(principal, self._scopes)
        else:
            principal = await self.auth.authenticate(headers)
            request.scope.setdefault("state", {})["partner"] = principal.partner  # a 403 too
            authorize(principal, self._scopes)
            self._check_content_type(headers.get("content-type"))
            body = await request.body()
        self.services.pending.check()

        key = parse_key(headers.get("idempotency-key"))
        key_digest = None
        if key is not None:
            key_digest = digest("idem", key)
        elif webhook_id is not None:
            key, key_digest = webhook_id, digest("webhook", webhook_id)
        elif self.route.idempotency is Idempotency.REQUIRED:
            raise ProblemError(
                400,
                "this route requires an Idempotency-Key header: send a unique key per "
                "request (a UUID) and the same key when you retry it",
                kind="idempotency-key-missing",
            )
        body_fp = fingerprint(self.route_id, self.version, body)
        verdict = await self.services.admission.admit(
            principal.partner,
            self.tier,
            idempotency_digest=key_digest
            if self.route.idempotency is not Idempotency.OFF
            else None,
            fingerprint=body_fp,
            lock_ms=self._lock_ms,
        )
        if not verdict.allowed:
            self.services.observability.throttled(self.route_id, principal.partner)
            raise rate_limited(principal.partner, self.tier, verdict)
        limits = limit_headers(self.tier, verdict)
        try:
            if verdict.state == "done":
                return self._response(
                    verdict.stored_body,
                    {**limits, "traceparent": verdict.stored_traceparent, REPLAYED: "true"},
                )
            if verdict.state == "inflight":
                raise ProblemError(
                    409,
                    "a request with this Idempotency-Key is still being processed; "
                    "send it again in a moment to get its response",
                    kind="idempotency-key-in-flight",
                    headers={"Retry-After": "1"},
                )
            if verdict.state == "mismatch":
                raise ProblemError(
                    422,
                    "this Idempotency-Key was already used for a different request; "
                    "use a new key for a new request",
                    kind="idempotency-key-reused",
                )
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
                accepted, trace = await self._accept(request, principal, body, key, now, issued)
            except BaseException:
                reservation.release(issued.handed_out)
                raise
            payload = _encoder.encode(accepted)
            reservation.complete(payload, trace)
            return self._response(payload, {**limits, "traceparent": trace})
        except ProblemError as exc:
            exc.headers = {**limits, **exc.headers}
            raise

    def _response(self, body: bytes, headers: dict[str, str]) -> Reply:
        if self.policy.headers:
            headers = {**self.policy.headers, **headers}
        return Reply(202, body, "application/json", headers)

    @staticmethod
    def _check_content_type(value: str | None) -> None:
        content_type = (value or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise ProblemError(
                415,
                f"send the body as application/json (got '{content_type or 'none'}')",
                kind="unsupported-media-type",
            )

    async def _accept(
        self,
        request: IncomingRequest,
        principal: Principal,
        body: bytes,
        key: str | None,
        now: datetime,
        issued: IssuedIds,
    ) -> tuple[Accepted, str]:
        canonicals = self.inbound.convert(body, principal.partner, now)
        edge = self.services.observability
        with edge.tracing.span(
            f"POST {self.route_id} {self.version}",
            parent=request.headers.get("traceparent"),
            kind=SpanKind.SERVER,
            attributes={"omnihub.route": self.route_id, "omnihub.partner": principal.partner},
        ) as span:
            trace = span.traceparent
            scopes = tuple(sorted(principal.scopes))
            sent: list[Envelope] = []
            try:
                for canonical in canonicals:
                    envelope = Envelope(
                        id=issued.next(),
                        event=canonical.event,
                        route=self.route_id,
                        partner=principal.partner,
                        api_version=self.version,
                        occurred_at=now,
                        received_at=now,
                        traceparent=trace.header(),
                        idempotency_key=key,
                        scopes=scopes,
                        business_key=canonical.business_key,
                        payload=canonical.payload,
                    )
                    await self._publish(envelope, span)
                    sent.append(envelope)
            finally:  # those already confirmed will be delivered: journal them too
                edge.journal(sent, trace.trace_id, datetime.now(UTC))
        ids = [e.id for e in sent]
        accepted = Accepted(
            message_id=ids[0] if ids else None,
            trace_id=trace.trace_id,
            event=self.route.event if not canonicals else canonicals[0].event,
            message_ids=ids,
        )
        return accepted, trace.header()

    async def _publish(self, envelope: Envelope, span: SpanScope) -> None:
        self.services.pending.check()  # no await until entered: the bound is exact
        started = time.perf_counter()
        try:
            with self.services.pending:
                await self.services.publisher.publish(envelope, encode_envelope(envelope))
        except BrokerError as exc:
            span.fail(type(exc).__name__)
            self.services.publish_failures.warning(
                "publish failed for %s on %s: %s", envelope.id, self.route_id, exc
            )
            retry = self.services.retry_after_s
            raise ProblemError(
                503,
                f"the hub cannot store messages right now; send it again after {retry} s "
                "with the same Idempotency-Key (a message cut off mid-publish is then "
                "not stored twice)",
                kind="broker-unavailable",
                headers={"Retry-After": str(retry)},
            ) from None
        self.services.observability.confirmed(time.perf_counter() - started)
