"""The read side of the journey store: what every reader asks of it.

    get(id)                  one message's journey (partner-scoped when `partner` is given)
    by_trace(trace id)       the messages of one trace
    by_business_key(key)     the messages with that order number, ASN id, PO number...
    find(key)                any of the three, as `omnihub trace` and the admin API take it
    not_delivered(target, events, older_than)
                             accepted messages a target should have and has not confirmed
                             (what an SLA monitor watches)

`omnihub trace`, `GET /v1/messages/{id}` and the admin API read through this class; the
console and the SLA monitor are meant to as well. Lookups by id use the day in the
UUIDv7 id, so they touch one day's partitions. `StoreUnavailable` when PostgreSQL is
not there. Process insight (timings per route and target) is in `insights.py`.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec

from omnihub.journey.copy_text import MESSAGE_COLUMNS
from omnihub.journey.database import JourneyDatabase
from omnihub.journey.model import Journey, JourneyEntry, JourneyMeta, Stage
from omnihub.journey.retention import day_of, message_uuid

__all__ = ["JourneyQueries", "NotDelivered"]

_ENTRIES = """
SELECT message_id, at, stage, target, attempt, status, latency_ms, error, actor, detail
FROM journey_entries WHERE message_id = ANY(%s) AND day = ANY(%s)
"""
_NOT_DELIVERED = """
SELECT m.message_id, m.partner, m.route, m.event, m.business_key, m.received_at,
    (SELECT e.stage FROM journey_entries e
     WHERE e.message_id = m.message_id AND e.day = m.day AND e.class = m.class
       AND e.target = %(target)s AND e.stage <> 'attempt'
     ORDER BY e.at DESC LIMIT 1) AS last_stage,
    (SELECT count(*) FROM journey_entries e
     WHERE e.message_id = m.message_id AND e.day = m.day AND e.class = m.class
       AND e.target = %(target)s AND e.stage = 'attempt') AS attempts
FROM journey_messages m
WHERE m.received_at >= %(since)s AND m.received_at < %(before)s
  AND m.day BETWEEN %(first_day)s AND %(last_day)s
  AND m.event = ANY(%(events)s)
  AND (%(partner)s::text IS NULL OR m.partner = %(partner)s)
  AND NOT EXISTS (
    SELECT 1 FROM journey_entries d
    WHERE d.message_id = m.message_id AND d.day = m.day AND d.class = m.class
      AND d.target = %(target)s AND d.stage IN ('delivered', 'superseded'))
ORDER BY m.received_at
LIMIT %(limit)s
"""


class NotDelivered(msgspec.Struct, kw_only=True, frozen=True):
    """An accepted message its target has not confirmed (nor superseded) in time."""

    message_id: str
    partner: str
    route: str
    event: str
    business_key: str | None
    received_at: datetime
    attempts: int  # delivery attempts to the target so far
    last_stage: str | None  # the target's latest stage: retried, dead_lettered, ... or None


def _meta(row: Sequence[Any]) -> JourneyMeta:
    trace = row[3]
    return JourneyMeta(
        message_id=str(row[2]),
        partner=row[4],
        route=row[5],
        event=row[6],
        trace_id=trace.hex if trace is not None else "",
        business_key=row[7],
    )


def _gateway_entries(row: Sequence[Any]) -> list[JourneyEntry]:
    """The received and published entries the gateway keeps on the message row (none on
    a row only a worker has written, nor on one written before schema version 4)."""
    received_at, detail, published_at, confirm_ms = row[8], row[9], row[10], row[11]
    if published_at is None:
        return []
    return [
        JourneyEntry(at=received_at, stage=Stage.RECEIVED, detail=detail),
        JourneyEntry(
            at=published_at, stage=Stage.PUBLISHED, latency_ms=confirm_ms, detail="confirmed"
        ),
    ]


def _entry(row: Sequence[Any]) -> JourneyEntry:
    return JourneyEntry(
        at=row[1],
        stage=Stage(row[2]),
        target=row[3],
        attempt=row[4],
        status=row[5],
        latency_ms=row[6],
        error=row[7],
        actor=row[8],
        detail=row[9],
    )


class JourneyQueries:
    def __init__(self, database: JourneyDatabase) -> None:
        self._db = database

    async def _journeys(self, where: str, params: Sequence[Any]) -> list[Journey]:
        query = f"SELECT {MESSAGE_COLUMNS} FROM journey_messages WHERE {where}"
        async with self._db.reading() as conn:
            cur = await conn.execute(query.encode(), params)
            rows = await cur.fetchall()
            if not rows:
                return []
            ids = [r[2] for r in rows]
            days = sorted({r[1] for r in rows})
            cur = await conn.execute(_ENTRIES, (ids, days))
            entries = await cur.fetchall()
        by_id: dict[uuid.UUID, list[JourneyEntry]] = {r[2]: _gateway_entries(r) for r in rows}
        for e in entries:
            by_id[e[0]].append(_entry(e))
        journeys = [Journey(meta=_meta(r), entries=by_id[r[2]]) for r in rows]
        return sorted(journeys, key=lambda j: j.meta.message_id)

    async def get(self, message_id: str, *, partner: str | None = None) -> Journey | None:
        """One message's journey; None when unknown (or, with `partner`, not theirs)."""
        mid = message_uuid(message_id)
        if mid is None:
            return None
        where, params = "message_id = %s", list[Any]([mid])
        if mid[14] == "7":  # a UUIDv7: its day is in it
            where += " AND day = %s"
            params.append(day_of(mid))
        if partner is not None:
            where += " AND partner = %s"
            params.append(partner)
        found = await self._journeys(where, params)
        return found[0] if found else None

    async def by_trace(self, trace_id: str, *, partner: str | None = None) -> list[Journey]:
        try:
            trace = uuid.UUID(hex=trace_id)
        except ValueError:
            return []
        if partner is None:
            return await self._journeys("trace_id = %s", [trace])
        return await self._journeys("trace_id = %s AND partner = %s", [trace, partner])

    async def by_business_key(self, key: str, *, partner: str | None = None) -> list[Journey]:
        if partner is None:
            return await self._journeys("business_key = %s", [key])
        return await self._journeys("business_key = %s AND partner = %s", [key, partner])

    async def find(self, key: str, *, partner: str | None = None) -> list[Journey]:
        """Journeys for a message id, a trace id or a business key (tried in that order)."""
        one = await self.get(key, partner=partner)
        if one is not None:
            return [one]
        return await self.by_trace(key, partner=partner) or await self.by_business_key(
            key, partner=partner
        )

    async def not_delivered(
        self,
        target: str,
        events: Collection[str],
        *,
        older_than: timedelta,
        window: timedelta = timedelta(days=1),
        partner: str | None = None,
        limit: int = 100,
        now: datetime | None = None,
    ) -> list[NotDelivered]:
        """Messages of `events` received between `window` and `older_than` ago that
        `target` has not delivered (nor superseded), oldest first."""
        now = now or datetime.now(UTC)
        since, before = now - window, now - older_than
        first_day: date = (since - timedelta(days=1)).date()  # a UUIDv7 day is near its receipt
        params = {
            "target": target,
            "events": list(events),
            "since": since,
            "before": before,
            "first_day": first_day,
            "last_day": (before + timedelta(days=1)).date(),
            "partner": partner,
            "limit": limit,
        }
        async with self._db.reading() as conn:
            cur = await conn.execute(_NOT_DELIVERED, params)
            rows = await cur.fetchall()
        return [
            NotDelivered(
                message_id=str(r[0]),
                partner=r[1],
                route=r[2],
                event=r[3],
                business_key=r[4],
                received_at=r[5],
                last_stage=r[6],
                attempts=int(r[7]),
            )
            for r in rows
        ]
