"""The gateway's side of a journey: the received and published entries of the messages it
accepted, handed to the journey store's writer once the broker has confirmed.

The writer buffers them and writes in batches in the background (`omnihub.journey.
writer`), so the partner's response never waits for PostgreSQL, and an outage of it
never fails a request: rows wait in a bounded buffer, and what overflows is counted in
``omnihub_journey_rows_dropped{part="gateway"}`` and logged.
"""

from __future__ import annotations

from datetime import datetime

from omnihub.envelope import Envelope
from omnihub.journey import JourneyEntry, JourneyMeta, JourneyStore, Stage

__all__ = ["JournalBatch"]


class JournalBatch:
    """Starts journeys (received + published) through the store's background writer."""

    def __init__(self, store: JourneyStore) -> None:
        self._store = store

    def add(
        self, envelopes: list[Envelope], trace_id: str, published_at: datetime, detail: str | None
    ) -> None:
        for envelope in envelopes:
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
                detail=envelope.api_version + (f", {detail}" if detail else ""),
            )
            published = JourneyEntry(at=published_at, stage=Stage.PUBLISHED)
            self._store.started(meta, (received, published), envelope.received_at)

    async def drain(self, timeout_s: float) -> None:
        """Write what is buffered (at shutdown)."""
        await self._store.close(timeout_s)
