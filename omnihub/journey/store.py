"""What a hub part holds of the journey store: one database, its writer and its queries.

store = JourneyStore.open(config, settings, metrics=metrics, part="gateway")
store.accepted(meta, received_at, detail, published_at, confirm_ms)  # the gateway's part
store.started(meta, entries, received_at)      # buffered, never blocks, never raises
store.record(message_id, event, entries)       # idem
await store.queries.get(message_id, partner="acme")
await store.close()                            # writes what is buffered
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from omnihub.config.model import HubConfig
from omnihub.journey.database import JourneyDatabase
from omnihub.journey.model import JourneyEntry, JourneyMeta
from omnihub.journey.queries import JourneyQueries
from omnihub.journey.retention import Retention
from omnihub.journey.writer import JourneyWriter
from omnihub.settings import Settings
from omnihub.telemetry import HubMetrics

__all__ = ["JourneyRecorder", "JourneyStore"]


class JourneyRecorder(Protocol):
    """What writes journey entries of messages already started (replays, discards)."""

    def record(self, message_id: str, event: str, entries: Sequence[JourneyEntry]) -> None: ...


class JourneyStore:
    def __init__(self, database: JourneyDatabase, writer: JourneyWriter) -> None:
        self.database = database
        self.writer = writer
        self.queries = JourneyQueries(database)

    @classmethod
    def open(
        cls,
        config: HubConfig,
        settings: Settings,
        *,
        metrics: HubMetrics | None = None,
        part: str = "cli",
        interval_s: float = 0.05,
    ) -> JourneyStore:
        """Nothing connects here: the writer and the readers connect when first used.
        The writer writes every `interval_s` and holds at most `settings.journey_buffer`
        rows while PostgreSQL is away."""
        database = JourneyDatabase(settings.postgres_url)
        capacity = settings.journey_buffer
        if metrics is None:
            writer = JourneyWriter(
                database, Retention(config.journeys), capacity=capacity, interval_s=interval_s
            )
        else:
            writer = JourneyWriter(
                database,
                Retention(config.journeys),
                on_dropped=metrics.journey_rows_dropped.labels(part=part).inc,
                on_failure=metrics.journey_write_failures.labels(part=part).inc,
                capacity=capacity,
                interval_s=interval_s,
            )
            # read when scraped, not set on every row recorded
            metrics.journey_rows_waiting.labels(part=part).set_function(lambda: writer.waiting)
        return cls(database, writer)

    def started(
        self, meta: JourneyMeta, entries: Sequence[JourneyEntry], received_at: datetime
    ) -> None:
        self.writer.started(meta, entries, received_at)

    def accepted(
        self,
        meta: JourneyMeta,
        received_at: datetime,
        received_detail: str | None,
        published_at: datetime,
        confirm_ms: float,
    ) -> None:
        """The gateway's part of a journey: received and published (see `JourneyWriter`)."""
        self.writer.accepted(meta, received_at, received_detail, published_at, confirm_ms)

    def record(self, message_id: str, event: str, entries: Sequence[JourneyEntry]) -> None:
        self.writer.record(message_id, event, entries)

    async def flush(self, timeout_s: float = 2.0) -> bool:
        """Wait until what this process recorded is written (see `JourneyWriter.flush`)."""
        return await self.writer.flush(timeout_s)

    async def close(self, timeout_s: float = 5.0) -> None:
        await self.writer.close(timeout_s)
        await self.database.close()
