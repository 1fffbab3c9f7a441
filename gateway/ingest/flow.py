"""The ingest flow: one sequence for every body a partner sends, its codec a parameter.

version (410 after sunset) -> authenticate (signed bodies: over the body) -> scopes
(403) -> media type (415, the codec's) -> back-pressure (503) -> Idempotency-Key (or
the webhook id) -> admit: one Redis round trip for throttle (429) and the idempotency
record (replay / 409 in flight / 422 reused key) -> the codec decodes, runs the pipeline
and publishes through `Accepting` (each publish waits for the broker's confirm; 503 on
broker trouble) -> complete (the response stored for replays) or release (the key open
again; a request with a key gets the same message ids on every attempt, see admission).
Every answer carries the version's deprecation headers and, once admitted or throttled,
the rate-limit headers.

JSON orders and webhooks (`json_codec.JsonBody`) and EDI interchanges
(`edi_body.EdiBody`) are the codecs.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar

import msgspec

from gateway.auth import Principal, RouteAuthenticator, authorize
from gateway.edge.problems import ProblemError
from gateway.edge.versions import VersionPolicy
from gateway.ingest.admission import Reservation, TierLimits, limit_headers, rate_limited
from gateway.ingest.idempotency_keys import (
    IssuedIds,
    fingerprint,
    idempotency_problem,
    request_key,
)
from gateway.ingest.journal_batch import Published
from gateway.ingest.route_services import EdgeServices, IncomingRequest, ObservedRoute, Reply
from omnihub.config.model import Route
from omnihub.envelope import Envelope, encode_envelope
from omnihub.errors import BrokerError
from omnihub.telemetry import SpanKind
from omnihub.telemetry.tracing import TraceParent

__all__ = ["REPLAYED", "Accepted", "Accepting", "BodyCodec", "IngestFlow", "Outcome"]

REPLAYED = "Idempotent-Replayed"


class Accepted(msgspec.Struct, frozen=True):
    """The 202 body: the message id (the first, when a request became several)."""

    message_id: str | None
    trace_id: str
    event: str
    message_ids: list[str]


class Outcome(msgspec.Struct, frozen=True):
    """What a codec answers for a request it accepted."""

    status: int
    body: bytes
    media_type: str
    headers: dict[str, str] = {}


class BodyCodec(Protocol):
    """What differs between bodies: their media types, what a request is called in
    messages, how a stored response is replayed, and how a body becomes messages."""

    noun: str  # "request", "interchange"

    def media(self, content_type: str | None) -> str:
        """The body's media type, or 415."""
        ...

    def replay_status(self, partner: str, media: str) -> tuple[int, str]:
        """Status and media type of a stored response replayed to ``partner``."""
        ...

    async def accept(self, accepting: Accepting) -> Outcome:
        """Decode the body, publish what it holds through ``accepting``, answer."""
        ...


C = TypeVar("C", bound=BodyCodec)


class Accepting:
    """One admitted request while its codec turns it into messages: the envelopes it
    builds (ids handed out in order, the same on every attempt of a request with a key) and
    the publishes, each confirmed, recorded for the journal."""

    __slots__ = (
        "body",
        "flow",
        "issued",
        "key",
        "media",
        "now",
        "principal",
        "published",
        "trace",
    )

    def __init__(
        self,
        flow: IngestFlow[Any],
        principal: Principal,
        body: bytes,
        media: str,
        key: str | None,
        now: datetime,
        issued: IssuedIds,
        trace: TraceParent,
    ) -> None:
        self.flow = flow
        self.principal = principal
        self.body = body
        self.media = media
        self.key = key
        self.now = now
        self.issued = issued
        self.trace = trace
        self.published: list[Published] = []  # confirmed, in order

    def envelope(
        self, event: str, payload: Any, business_key: str | None, *, natural_key: str | None = None
    ) -> Envelope:
        return Envelope(
            id=self.issued.next(),
            event=event,
            route=self.flow.route_id,
            partner=self.principal.partner,
            api_version=self.flow.version,
            occurred_at=self.now,
            received_at=self.now,
            traceparent=self.trace.header(),
            idempotency_key=self.key or natural_key,
            scopes=tuple(sorted(self.principal.scopes)),
            business_key=business_key,
            payload=payload,
        )

    async def publish(self, envelope: Envelope, detail: str | None = None) -> None:
        """Publish and wait for the broker's confirm; 503 problem otherwise. ``detail``
        goes into the message's journey (an EDI set's findings, a pipeline's flags)."""
        services = self.flow.services
        services.pending.check()  # no await until entered: the bound is exact
        sent_at, started = datetime.now(UTC), time.perf_counter()
        try:
            with services.pending:
                await services.publisher.publish(envelope, encode_envelope(envelope))
        except BrokerError as exc:
            services.publish_failures.warning(
                "publish failed for %s on %s: %s", envelope.id, self.flow.route_id, exc
            )
            retry = services.retry_after_s
            raise ProblemError(
                503,
                f"the hub cannot store messages right now; send the {self.flow.codec.noun} "
                f"again after {retry} s with the same Idempotency-Key (what was already "
                "stored is then not stored twice)",
                kind="broker-unavailable",
                headers={"Retry-After": str(retry)},
            ) from None
        confirm_s = time.perf_counter() - started
        services.observability.confirmed(confirm_s)
        self.published.append(Published(envelope, sent_at, confirm_s * 1000, detail))

    def journal(self, trace_id: str) -> None:
        """Start the journeys of what was published (in the background)."""
        self.flow.services.observability.journal(self.published, trace_id)

    def accepted(self, event: str) -> bytes:
        """The 202 body for what was published."""
        ids = [p.envelope.id for p in self.published]
        first = ids[0] if ids else None
        return _encoder.encode(Accepted(first, self.trace.trace_id, event, ids))


_encoder = msgspec.json.Encoder()


class IngestFlow(ObservedRoute, Generic[C]):
    """Per route version; holds no per-request state."""

    def __init__(
        self,
        *,
        route_id: str,
        route: Route,
        version: str,
        codec: C,
        auth: RouteAuthenticator,
        tier: TierLimits,
        services: EdgeServices,
    ) -> None:
        self.route_id = route_id
        self.route = route
        self.version = version
        self.codec = codec
        self.auth = auth
        self.tier = tier
        self.services = services
        self.policy = VersionPolicy(route_id, version, route.versions[version])
        # Per request a comparison and a subset test; `authorize` only names what is missing.
        self._gone_at = self.policy.gone_at
        self._scopes = frozenset(route.scopes)
        self._ttl_ms = int(route.idempotency_ttl.total_seconds() * 1000)
        # an unfinished request holds its key this long (a retry after it takes over the
        # key of a gateway that died: admission.py)
        self._lock_ms = int(route.idempotency_lock.total_seconds() * 1000)

    async def _handle(self, request: IncomingRequest) -> Reply:
        now = datetime.now(UTC)
        if self._gone_at is not None and now >= self._gone_at:
            raise self.policy.retired()
        headers = request.headers
        webhook_id: str | None = None
        if self.auth.needs_body:
            media = self.codec.media(headers.get("content-type"))
            body = await request.body()
            signed = await self.auth.authenticate_signed(headers, body)
            principal, webhook_id = signed.principal, signed.webhook_id
            request.scope.setdefault("state", {})["partner"] = principal.partner  # a 403 too
            if not self._scopes <= principal.scopes:
                authorize(principal, self.route.scopes)
        else:
            principal = await self.auth.authenticate(headers)
            request.scope.setdefault("state", {})["partner"] = principal.partner  # a 403 too
            if not self._scopes <= principal.scopes:
                authorize(principal, self.route.scopes)
            media = self.codec.media(headers.get("content-type"))
            body = await request.body()
        self.services.pending.check()

        key, key_digest = request_key(
            self.route, self.codec.noun, headers.get("idempotency-key"), webhook_id
        )
        body_fp = fingerprint(self.route_id, self.version, body)
        verdict = await self.services.admission.admit(
            principal.partner,
            self.tier,
            idempotency_digest=key_digest,
            fingerprint=body_fp,
            lock_ms=self._lock_ms,
            ttl_ms=self._ttl_ms,
            now_ms=(now_ms := int(now.timestamp() * 1000)),
        )
        if not verdict.allowed:
            self.services.observability.throttled(self.route_id, principal.partner)
            raise rate_limited(principal.partner, self.tier, verdict)
        limits = limit_headers(self.tier, verdict)
        try:
            if verdict.state == "done":
                status, media_type = self.codec.replay_status(principal.partner, media)
                replayed = {**limits, "traceparent": verdict.stored_traceparent, REPLAYED: "true"}
                return self._reply(status, verdict.stored_body, media_type, replayed)
            if verdict.state in ("inflight", "mismatch"):
                raise idempotency_problem(verdict.state, self.codec.noun)
            reservation = Reservation(
                self.services.admission,
                verdict,
                principal.partner,
                key_digest,
                body_fp,
                self._ttl_ms,
                now_ms,
            )
            try:
                outcome, trace = await self._accept(
                    request, principal, body, media, key, now, reservation.issued
                )
            except BaseException:
                reservation.release()
                raise
            reservation.complete(outcome.body, trace)
            answer = {**limits, "traceparent": trace, **outcome.headers}
            return self._reply(outcome.status, outcome.body, outcome.media_type, answer)
        except ProblemError as exc:
            exc.headers = {**limits, **exc.headers}
            raise

    def _reply(self, status: int, body: bytes, media: str, headers: dict[str, str]) -> Reply:
        if self.policy.headers:
            headers = {**self.policy.headers, **headers}
        return Reply(status, body, media, headers)

    async def _accept(
        self,
        request: IncomingRequest,
        principal: Principal,
        body: bytes,
        media: str,
        key: str | None,
        now: datetime,
        issued: IssuedIds,
    ) -> tuple[Outcome, str]:
        edge = self.services.observability
        with edge.tracing.span(
            f"POST {self.route_id} {self.version}",
            parent=request.headers.get("traceparent"),
            kind=SpanKind.SERVER,
            attributes={"omnihub.route": self.route_id, "omnihub.partner": principal.partner},
        ) as span:
            accepting = Accepting(self, principal, body, media, key, now, issued, span.traceparent)
            try:
                return await self.codec.accept(accepting), span.traceparent.header()
            except ProblemError as exc:
                span.fail(exc.kind)
                raise
            finally:  # those already confirmed will be delivered: journal them too
                accepting.journal(span.trace_id)
