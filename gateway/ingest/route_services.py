"""What every route version handler shares: the edge's services (publisher, admission,
the bound on publishes awaiting a confirm), and one observation (route, partner, status,
latency) per request with the version's headers on its errors.

The little of HTTP a handler needs, independent of the framework serving it, is here
too: `IncomingRequest` is what it reads (headers with lowercase names, the ASGI scope,
the body); both Litestar's `Request` and the fast lane's `AsgiRequest` provide it.
`Reply` is what it answers; the fast lane sends it as it is, the Litestar route turns it
into a `Response`."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any, Protocol

from gateway.edge.problems import ProblemError
from gateway.edge.request_telemetry import UNKNOWN_PARTNER, EdgeObservability
from gateway.edge.versions import VersionPolicy
from gateway.ingest.admission import Admission
from omnihub.broker import Publisher
from omnihub.log_throttle import LogThrottle

__all__ = ["EdgeServices", "IncomingRequest", "ObservedRoute", "PendingPublishes", "Reply"]

log = logging.getLogger("omnihub.gateway")


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


class PendingPublishes:
    """Back-pressure: counts the unconfirmed publishes of one gateway process (one event
    loop). When the broker slows down, confirms take longer and requests pile up inside
    the gateway; past the bound, new requests get 503 with Retry-After at once instead of
    queueing without limit (memory, latency, timeouts that the partner retries anyway)."""

    __slots__ = ("bound", "count", "retry_after_s")

    def __init__(self, bound: int, retry_after_s: int) -> None:
        if bound < 1:
            raise ValueError(f"the bound on pending publishes must be at least 1, got {bound}")
        self.bound = bound
        self.retry_after_s = retry_after_s
        self.count = 0

    def check(self) -> None:
        if self.count >= self.bound:
            raise ProblemError(
                503,
                f"the hub is busy ({self.count} messages waiting for the broker); nothing was "
                f"accepted, send it again after {self.retry_after_s} s",
                kind="overloaded",
                headers={"Retry-After": str(self.retry_after_s)},
            )

    def __enter__(self) -> None:
        self.count += 1

    def __exit__(self, *_: object) -> None:
        self.count -= 1


class EdgeServices:
    """What every route version shares: broker, Redis, the pending-publish bound, and
    what the edge records (spans, metrics, journeys)."""

    def __init__(
        self,
        publisher: Publisher,
        admission: Admission,
        pending: PendingPublishes,
        retry_after_s: int,
        observability: EdgeObservability,
    ) -> None:
        self.publisher = publisher
        self.admission = admission
        self.pending = pending
        self.retry_after_s = retry_after_s
        self.observability = observability
        self.publish_failures = LogThrottle(log)  # an outage fails every request's publish


class ObservedRoute:
    """What every route version handler shares: version headers on its errors, and one
    observation (route, partner, status, latency) per request. Subclasses set
    `route_id`, `policy` and `services` and implement `_handle`; the request is
    Litestar's or the fast lane's."""

    route_id: str
    policy: VersionPolicy
    services: EdgeServices

    async def __call__(self, request: IncomingRequest) -> Reply:
        started = time.perf_counter()
        status = 500
        try:
            response = await self._handle(request)
            status = response.status_code
            return response
        except ProblemError as exc:
            status = exc.status
            if self.policy.headers:
                exc.headers = {**self.policy.headers, **exc.headers}
            raise
        finally:
            partner = request.scope.get("state", {}).get("partner", UNKNOWN_PARTNER)
            self.services.observability.observe(
                self.route_id, partner, status, time.perf_counter() - started
            )

    async def _handle(self, request: IncomingRequest) -> Reply:
        raise NotImplementedError
