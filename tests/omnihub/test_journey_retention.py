"""Retention drops whole day partitions per class; an unreachable PostgreSQL costs the
writer nothing but a bounded buffer, whose overflow is counted."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import psycopg

from omnihub.journey import JourneyDatabase, JourneyEntry, JourneyWriter, Retention, Stage
from omnihub.journey.partitions import drop_expired, partition_days
from tests.omnihub.journey_support import POLICY, Store, message_id, meta, store
from tests.support.ports import free_port

__all__ = ["store"]


def test_events_fall_into_the_first_class_that_matches() -> None:
    retention = Retention(POLICY)
    assert retention.class_of("order.created") == "orders"
    assert retention.class_of("inventory.adjusted") == "inventory"
    assert retention.class_of("asn.received") == "other"
    assert retention.keep_of("orders") == timedelta(days=90)
    assert retention.keep_of("gone") == timedelta(days=7)  # a class no longer configured


async def test_expired_days_are_dropped_as_partitions_per_class(
    store: Store, postgres_url: str
) -> None:
    month_ago = datetime.now(UTC) - timedelta(days=30)
    order, stock = message_id(month_ago), message_id(month_ago)
    entry = JourneyEntry(at=month_ago, stage=Stage.RECEIVED)
    store.start(meta(order), entry)
    store.start(meta(stock, event="inventory.adjusted"), entry)
    await store.flushed()
    day = month_ago.date()
    async with await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) as conn:
        assert {(c, d) for _, c, d in await partition_days(conn)} >= {
            ("orders", day),
            ("inventory", day),
        }
        async with conn.transaction():
            dropped = await drop_expired(conn, Retention(POLICY), datetime.now(UTC).date())
        left = {(c, d) for _, c, d in await partition_days(conn)}
    # inventory keeps 7 days: its day went, as tables; orders keep 90 days: still there
    assert f"journey_entries_inventory_{day:%Y%m%d}" in dropped
    assert f"journey_messages_inventory_{day:%Y%m%d}" in dropped
    assert ("inventory", day) not in left and ("orders", day) in left
    assert await store.queries.get(stock) is None
    assert await store.queries.get(order) is not None


async def test_an_unreachable_store_never_raises_and_counts_what_overflows() -> None:
    database = JourneyDatabase(f"postgresql://postgres@127.0.0.1:{free_port()}/nothing")
    dropped: list[int] = []
    writer = JourneyWriter(
        database, Retention(POLICY), capacity=10, interval_s=0.01, on_dropped=dropped.append
    )
    now = datetime.now(UTC)
    for _ in range(8):  # 3 rows each: the 4th message no longer fits
        mid = message_id(now)
        writer.started(meta(mid), [JourneyEntry(at=now, stage=Stage.RECEIVED)] * 2, now)
    await asyncio.sleep(0.3)  # the writer tried (and failed) in the background meanwhile
    assert writer.failures >= 1
    assert writer.waiting == 9 and sum(dropped) == 15
    await writer.close(timeout_s=1)  # what never got written is counted at shutdown too
    assert sum(dropped) == 24 and writer.dropped == 24
    await database.close()


def test_text_that_only_looks_like_a_uuidv7_falls_in_today() -> None:
    """A trace id looked up as a message id has a 7 at the version place one time in 16; its
    'timestamp' is then often past year 9999, which once made `find` raise ValueError."""
    from omnihub.journey.retention import day_of

    trace_like = "ed2890e2-b336-7c92-49d5-a5236da3ddaf"  # a real trace id that did it
    assert day_of(trace_like) == datetime.now(UTC).date()
    assert (
        day_of("0190a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b") == datetime(2024, 7, 11, tzinfo=UTC).date()
    )
