"""How many journeys per second the writer stores, and what it costs the process that
feeds it (the gateway's or a worker's CPU): N messages, each started with two entries
(received, published) and recorded with two more (attempt, delivered), handed to one
`JourneyWriter` as fast as the loop allows, until PostgreSQL has them all."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta

import msgspec

from omnihub.config.model import JourneyPolicy
from omnihub.envelope import new_message_id
from omnihub.journey import (
    JourneyDatabase,
    JourneyEntry,
    JourneyMeta,
    JourneyWriter,
    Retention,
    Stage,
)

__all__ = ["WriteRate", "write_rate"]


class WriteRate(msgspec.Struct, kw_only=True):
    messages: int
    rows: int
    seconds: float
    messages_per_s: float
    rows_per_s: float
    feed_cpu_us_per_message: float  # CPU of the calls a gateway/worker makes (started/record)
    process_cpu_us_per_message: float  # the whole process: feeding plus the writer's task
    dropped: int


async def write_rate(url: str, messages: int, *, offered_per_s: float | None = None) -> WriteRate:
    """Offer `messages` (all at once, or at `offered_per_s`) and time until written."""
    database = JourneyDatabase(url)
    await database.ensure_schema()
    writer = JourneyWriter(database, Retention(JourneyPolicy()), capacity=max(messages * 5, 1))
    now = datetime.now(UTC)
    feed_cpu = 0.0
    cpu0, t0 = time.process_time(), time.perf_counter()
    for i in range(messages):
        mid = new_message_id()
        meta = JourneyMeta(
            message_id=mid, partner="acme", route="orders", event="order.created",
            trace_id=uuid.uuid4().hex, business_key=f"WEB-{i}",
        )  # fmt: skip
        f0 = time.process_time()
        writer.started(
            meta,
            (
                JourneyEntry(at=now, stage=Stage.RECEIVED, detail="v1"),
                JourneyEntry(at=now + timedelta(milliseconds=3), stage=Stage.PUBLISHED),
            ),
            now,
        )
        writer.record(
            mid,
            "order.created",
            (
                JourneyEntry(at=now, stage=Stage.ATTEMPT, target="erp", attempt=1, status=201,
                             latency_ms=12.0),
                JourneyEntry(at=now, stage=Stage.DELIVERED, target="erp", detail="SO-1"),
            ),
        )  # fmt: skip
        feed_cpu += time.process_time() - f0
        if offered_per_s is not None:
            ahead = (i + 1) / offered_per_s - (time.perf_counter() - t0)
            if ahead > 0:
                await asyncio.sleep(ahead)
        elif i % 1000 == 999:
            await asyncio.sleep(0)  # let the writer's task run, as a busy gateway would
    for _ in range(60_000):  # until written (at most ten minutes)
        if not writer.waiting:
            break
        await asyncio.sleep(0.01)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    await writer.close()
    await database.close()
    return WriteRate(
        messages=messages, rows=writer.written, seconds=round(seconds, 2),
        messages_per_s=round(messages / seconds), rows_per_s=round(writer.written / seconds),
        feed_cpu_us_per_message=round(feed_cpu / messages * 1e6, 1),
        process_cpu_us_per_message=round(cpu / messages * 1e6, 1), dropped=writer.dropped,
    )  # fmt: skip
