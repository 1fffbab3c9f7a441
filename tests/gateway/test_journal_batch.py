"""The gateway's journey starts reach the journey store in the background and are read
back by id, trace and business key; a store that cannot be reached raises nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from gateway.ingest.journal_batch import JournalBatch, Published
from omnihub.config.model import JourneyPolicy
from omnihub.journey import JourneyDatabase, JourneyStore, JourneyWriter, Retention, Stage
from omnihub.settings import Settings
from tests.connectors.harness import envelope
from tests.support.journeys import TestJourneys
from tests.support.orders import order
from tests.support.ports import free_port


def _store(url: str) -> JourneyStore:
    database = JourneyDatabase(url)
    return JourneyStore(database, JourneyWriter(database, Retention(JourneyPolicy())))


async def test_starts_are_read_back_by_id_trace_and_business_key(settings: Settings) -> None:
    store = _store(settings.postgres_url)
    batch = JournalBatch(store)
    key = f"B-{uuid.uuid4().hex[:8]}"  # the run's database is shared by its tests
    first, second = envelope(order(key)), envelope(order(f"{key}-2"))
    sent_at = datetime.now(UTC)
    batch.add([Published(first, sent_at, 2.5)], "a" * 32)
    batch.add([Published(second, sent_at, 1.0, "interchange 42")], second.trace_id)
    await batch.drain(5)
    reader = TestJourneys(settings)

    journey = await reader.get(first.id)
    by_trace = await reader.find(second.trace_id)
    by_key = await reader.find(key, partner=first.partner)
    assert store.writer.dropped == 0
    assert journey is not None
    assert [e.stage for e in journey.entries] == [Stage.RECEIVED, Stage.PUBLISHED]
    published = journey.entries[1]
    assert (published.at, published.latency_ms, published.detail) == (sent_at, 2.5, "confirmed")
    assert journey.meta.trace_id == "a" * 32 and journey.meta.business_key == key
    assert [j.meta.message_id for j in by_trace] == [second.id]
    assert by_trace[0].entries[0].detail == "v1, interchange 42"
    assert [j.meta.message_id for j in by_key] == [first.id]


async def test_an_unreachable_store_raises_nothing_and_counts_what_it_drops() -> None:
    store = _store(f"postgresql://postgres@127.0.0.1:{free_port()}/nothing")
    batch = JournalBatch(store)
    batch.add([Published(envelope(order("F-1")), datetime.now(UTC), 1.0)], "c" * 32)
    await batch.drain(0.5)  # shutdown while the store is down: the start is dropped, counted
    assert store.writer.dropped == 1  # one row: the message, received and published on it
