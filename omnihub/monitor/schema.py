"""The monitor's tables, versioned like the journey schema (`journey.migrations.migrate`)
and kept in the same database under their own version table, `monitor_schema`.

    edi_sent_groups     one row per functional group an EDI target was sent: its control
                        numbers and sets, and, once the partner's 997/999 came, its fate
    exceptions          one row per group of breaches (cause, target, partner, signature)
    exception_items     the messages, groups or checks each exception counts, once each
"""

from __future__ import annotations

import logging

from omnihub.journey.database import UNAVAILABLE, JourneyDatabase, unavailable
from omnihub.journey.migrations import migrate

__all__ = ["MONITOR_MIGRATIONS", "MonitorTables", "ensure_monitor_schema"]

log = logging.getLogger("omnihub.monitor")

MONITOR_MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """
        CREATE TABLE edi_sent_groups (
            receiver_id      text        NOT NULL,
            functional_id    text        NOT NULL,
            control_number   bigint      NOT NULL,
            target           text        NOT NULL,
            interchange      text        NOT NULL,
            set_ids          text[]      NOT NULL,
            set_numbers      text[]      NOT NULL,
            message_id       text        NOT NULL,
            event            text        NOT NULL,
            business_key     text,
            sent_at          timestamptz NOT NULL,
            ack_status       text,
            acked_at         timestamptz,
            ack_findings     text,
            answered_at      timestamptz,
            PRIMARY KEY (receiver_id, functional_id, control_number)
        );
        CREATE INDEX edi_sent_groups_open ON edi_sent_groups (target, sent_at)
            WHERE acked_at IS NULL;

        CREATE TABLE exceptions (
            id             bigserial   PRIMARY KEY,
            group_key      text        NOT NULL,
            cause          text        NOT NULL,
            impact         smallint    NOT NULL,
            target         text        NOT NULL,
            partner        text        NOT NULL,
            signature      text        NOT NULL,
            detail         text        NOT NULL,
            action         text        NOT NULL,
            clears         boolean     NOT NULL,
            status         text        NOT NULL DEFAULT 'open',
            first_seen     timestamptz NOT NULL,
            last_seen      timestamptz NOT NULL,
            alerted_level  int         NOT NULL DEFAULT -1,
            acked_by       text,
            resolved_at    timestamptz,
            resolved_by    text,
            note           text
        );
        CREATE UNIQUE INDEX exceptions_live ON exceptions (group_key)
            WHERE status <> 'resolved';

        CREATE TABLE exception_items (
            exception_id bigint      NOT NULL REFERENCES exceptions (id) ON DELETE CASCADE,
            item         text        NOT NULL,
            business_key text,
            seen_at      timestamptz NOT NULL,
            PRIMARY KEY (exception_id, item)
        );
        """,
    ),
)


async def ensure_monitor_schema(database: JourneyDatabase) -> None:
    """Migrate the monitor's tables (the journey schema first, by `connect`)."""
    conn = await database.connect()
    try:
        async with conn:
            await migrate(conn, MONITOR_MIGRATIONS, "monitor_schema")
    except UNAVAILABLE as exc:
        raise unavailable(exc) from exc


class MonitorTables:
    """What reads or writes the monitor's tables: the database, migrated on first use."""

    def __init__(self, database: JourneyDatabase) -> None:
        self._db = database
        self._ready = False

    async def _schema(self) -> None:
        if not self._ready:
            await ensure_monitor_schema(self._db)
            self._ready = True
