"""Day partitions of the journey tables: created when first needed, dropped when expired.

    journey_messages                         LIST (class)
      journey_messages_orders                  RANGE (day)
        journey_messages_orders_20261206         one day of one class

Retention drops whole day partitions (never `DELETE`): a day of class C goes once the
day's end is older than C's `keep`. Creating and dropping take one advisory lock, so
the gateways and workers doing it at once do not trip over each other.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta

import psycopg
from psycopg import sql

from omnihub.journey.retention import Retention

__all__ = ["TABLES", "drop_expired", "ensure_partitions", "partition_days"]

log = logging.getLogger("omnihub.journey")

TABLES = ("journey_messages", "journey_entries")
_LOCK = 0x6A726E79  # pg_advisory_xact_lock key of partition changes ("jrny")
_DAY = re.compile(r"^(journey_(?:messages|entries))_([a-z][a-z0-9_]*)_(\d{8})$")


def _name(table: str, cls: str, day: date | None = None) -> str:
    return f"{table}_{cls}" if day is None else f"{table}_{cls}_{day:%Y%m%d}"


async def ensure_partitions(conn: psycopg.AsyncConnection, cls: str, days: set[date]) -> None:
    """Create the class's partitions and its day partitions that do not exist yet
    (in the caller's transaction)."""
    await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
    for table in TABLES:
        parent = _name(table, cls)
        await conn.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} PARTITION OF {} FOR VALUES IN ({})"
                " PARTITION BY RANGE (day)"
            ).format(sql.Identifier(parent), sql.Identifier(table), sql.Literal(cls))
        )
        for day in sorted(days):
            await conn.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} PARTITION OF {} FOR VALUES FROM ({}) TO ({})"
                ).format(
                    sql.Identifier(_name(table, cls, day)),
                    sql.Identifier(parent),
                    sql.Literal(day),
                    sql.Literal(day + timedelta(days=1)),
                )
            )


async def partition_days(conn: psycopg.AsyncConnection) -> list[tuple[str, str, date]]:
    """Every day partition: (table, class, day)."""
    cur = await conn.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " JOIN pg_class p ON p.oid = i.inhparent WHERE p.relkind = 'p'"
    )
    found: list[tuple[str, str, date]] = []
    for (name,) in await cur.fetchall():
        match = _DAY.match(name)
        if match:
            day = datetime.strptime(match.group(3), "%Y%m%d").date()
            found.append((match.group(1), match.group(2), day))
    return sorted(found)


async def drop_expired(
    conn: psycopg.AsyncConnection, retention: Retention, today: date
) -> list[str]:
    """Drop the day partitions whose whole day is older than their class keeps; returns
    the names dropped (in the caller's transaction)."""
    await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
    dropped: list[str] = []
    for table, cls, day in await partition_days(conn):
        keep_days = retention.keep_of(cls).total_seconds() / 86400
        if (today - (day + timedelta(days=1))).days >= keep_days:
            name = _name(table, cls, day)
            await conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(name)))
            dropped.append(name)
    if dropped:
        log.info("journey retention dropped %d partition(s): %s", len(dropped), ", ".join(dropped))
    return dropped
