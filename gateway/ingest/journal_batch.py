"""The gateway's side of a journey: the received and published entries of the messages it
accepted, handed to the journey store's writer once the broker has confirmed.

The writer buffers them and writes in batches in the background (`omnihub.journey.
writer`), so the partner's response never waits for PostgreSQL, and an outage of it
never fails a request: rows wait in a bounded buffer, and what overflows is counted in
``omnihub_journey_rows_dropped{part="gateway"}`` and logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from omnihub.envelope import Envelope
from omnihub.journey import JourneyMeta, JourneyStore

__all__ = ["JournalBatch", "Published"]


class Published(NamedTuple):
    """An envelope the broker confirmed: when its publish went out, how long the confirm
    took, and what its journey's received entry should say (an EDI set's findings, what a
    pipeline flagged), if anything."""

    envelope: Envelope
    at: datetime
    confirm_ms: float
    detail: str | None = None


class JournalBatch:
    """Starts journeys (received + published, one row a message) through the store's
    background writer."""

    def __init__(self, store: JourneyStore) -> None:
        self._store = store

    def add(self, published: Sequence[Published], trace_id: str) -> None:
        for envelope, at, confirm_ms, detail in published:
            meta = JourneyMeta(
                message_id=envelope.id,
                partner=envelope.partner,
                route=envelope.route,
                event=envelope.event,
                trace_id=trace_id,
                business_key=envelope.business_key,
            )
            # published is stamped when the publish went out, so it sorts before the
            # worker's attempts; the broker's confirm made it an entry, and how long that
            # took is kept
            self._store.accepted(
                meta,
                envelope.received_at,
                envelope.api_version + (f", {detail}" if detail else ""),
                at,
                round(confirm_ms, 3),
            )

    async def drain(self, timeout_s: float) -> None:
        """Write what is buffered (at shutdown)."""
        await self._store.close(timeout_s)
