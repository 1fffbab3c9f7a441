"""Write each attempt and its outcome into the message's journey (Redis).

    attempt n (status, latency, error)  then  delivered | retried | dead_lettered
    superseded                          a stale snapshot, not sent (no attempt)

Journey writes never fail a delivery: a failed write is logged and counted by the store.
The first attempt also writes the message's identity (``JourneyMeta``, from the envelope),
so a journey is found by id, trace or business key even when the gateway wrote none.
Requeued messages (a crash) and returned probes get only their attempt entry.
"""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.job import Ack, DeadLetter, Job, Retry, Superseded
from connectors.middleware.base import Middleware
from omnihub.journey import JourneyEntry, JourneyMeta, JourneyStore, Stage

__all__ = ["Journeys"]


class Journeys(Middleware):
    def __init__(self, target: str, store: JourneyStore) -> None:
        self.target = target
        self.store = store

    async def after_settle(self, job: Job) -> None:
        if job.envelope is None:
            return
        if isinstance(job.decision, Superseded):
            entry = JourneyEntry(
                at=datetime.now(UTC),
                stage=Stage.SUPERSEDED,
                target=self.target,
                detail=job.decision.reason[:300],
            )
            await self._write(job, entry)
            return
        failure = job.failure
        delivered = job.delivered
        if failure is not None:
            status, latency = failure.status, failure.latency_ms
        else:
            status = delivered.status if delivered else None
            latency = delivered.latency_ms if delivered else 0
        entries = [
            JourneyEntry(
                at=job.started_at,
                stage=Stage.ATTEMPT,
                target=self.target,
                attempt=job.attempt,
                status=status,
                latency_ms=float(latency),
                error=f"{failure.error_class}: {failure.reason}"[:300] if failure else None,
                detail="breaker probe" if job.probe else None,
            )
        ]
        now = datetime.now(UTC)
        decision = job.decision
        if isinstance(decision, Ack):
            detail = job.delivered.reference if job.delivered else "nothing to deliver"
            entries.append(
                JourneyEntry(at=now, stage=Stage.DELIVERED, target=self.target, detail=detail)
            )
        elif isinstance(decision, Retry):
            entries.append(
                JourneyEntry(
                    at=now,
                    stage=Stage.RETRIED,
                    target=self.target,
                    attempt=job.attempt,
                    detail=f"next attempt in {decision.delay.total_seconds():.3f}s",
                )
            )
        elif isinstance(decision, DeadLetter):
            entries.append(
                JourneyEntry(
                    at=now,
                    stage=Stage.DEAD_LETTERED,
                    target=self.target,
                    error=decision.reason[:300],
                )
            )
        await self._write(job, *entries)

    async def _write(self, job: Job, *entries: JourneyEntry) -> None:
        env = job.envelope
        assert env is not None
        if job.attempt == 1 and not job.probe:
            meta = JourneyMeta(
                message_id=env.id,
                partner=env.partner,
                route=env.route,
                event=env.event,
                trace_id=env.trace_id,
                business_key=env.business_key,
            )
            await self.store.start(meta, *entries)  # the same meta the gateway may have written
        else:
            await self.store.record(env.id, *entries)
