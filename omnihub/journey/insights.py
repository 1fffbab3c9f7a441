"""Process insight from the journey store: per route, target and hour, how long messages
took from their publish to the target's confirmation (p50/p95/p99), how many were
delivered, dead-lettered and retried, and where the time went.

Stages of a delivered message (averages, milliseconds):

    edge      received -> published (the publish went out; its confirm follows)
    queue     published -> first attempt to the target (the broker's confirm overlaps it)
    retries   first attempt -> the attempt that delivered (0 when the first did)
    target    the delivering attempt's own latency

`slowest_stage` names the stage with the largest average. Read by `omnihub insights` and
``GET /admin/insights``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from omnihub.journey.database import JourneyDatabase

__all__ = ["STAGES", "Insight", "insights"]

STAGES = ("edge", "queue", "retries", "target")

_INSIGHTS = """
WITH m AS (
    SELECT class, day, message_id, route, received_at, published_at FROM journey_messages
    WHERE received_at >= %(since)s AND received_at < %(until)s
      AND day BETWEEN %(first_day)s AND %(last_day)s
      AND (%(route)s::text IS NULL OR route = %(route)s)
), e AS (
    SELECT e.message_id, e.target, e.stage, e.at, e.status, e.latency_ms
    FROM journey_entries e JOIN m USING (class, day, message_id)
), accepted AS (  -- published: on the message row (schema 4), or an entry (before)
    SELECT m.message_id, coalesce(m.published_at, min(e.at)) AS at
    FROM m LEFT JOIN e ON e.message_id = m.message_id AND e.stage = 'published'
    GROUP BY m.message_id, m.published_at
), per AS (
    SELECT message_id, target,
        min(at) FILTER (WHERE stage = 'attempt') AS first_attempt,
        min(at) FILTER (WHERE stage = 'delivered') AS delivered_at,
        bool_or(stage = 'retried') AS retried,
        bool_or(stage = 'dead_lettered') AS dead
    FROM e WHERE target IS NOT NULL
      AND (%(target)s::text IS NULL OR target = %(target)s)
    GROUP BY message_id, target
), delivering AS (
    SELECT DISTINCT ON (message_id, target) message_id, target, at, latency_ms
    FROM e WHERE stage = 'attempt' AND status BETWEEN 200 AND 299
    ORDER BY message_id, target, at DESC
), timed AS (
    SELECT m.route, p.target, date_trunc('hour', m.received_at) AS hour, p.retried, p.dead,
        p.delivered_at IS NOT NULL AS delivered,
        extract(epoch FROM p.delivered_at - coalesce(a.at, m.received_at)) * 1000 AS total_ms,
        extract(epoch FROM a.at - m.received_at) * 1000 AS edge_ms,
        extract(epoch FROM p.first_attempt - coalesce(a.at, m.received_at)) * 1000 AS queue_ms,
        extract(epoch FROM d.at - p.first_attempt) * 1000 AS retries_ms,
        d.latency_ms AS target_ms
    FROM per p JOIN m USING (message_id)
    LEFT JOIN accepted a USING (message_id)
    LEFT JOIN delivering d USING (message_id, target)
)
SELECT route, target, hour, count(*), count(*) FILTER (WHERE delivered),
    count(*) FILTER (WHERE dead), count(*) FILTER (WHERE retried),
    percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY total_ms),
    avg(edge_ms) FILTER (WHERE delivered), avg(queue_ms) FILTER (WHERE delivered),
    avg(retries_ms) FILTER (WHERE delivered), avg(target_ms) FILTER (WHERE delivered)
FROM timed GROUP BY route, target, hour ORDER BY hour, route, target
"""


class Insight(msgspec.Struct, kw_only=True, frozen=True):
    route: str
    target: str
    hour: datetime  # start of the hour (UTC) the messages were received in
    messages: int  # messages of the route the target had to deliver
    delivered: int
    dead_lettered: int
    retried: int  # messages that needed at least one retry
    success_rate: float  # delivered / messages
    retry_rate: float  # retried / messages
    p50_ms: float | None  # 202 -> delivered
    p95_ms: float | None
    p99_ms: float | None
    stages_ms: dict[str, float | None]  # average of each stage, delivered messages
    slowest_stage: str | None


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _insight(row: tuple[Any, ...]) -> Insight:
    route, target, hour, messages, delivered, dead, retried, pcts, *stage_avgs = row
    stages = {name: _round(v) for name, v in zip(STAGES, stage_avgs, strict=True)}
    known = {k: v for k, v in stages.items() if v is not None}
    p50, p95, p99 = pcts if pcts is not None else (None, None, None)
    return Insight(
        route=route,
        target=target,
        hour=hour.astimezone(UTC),
        messages=messages,
        delivered=delivered,
        dead_lettered=dead,
        retried=retried,
        success_rate=round(delivered / messages, 4) if messages else 0.0,
        retry_rate=round(retried / messages, 4) if messages else 0.0,
        p50_ms=_round(p50),
        p95_ms=_round(p95),
        p99_ms=_round(p99),
        stages_ms=stages,
        slowest_stage=max(known, key=lambda k: known[k]) if known else None,
    )


async def insights(
    database: JourneyDatabase,
    since: datetime,
    until: datetime,
    *,
    route: str | None = None,
    target: str | None = None,
) -> list[Insight]:
    """One `Insight` per route, target and hour of messages received in [since, until)."""
    params = {
        "since": since,
        "until": until,
        "first_day": (since - timedelta(days=1)).date(),
        "last_day": (until + timedelta(days=1)).date(),
        "route": route,
        "target": target,
    }
    async with database.reading() as conn:
        cur = await conn.execute(_INSIGHTS, params)
        return [_insight(tuple(r)) for r in await cur.fetchall()]
