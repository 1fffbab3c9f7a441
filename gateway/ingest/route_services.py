"""What every route version handler shares: the edge's services, and one observation
(route, partner, status, latency) per request with the version's headers on its errors."""

from __future__ import annotations

import logging
import time
from typing import Generic, Protocol, TypeVar

from gateway.edge.problems import ProblemError
from gateway.edge.request_reply import IncomingRequest
from gateway.edge.request_telemetry import UNKNOWN_PARTNER, EdgeObservability
from gateway.edge.versions import VersionPolicy
from gateway.ingest.admission import Admission
from gateway.ingest.backpressure import PendingPublishes
from omnihub.broker import Publisher
from omnihub.log_throttle import LogThrottle

__all__ = ["EdgeServices", "ObservedRoute"]

log = logging.getLogger("omnihub.gateway")


class _HasStatus(Protocol):
    @property
    def status_code(self) -> int | None: ...


Q = TypeVar("Q", bound=IncomingRequest)
R = TypeVar("R", bound=_HasStatus)


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


class ObservedRoute(Generic[Q, R]):
    """What every route version handler shares: version headers on its errors, and one
    observation (route, partner, status, latency) per request. Subclasses set
    `route_id`, `policy` and `services` and implement `_handle`; `Q` is the request they
    read (Litestar's, or the fast lane's), `R` what they answer."""

    route_id: str
    policy: VersionPolicy
    services: EdgeServices

    async def __call__(self, request: Q) -> R:
        started = time.perf_counter()
        status = 500
        try:
            response = await self._handle(request)
            status = response.status_code or 200
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

    async def _handle(self, request: Q) -> R:
        raise NotImplementedError
