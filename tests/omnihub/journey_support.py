"""Journey store fixtures: a writer and the queries over this run's own database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from omnihub.config.model import JourneyPolicy, RetentionClass
from omnihub.config.types import Duration
from omnihub.envelope import uuid7
from omnihub.journey import JourneyDatabase, JourneyEntry, JourneyMeta, JourneyQueries, Retention
from omnihub.journey import JourneyWriter as Writer

POLICY = JourneyPolicy(
    keep=Duration(days=7),
    classes={
        "orders": RetentionClass(events=["order.*"], keep=Duration(days=90)),
        "inventory": RetentionClass(events=["inventory.*"], keep=Duration(days=7)),
    },
)


def message_id(at: datetime | None = None) -> str:
    when = at or datetime.now(UTC)
    return str(uuid7(int(when.timestamp() * 1000)))


def meta(
    mid: str,
    *,
    partner: str = "acme",
    key: str | None = "WEB-1",
    trace: str = "4bf92f3577b34da6a3ce929d0e0e4736",
    event: str = "order.created",
    route: str = "orders",
) -> JourneyMeta:
    return JourneyMeta(
        message_id=mid, partner=partner, route=route, event=event, trace_id=trace,
        business_key=key,
    )  # fmt: skip


class Store:
    def __init__(self, url: str) -> None:
        self.database = JourneyDatabase(url)
        self.writer = Writer(self.database, Retention(POLICY), interval_s=0.01)
        self.queries = JourneyQueries(self.database)

    def start(self, m: JourneyMeta, *entries: JourneyEntry, at: datetime | None = None) -> None:
        self.writer.started(m, entries, at or (entries[0].at if entries else datetime.now(UTC)))

    def record(self, m: JourneyMeta, *entries: JourneyEntry) -> None:
        self.writer.record(m.message_id, m.event, entries)

    async def flushed(self, timeout: float = 5.0) -> None:
        """Wait until the writer has written everything buffered."""
        deadline = datetime.now(UTC) + timedelta(seconds=timeout)
        while self.writer.waiting:
            assert datetime.now(UTC) < deadline, f"{self.writer.waiting} rows not written"
            await __import__("asyncio").sleep(0.01)


@pytest.fixture
async def store(postgres_url: str) -> AsyncIterator[Store]:
    s = Store(postgres_url)
    try:
        yield s
    finally:
        await s.writer.close()
        await s.database.close()
