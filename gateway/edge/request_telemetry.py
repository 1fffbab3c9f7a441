"""What the edge records about each request: span, metrics, and the journey's first entries.

The journey start (RECEIVED + PUBLISHED) is handed to the journey store once the broker
has confirmed; its writer stores it in PostgreSQL in batches in the background, so the
partner's response does not wait for it (`JournalBatch`). A failed write never fails the
request (rows wait; what overflows the buffer is counted and logged). Pending writes are
awaited when the gateway stops.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gateway.ingest.journal_batch import JournalBatch, Published
from omnihub.journey import JourneyStore
from omnihub.telemetry import HubMetrics, Tracing

__all__ = ["UNKNOWN_PARTNER", "EdgeObservability"]

UNKNOWN_PARTNER = "-"  # the partner label of requests that never authenticated


class EdgeObservability:
    """Shared by every route version; holds no per-request state (only pending writes)."""

    def __init__(
        self,
        tracing: Tracing,
        metrics: HubMetrics,
        journeys: JourneyStore,
    ) -> None:
        self.tracing = tracing
        self.metrics = metrics
        self._journal = JournalBatch(journeys)
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

    def journal(self, published: Sequence[Published], trace_id: str) -> None:
        """Start the journeys of what was published in the background (received,
        published)."""
        if published:
            self._journal.add(published, trace_id)

    async def drain(self, timeout_s: float = 5.0) -> None:
        """Wait for journey writes still in flight (at shutdown)."""
        await self._journal.drain(timeout_s)
