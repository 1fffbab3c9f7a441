"""A target's dead letters as the journey store knows them: one query for the list, the
count of all that match a filter and the count of every one parked (what
`parked.list_parked` compares with the queue's depth).

A message is parked in target T's DLQ when a `dead_lettered` entry names that queue
(its detail is the queue's name, so hubs of other prefixes sharing the journey database
keep apart) and its latest entry for T (attempts aside) is `dead_lettered`: a later
`replayed`, `discarded`, `delivered`, `retried` or `superseded` entry means it left.
Ties in time go to the stage of higher precedence, as in the timeline. Its cause is
the `dead_lettered` entry's error, the worker's reason: the error class first
(``RejectedByTarget: erp answered 422``), or after ``gave up after N attempts:`` when
the retries ran out (`connectors/middleware/retries.py`).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import msgspec

from omnihub.journey import JourneyDatabase
from omnihub.journey.model import PRECEDENCE
from omnihub.journey.retention import message_uuid
from omnihub.replay.dlq import DeadLetter, DeadLetterFilter

__all__ = ["JourneyDeadLetters", "Parked", "error_class", "parked_from_queue", "query_parked"]

_NO_MESSAGE = "00000000-0000-0000-0000-000000000000"
_STAGES_BY_PRECEDENCE = [stage.value for stage in sorted(PRECEDENCE, key=PRECEDENCE.__getitem__)]
# the error class in a worker's dead-letter reason (and its Python twin, `error_class`)
_CLASS_SQL = r"^(?:gave up after [0-9]+ attempts: )?([A-Za-z_][A-Za-z0-9_]*):"
_CLASS = re.compile(_CLASS_SQL)

_PARKED = """
WITH dead AS (
    SELECT DISTINCT class, day, message_id FROM journey_entries
    WHERE detail = %(queue)s AND stage = 'dead_lettered'
), latest AS (
    SELECT DISTINCT ON (e.message_id) e.class, e.day, e.message_id, e.stage, e.at, e.error
    FROM journey_entries e JOIN dead USING (class, day, message_id)
    WHERE e.target = %(target)s AND e.stage <> 'attempt'
    ORDER BY e.message_id, e.at DESC, array_position(%(precedence)s::text[], e.stage) DESC
), parked AS (
    SELECT m.class, m.day, m.message_id, m.event, m.route, m.partner, m.business_key,
        m.received_at, l.at AS dead_at, l.error
    FROM latest l JOIN journey_messages m USING (class, day, message_id)
    WHERE l.stage = 'dead_lettered'
), matching AS (
    SELECT * FROM parked
    WHERE (%(ids)s::uuid[] IS NULL OR message_id = ANY(%(ids)s::uuid[]))
      AND (%(partners)s::text[] IS NULL OR partner = ANY(%(partners)s::text[]))
      AND (%(routes)s::text[] IS NULL OR route = ANY(%(routes)s::text[]))
      AND (%(errors)s::text[] IS NULL
           OR coalesce(substring(error FROM %(class_re)s), '') = ANY(%(errors)s::text[]))
      AND (%(since)s::timestamptz IS NULL OR dead_at >= %(since)s::timestamptz)
      AND (%(until)s::timestamptz IS NULL OR dead_at < %(until)s::timestamptz)
)
SELECT (SELECT count(*) FROM parked), (SELECT count(*) FROM matching),
    r.message_id, r.event, r.route, r.partner, r.business_key, r.received_at, r.dead_at,
    r.error, r.attempts
FROM (SELECT 1) AS one LEFT JOIN LATERAL (
    SELECT p.*, (
        SELECT count(*) FROM journey_entries a
        WHERE a.message_id = p.message_id AND a.day = p.day AND a.class = p.class
          AND a.target = %(target)s AND a.stage = 'attempt') AS attempts
    FROM matching p ORDER BY p.dead_at, p.message_id LIMIT %(limit)s
) AS r ON true
"""


class Parked(msgspec.Struct, kw_only=True, frozen=True):
    """One dead letter as the console lists it (from the journey store or the queue)."""

    message_id: str
    target: str
    event: str
    route: str
    partner: str
    business_key: str | None
    received_at: datetime
    dead_at: datetime
    error: str | None  # the error class, e.g. RejectedByTarget
    reason: str | None  # the worker's reason
    attempts: int  # delivery attempts to the target


class JourneyDeadLetters(msgspec.Struct, kw_only=True, frozen=True):
    total: int  # every message the journey store says is parked in the target's DLQ
    matching: int  # those the filter matches
    items: list[Parked]  # the first `limit` of those, oldest dead letter first


def error_class(reason: str | None) -> str | None:
    """The error class a worker's dead-letter reason starts with (None when it has none)."""
    found = _CLASS.match(reason or "")
    return found.group(1) if found else None


def parked_from_queue(item: DeadLetter) -> Parked:
    """A message read from the queue itself, as the list shows it."""
    return Parked(
        message_id=item.message_id,
        target=item.target,
        event=item.event,
        route=item.route,
        partner=item.partner,
        business_key=item.business_key,
        received_at=item.received_at,
        dead_at=item.dead_at or item.received_at,
        error=item.error,
        reason=item.reason,
        attempts=len(item.attempts),
    )


def _many(values: frozenset[str]) -> list[str] | None:
    return sorted(values) if values else None


async def query_parked(
    database: JourneyDatabase,
    queue: str,
    target: str,
    selection: DeadLetterFilter | None = None,
    *,
    limit: int | None = None,
) -> JourneyDeadLetters:
    """What the journey store says is parked in `queue`, the DLQ of `target` (`limit`
    None: every row)."""
    selection = selection or DeadLetterFilter()
    ids: list[str] | None = None
    if selection.message_ids:
        ids = [u for u in map(message_uuid, sorted(selection.message_ids)) if u] or [_NO_MESSAGE]
    params: dict[str, Any] = {
        "queue": queue,
        "target": target,
        "precedence": _STAGES_BY_PRECEDENCE,
        "class_re": _CLASS_SQL,
        "ids": ids,
        "partners": _many(selection.partners),
        "routes": _many(selection.routes),
        "errors": _many(selection.errors),
        "since": selection.since,
        "until": selection.until,
        "limit": limit,
    }
    async with database.reading() as conn:
        cur = await conn.execute(_PARKED, params)
        rows = await cur.fetchall()
    total, matching = int(rows[0][0]), int(rows[0][1])
    items = [
        Parked(
            message_id=str(r[2]),
            target=target,
            event=r[3],
            route=r[4],
            partner=r[5],
            business_key=r[6],
            received_at=r[7],
            dead_at=r[8],
            error=error_class(r[9]),
            reason=r[9],
            attempts=int(r[10]),
        )
        for r in rows
        if r[2] is not None
    ]
    return JourneyDeadLetters(total=total, matching=matching, items=items)
