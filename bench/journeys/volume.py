"""Journeys at volume in a bench database of their own: generate N messages with
`generate_series` (one server-side INSERT ... SELECT per day and table), then measure
bytes per message and lookup latency through the hub's own query module.

Each generated message looks like a delivered order: a `journey_messages` row (UUIDv7 id
of its day, a trace id, partner, route, event, business key) and four entries (received,
published, an attempt with status and latency, delivered), spread evenly over `days`.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec
import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from omnihub.journey import JourneyDatabase, JourneyQueries
from omnihub.journey.partitions import ensure_partitions

__all__ = ["Lookups", "Sizes", "generate", "lookups", "recreate_database", "sizes"]

CLASS = "other"  # what events of no configured class fall into: all generated rows
_MESSAGES = """
INSERT INTO journey_messages
    (class, day, message_id, trace_id, partner, route, event, business_key, received_at)
SELECT %(class)s, %(day)s,
    (lpad(to_hex(%(ms0)s::bigint + i * %(step)s::bigint), 12, '0') || '7'
        || substr(md5(i::text || %(day)s), 1, 3) || '8'
        || substr(md5(i::text || %(day)s), 4, 15))::uuid,
    md5('t' || i::text || %(day)s)::uuid,
    'partner-' || (i %% 50), 'orders', 'order.created', 'WEB-' || %(tag)s || '-' || i,
    to_timestamp((%(ms0)s::bigint + i * %(step)s::bigint) / 1000.0)
FROM generate_series(0, %(n)s - 1) AS i
"""
_ENTRIES = """
INSERT INTO journey_entries
    (class, day, message_id, at, stage, target, attempt, status, latency_ms, detail)
SELECT m.class, m.day, m.message_id, m.received_at + s.offset_ms * interval '1 ms', s.stage,
    s.target, s.attempt, s.status, s.latency_ms, s.detail
FROM journey_messages m
CROSS JOIN (VALUES
    (0, 'received', NULL, NULL, NULL, NULL, 'v1'),
    (3, 'published', NULL, NULL, NULL, NULL, NULL),
    (20, 'attempt', 'erp', 1, 201, 12.0, NULL),
    (35, 'delivered', 'erp', NULL, NULL, NULL, 'SO-000001')
) AS s(offset_ms, stage, target, attempt, status, latency_ms, detail)
WHERE m.class = %(class)s AND m.day = %(day)s
"""


class Sizes(msgspec.Struct, kw_only=True):
    messages: int
    entries: int
    table_bytes: int  # heap of both tables, every partition
    index_bytes: int
    bytes_per_message: float
    index_bytes_per_message: float


class Lookups(msgspec.Struct, kw_only=True):
    messages: int
    samples: int
    ms: dict[str, dict[str, float]]  # lookup -> p50/p95/p99/max in milliseconds


async def recreate_database(url: str) -> None:
    """Drop and create the bench database named in `url` (never a hub's own)."""
    name = psycopg.conninfo.conninfo_to_dict(url).get("dbname")
    assert name and str(name).startswith("omnihub_bench"), "a bench database only"
    maintenance = make_conninfo(url, dbname="postgres")
    async with await psycopg.AsyncConnection.connect(maintenance, autocommit=True) as conn:
        await conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(str(name)))
        )
        await conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(str(name))))


async def generate(url: str, messages: int, days: int, *, log: Callable[[str], None]) -> float:
    """Fill the schema with `messages` over the `days` before today; returns seconds."""
    await JourneyDatabase(url).ensure_schema()
    per_day = messages // days
    started = time.monotonic()
    today = datetime.now(UTC).date()
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        for d in range(days):
            day: date = today - timedelta(days=days - d)
            async with conn.transaction():
                await ensure_partitions(conn, CLASS, {day})
            ms0 = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)
            params: dict[str, Any] = {
                "class": CLASS, "day": day, "ms0": ms0, "step": max(1, 86_400_000 // per_day),
                "n": per_day, "tag": f"{day:%m%d}",
            }  # fmt: skip
            await conn.execute(_MESSAGES, params)
            await conn.execute(_ENTRIES, params)
            took = time.monotonic() - started
            log(f"day {d + 1}/{days}: {per_day * (d + 1):,} messages, {took:.0f} s")
        await conn.execute("VACUUM ANALYZE journey_messages")
        await conn.execute("VACUUM ANALYZE journey_entries")
    return time.monotonic() - started


async def sizes(url: str) -> Sizes:
    query = """
    SELECT coalesce(sum(pg_table_size(relid)), 0), coalesce(sum(pg_indexes_size(relid)), 0)
    FROM pg_partition_tree(%s) WHERE isleaf
    """
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        table = index = 0
        for name in ("journey_messages", "journey_entries"):
            row = await (await conn.execute(query, (name,))).fetchone()
            assert row is not None
            table, index = table + int(row[0]), index + int(row[1])
        counts = []
        for name in ("journey_messages", "journey_entries"):
            row = await (await conn.execute(f"SELECT count(*) FROM {name}".encode())).fetchone()
            counts.append(int(row[0]) if row else 0)
    per = max(counts[0], 1)
    return Sizes(
        messages=counts[0], entries=counts[1], table_bytes=table, index_bytes=index,
        bytes_per_message=round((table + index) / per, 1),
        index_bytes_per_message=round(index / per, 1),
    )  # fmt: skip


def _summary(ms: list[float]) -> dict[str, float]:
    ms = sorted(ms)
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return {"p50": round(q[49], 2), "p95": round(q[94], 2), "p99": round(q[98], 2),
            "max": round(ms[-1], 2)}  # fmt: skip


async def lookups(url: str, samples: int) -> Lookups:
    """Time `JourneyQueries` lookups of messages drawn at random from the whole table."""
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        total = await (await conn.execute("SELECT count(*) FROM journey_messages")).fetchone()
        cur = await conn.execute(
            "SELECT message_id, trace_id, business_key, partner FROM journey_messages"
            " TABLESAMPLE SYSTEM (1) LIMIT %s",
            (samples * 20,),
        )
        rows = random.sample(await cur.fetchall(), k=samples)
    database = JourneyDatabase(url, pool_size=2)
    queries = JourneyQueries(database)
    timed: dict[str, list[float]] = {}

    async def run(name: str, call: Callable[[], Awaitable[Any]]) -> None:
        t = time.perf_counter()
        found = await call()
        timed.setdefault(name, []).append((time.perf_counter() - t) * 1000)
        assert found, f"{name} found nothing"

    try:
        await queries.get(str(rows[0][0]))  # warm the pool
        for mid, trace, key, partner in rows:
            await run("by message id", lambda m=mid: queries.get(str(m)))
            await run(
                "by message id, partner-scoped",
                lambda m=mid, p=partner: queries.get(str(m), partner=p),
            )
            await run("by trace id", lambda t=trace: queries.by_trace(t.hex))
            await run(
                "by business key", lambda k=key, p=partner: queries.by_business_key(k, partner=p)
            )
    finally:
        await database.close()
    return Lookups(
        messages=int(total[0]) if total else 0,
        samples=samples,
        ms={name: _summary(values) for name, values in timed.items()},
    )
