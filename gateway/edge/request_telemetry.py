"""What the edge records about each request: span, metrics, and the journey's first entries.

The journey start (RECEIVED + PUBLISHED) is written in the background once the broker has
confirmed, so the partner's response does not wait for it; the messages of one event-loop
turn share one pipelined round trip (`JournalBatch`). A failed write never fails the
request: it is logged and counted in ``omnihub_journey_write_failures{part="gateway"}``.
Pending writes are awaited when the gateway stops.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import redis.asyncio as aioredis

from gateway.ingest.journal_batch import JournalBatch
from gateway.ingest.redis_batch import RedisCommands
from omnihub.envelope import Envelope
from omnihub.naming import Names
from omnihub.telemetry import HubMetrics, Tracing

__all__ = ["UNKNOWN_PARTNER", "EdgeObservability"]

UNKNOWN_PARTNER = "-"  # the partner label of requests that never authenticated
PART = "gateway"


class EdgeObservability:
    """Shared by every route version; holds no per-request state (only pending writes)."""

    def __init__(
        self,
        tracing: Tracing,
        metrics: HubMetrics,
        redis: aioredis.Redis,
        names: Names,
        retention: timedelta,
        pipeline: RedisCommands | None = None,
    ) -> None:
        self.tracing = tracing
        self.metrics = metrics
        failures = metrics.journey_write_failures.labels(part=PART)
        self._journal = JournalBatch(redis, names, retention, failures.inc, pipeline)
        # labels() validates and looks its child up on every call: keep the children
        self._requests: dict[tuple[str, str, int], Any] = {}
        self._seconds: dict[str, Any] = {}

    def observe(self, route: str, partner: str, status: int, seconds: float) -> None:
        key = (route, partner, status)
        counter = self._requests.get(key)
        if counter is None:
            counter = self.metrics.requests.labels(route=route, partner=partner, status=str(status))
            self._requests[key] = counter
        counter.inc()
        histogram = self._seconds.get(route)
        if histogram is None:
            histogram = self._seconds[route] = self.metrics.request_seconds.labels(route=route)
        histogram.observe(seconds)

    def throttled(self, route: str, partner: str) -> None:
        self.metrics.throttled.labels(route=route, partner=partner).inc()

    def confirmed(self, seconds: float) -> None:
        self.metrics.publish_confirm_seconds.observe(seconds)

    def journal(
        self,
        envelopes: Sequence[Envelope],
        trace_id: str,
        published_at: datetime,
        *,
        detail: str | None = None,
    ) -> None:
        """Start the journeys of `envelopes` in the background (received, published)."""
        if envelopes:
            self._journal.add(list(envelopes), trace_id, published_at, detail)

    async def drain(self, timeout_s: float = 5.0) -> None:
        """Wait for journey writes still in flight (at shutdown)."""
        await self._journal.drain(timeout_s)
