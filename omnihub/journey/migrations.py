"""The journey schema as plain versioned SQL, applied in order when a hub part starts.

`journey_schema` records the versions applied; an advisory lock lets gateways and
workers starting together apply each version once. A migration is never edited once
released: a change is a new version appended to `MIGRATIONS`.

Layout (version 1): two tables, each partitioned by LIST on the retention class and
each class by RANGE on the day (`partitions.py` creates and drops the days):

    journey_messages   one row per message: ids, partner, route, event, business key
    journey_entries    one row per journey entry: stage, time, target, attempt, status,
                       latency, error, actor, detail

Version 2 adds `console_audit`: every change made in the operations console (who, what,
when), read back by its Audit page (`gateway/console/audit.py`).

Version 3 adds a partial index of the `dead_lettered` entries by their detail, the DLQ
they went to: the console lists a DLQ's dead letters from the journey store
(`omnihub/replay/parked_query.py`) without scanning every entry.

Version 4 puts the gateway's part of a journey on the message's own row: the received
entry's detail, when the publish went out and how long the broker took to confirm it
(`received_detail`, `published_at`, `confirm_ms`). The gateway writes one row per
accepted message instead of three; readers show the two entries as before
(`queries.py`). Rows written before keep their received and published entries.

A message's rows all sit in the partition of the day of its UUIDv7 id, so dropping a day
drops a message whole. Ids are stored as `uuid` (16 bytes), trace ids too.
"""

from __future__ import annotations

import psycopg

__all__ = ["MIGRATIONS", "migrate"]

_LOCK = 0x6F6D6E69  # pg_advisory_xact_lock key of schema changes ("omni")

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """
        CREATE TABLE journey_messages (
            class        text        NOT NULL,
            day          date        NOT NULL,
            message_id   uuid        NOT NULL,
            trace_id     uuid,
            partner      text        NOT NULL,
            route        text        NOT NULL,
            event        text        NOT NULL,
            business_key text,
            received_at  timestamptz NOT NULL,
            PRIMARY KEY (message_id, day, class)
        ) PARTITION BY LIST (class);
        CREATE INDEX journey_messages_trace ON journey_messages (trace_id);
        CREATE INDEX journey_messages_key ON journey_messages (business_key, partner)
            WHERE business_key IS NOT NULL;
        CREATE INDEX journey_messages_received ON journey_messages USING brin (received_at);

        CREATE TABLE journey_entries (
            class      text        NOT NULL,
            day        date        NOT NULL,
            message_id uuid        NOT NULL,
            at         timestamptz NOT NULL,
            stage      text        NOT NULL,
            target     text,
            attempt    smallint,
            status     smallint,
            latency_ms real,
            error      text,
            actor      text,
            detail     text
        ) PARTITION BY LIST (class);
        CREATE INDEX journey_entries_message ON journey_entries (message_id);
        CREATE INDEX journey_entries_at ON journey_entries USING brin (at);
        """,
    ),
    (
        2,
        """
        CREATE TABLE console_audit (
            id      bigserial   PRIMARY KEY,
            at      timestamptz NOT NULL DEFAULT now(),
            actor   text        NOT NULL,
            action  text        NOT NULL,
            detail  text        NOT NULL DEFAULT ''
        );
        CREATE INDEX console_audit_at ON console_audit (at DESC);
        """,
    ),
    (
        3,
        """
        CREATE INDEX journey_entries_dead ON journey_entries (detail, message_id)
            WHERE stage = 'dead_lettered';
        """,
    ),
    (
        4,
        """
        ALTER TABLE journey_messages
            ADD COLUMN received_detail text,
            ADD COLUMN published_at timestamptz,
            ADD COLUMN confirm_ms real;
        """,
    ),
)


async def migrate(
    conn: psycopg.AsyncConnection,
    migrations: tuple[tuple[int, str], ...] = MIGRATIONS,
    table: str = "journey_schema",
) -> list[int]:
    """Apply the versions not applied yet; returns those applied now. Another schema in
    the same database (the monitor's) passes its own `migrations` and version `table`."""
    applied_now: list[int] = []
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {table}".encode()
            + b" (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        cur = await conn.execute(f"SELECT version FROM {table}".encode())
        done = {row[0] for row in await cur.fetchall()}
        for version, statements in migrations:
            if version in done:
                continue
            await conn.execute(statements.encode())
            await conn.execute(f"INSERT INTO {table} (version) VALUES (%s)".encode(), (version,))
            applied_now.append(version)
    return applied_now
