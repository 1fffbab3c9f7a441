"""What the edge records about each request: span, metrics, and the journey's first entries.

The journey write (RECEIVED + PUBLISHED, one pipelined Redis round trip per message) is
fired as a background task once the broker has confirmed, so the partner's response does
not wait for it; a failed write never fails the request — it is logged by the store and
counted in ``omnihub_journey_write_failures{part="gateway"}``. Pending writes are awaited
when the gateway stops.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import datetime

from omnihub.envelope import Envelope
from omnihub.journey import JourneyEntry, JourneyMeta, JourneyStore, Stage
from omnihub.telemetry import HubMetrics, Tracing

__all__ = ["UNKNOWN_PARTNER", "EdgeObservability"]

UNKNOWN_PARTNER = "-"  # the partner label of requests that never authenticated
PART = "gateway"


class EdgeObservability:
    """Shared by every route version; holds no per-request state (only pending writes)."""

    def __init__(self, tracing: Tracing, metrics: HubMetrics, journeys: JourneyStore) -> None:
        self.tracing = tracing
        self.metrics = metrics
        self.journeys = journeys
        self._pending: set[asyncio.Task[None]] = set()
        self._failures = metrics.journey_write_failures.labels(part=PART)

    def observe(self, route: str, partner: str, status: int, seconds: float) -> None:
        self.metrics.requests.labels(route=route, partner=partner, status=str(status)).inc()
        self.metrics.request_seconds.labels(route=route).observe(seconds)

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
        if not envelopes:
            return
        task = asyncio.get_running_loop().create_task(
            self._write(list(envelopes), trace_id, published_at, detail)
        )
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _write(
        self,
        envelopes: list[Envelope],
        trace_id: str,
        published_at: datetime,
        detail: str | None,
    ) -> None:
        results = await asyncio.gather(
            *(self._start(e, trace_id, published_at, detail) for e in envelopes),
            return_exceptions=True,
        )
        failed = sum(1 for r in results if r is not True)
        if failed:
            self._failures.inc(failed)

    async def _start(
        self, envelope: Envelope, trace_id: str, published_at: datetime, detail: str | None
    ) -> bool:
        meta = JourneyMeta(
            message_id=envelope.id,
            partner=envelope.partner,
            route=envelope.route,
            event=envelope.event,
            trace_id=trace_id,
            business_key=envelope.business_key,
        )
        received = JourneyEntry(
            at=envelope.received_at,
            stage=Stage.RECEIVED,
            detail=f"route {envelope.route} {envelope.api_version}, partner {envelope.partner}"
            + (f", {detail}" if detail else ""),
        )
        published = JourneyEntry(at=published_at, stage=Stage.PUBLISHED)
        return await self.journeys.start(meta, received, published)

    async def drain(self, timeout_s: float = 5.0) -> None:
        """Wait for journey writes still in flight (at shutdown)."""
        if self._pending:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    asyncio.gather(*self._pending, return_exceptions=True), timeout_s
                )
