"""The monitor's checks: each SLA of the configuration turned into the breaches it sees now.

delivery         accepted messages a delivery's target has not confirmed within the SLA
                 (journey store), classified by their last failed attempt
acknowledgement  groups sent to an EDI target without a 997/999 in time (late), or
                 whose 997/999 rejected sets (rejected, with the AK3/AK4/AK5 findings)
answer           documents sent with no expected answer from the partner in time
target           a breaker open too long (Redis), a DLQ deeper than allowed (broker)
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from redis.asyncio import Redis

from omnihub.config.model import HubConfig
from omnihub.config.sla import AcknowledgementSla, AnswerSla, DeliverySla, TargetSla
from omnihub.journey.database import JourneyDatabase
from omnihub.journey.queries import JourneyQueries
from omnihub.monitor.breaker_state import breaker_opened_at
from omnihub.monitor.classify import (
    Breach,
    Cause,
    Impact,
    breach_from_failure,
    impact_of_sets,
)
from omnihub.monitor.exceptions import ExceptionStore
from omnihub.monitor.sent_groups import SentGroupRecord, SentGroups
from omnihub.naming import Names

__all__ = ["Checks", "QueueDepth"]

QueueDepth = Callable[[str], Awaitable[int]]
NOT_DELIVERED_LIMIT = 10_000

_LAST_ATTEMPTS = """
SELECT DISTINCT ON (message_id) message_id, status, error
FROM journey_entries
WHERE message_id = ANY(%s) AND target = %s AND stage = 'attempt'
ORDER BY message_id, at DESC
"""
_UNANSWERED = """
SELECT g.receiver_id, g.functional_id, g.control_number, g.business_key, g.sent_at, g.set_ids
FROM edi_sent_groups g
WHERE g.target = %(target)s AND %(sent)s = ANY(g.set_ids) AND g.answered_at IS NULL
  AND g.sent_at < %(due)s AND g.sent_at >= %(since)s
  AND NOT EXISTS (
    SELECT 1 FROM journey_messages m
    WHERE m.partner = %(partner)s AND m.event = %(expect)s
      AND m.business_key = g.business_key AND m.received_at >= g.sent_at)
"""


class Checks:
    def __init__(
        self,
        config: HubConfig,
        database: JourneyDatabase,
        redis: Redis,
        names: Names,
        queue_depth: QueueDepth,
    ) -> None:
        self.config = config
        self._db = database
        self._queries = JourneyQueries(database)
        self._sent = SentGroups(database)
        self._exceptions = ExceptionStore(database)
        self._redis = redis
        self._names = names
        self._queue_depth = queue_depth

    async def run(self, now: datetime) -> list[Breach]:
        """Every breach seen now; raises when a source cannot be read (nothing clears)."""
        breaches: list[Breach] = []
        for sla in self.config.slas.values():
            if isinstance(sla, DeliverySla):
                breaches += await self.delivery(sla, now)
            elif isinstance(sla, AcknowledgementSla):
                breaches += await self.acknowledgement(sla, now)
            elif isinstance(sla, AnswerSla):
                breaches += await self.answer(sla, now)
            else:
                breaches += await self.target(sla, now)
        return breaches

    async def delivery(self, sla: DeliverySla, now: datetime) -> list[Breach]:
        delivery = self.config.deliveries[sla.delivery]
        late = await self._queries.not_delivered(
            delivery.target,
            delivery.events,
            older_than=sla.within,
            window=self.config.alerts.window,
            partner=sla.partner,
            limit=NOT_DELIVERED_LIMIT,
            now=now,
        )
        late = [m for m in late if m.last_stage != "discarded"]
        if not late:
            return []
        async with self._db.reading() as conn:
            cur = await conn.execute(
                _LAST_ATTEMPTS, ([uuid.UUID(m.message_id) for m in late], delivery.target)
            )
            last = {str(r[0]): (r[1], r[2]) for r in await cur.fetchall()}
        # Not attempted yet: waiting for a target that is down (its breaker open, or an
        # outage still open while the backlog drains), else simply late.
        down = await breaker_opened_at(
            self._redis, self._names, delivery.target
        ) is not None or await self._exceptions.is_open(Cause.TARGET_DOWN, delivery.target)
        breaches = []
        for m in late:
            status, error = last.get(m.message_id, (None, None))
            breaches.append(
                breach_from_failure(
                    target=delivery.target,
                    partner=m.partner,
                    message_id=m.message_id,
                    event=m.event,
                    business_key=m.business_key,
                    error=error,
                    status=status,
                    target_down=down,
                )
            )
        return breaches

    async def acknowledgement(self, sla: AcknowledgementSla, now: datetime) -> list[Breach]:
        late = await self._sent.unacknowledged(sla.target, now - sla.within)
        rejected = await self._sent.rejected(sla.target, now - self.config.alerts.window)
        within = _words(sla.within)
        out = [
            _group_breach(
                g,
                Cause.LATE_ACKNOWLEDGEMENT,
                f"no 997 within {within}",
                f"group {g.functional_id} {g.control_number} (ISA13 {g.interchange}, sets "
                f"{' '.join(g.set_ids)}) sent {g.sent_at:%Y-%m-%d %H:%M:%S}Z, "
                f"not acknowledged within {within}",
            )
            for g in late
        ]
        for g in rejected:
            out.append(
                _group_breach(
                    g,
                    Cause.REJECTED_ACKNOWLEDGEMENT,
                    f"997 {g.ack_status}",
                    f"group {g.functional_id} {g.control_number} (ISA13 {g.interchange}) "
                    f"acknowledged {g.ack_status}: {g.ack_findings}",
                    clears=False,
                )
            )
        return out

    async def answer(self, sla: AnswerSla, now: datetime) -> list[Breach]:
        params = {
            "target": sla.target,
            "sent": sla.sent,
            "due": now - sla.within,
            "since": now - self.config.alerts.window,
            "partner": sla.partner,
            "expect": sla.expect,
        }
        async with self._db.reading() as conn:
            cur = await conn.execute(_UNANSWERED, params)
            rows = await cur.fetchall()
        return [
            Breach(
                cause=Cause.MISSING_DOCUMENT,
                target=sla.target,
                partner=sla.partner,
                signature=f"no {sla.expect} after {sla.sent}",
                impact=impact_of_sets(tuple(set_ids)),
                item=f"{receiver}:{fid}:{number}",
                business_key=key,
                detail=f"{sla.sent} {key or ''} sent {sent_at:%Y-%m-%d %H:%M:%S}Z: no "
                f"{sla.expect} from {sla.partner} within {_words(sla.within)}",
            )
            for receiver, fid, number, key, sent_at, set_ids in rows
        ]

    async def target(self, sla: TargetSla, now: datetime) -> list[Breach]:
        out = []
        if sla.breaker_open is not None:
            opened = await breaker_opened_at(self._redis, self._names, sla.target)
            if opened is not None and now - opened > sla.breaker_open:
                out.append(
                    Breach(
                        cause=Cause.TARGET_DOWN,
                        target=sla.target,
                        partner="*",
                        signature="target down",
                        impact=Impact.MASTER_DATA,
                        item=f"breaker:{sla.target}",
                        detail=f"breaker open since {opened:%Y-%m-%d %H:%M:%S}Z "
                        f"(more than {_words(sla.breaker_open)})",
                    )
                )
        if sla.dlq is not None:
            depth = await self._queue_depth(self._names.dead_letter_queue(sla.target))
            if depth > sla.dlq:
                out.append(
                    Breach(
                        cause=Cause.DEAD_LETTERS,
                        target=sla.target,
                        partner="*",
                        signature=f"more than {sla.dlq} dead letters",
                        impact=Impact.MASTER_DATA,
                        item=f"dlq:{sla.target}",
                        detail=f"{depth} messages in the dead-letter queue (limit {sla.dlq})",
                    )
                )
        return out


def _group_breach(
    g: SentGroupRecord, cause: Cause, signature: str, detail: str, *, clears: bool = True
) -> Breach:
    return Breach(
        cause=cause,
        target=g.target,
        partner=g.receiver_id,
        signature=signature,
        impact=impact_of_sets(g.set_ids),
        item=f"{g.receiver_id}:{g.functional_id}:{g.control_number}",
        business_key=g.business_key,
        detail=detail,
        clears=clears,
    )


def _words(d: timedelta) -> str:
    seconds = d.total_seconds()
    for unit, size in (("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
