"""Write each attempt and its outcome into the message's journey (the journey store).

    attempt n (status, latency, error)  then  delivered | retried | dead_lettered
    dead_lettered                       its detail names the DLQ (the console's list
                                        of a queue's dead letters reads it)
    superseded                          a stale snapshot, not sent (no attempt)

Journey writes never fail nor slow a delivery: the store buffers them and writes in the
background; what its bounded buffer cannot hold is counted and logged.
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
    def __init__(self, target: str, store: JourneyStore, dead_letter_queue: str) -> None:
        self.target = target
        self.store = store
        self.dead_letter_queue = dead_letter_queue

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
            self._write(job, entry)
            return
        failure = job.failure
        delivered = job.delivered
        latency: int | None
        if failure is not None:
            status, latency = failure.status, failure.latency_ms
        else:
            status = delivered.status if delivered else None
            latency = delivered.latency_ms if delivered else None
        entries = [
            JourneyEntry(
                at=job.started_at,
                stage=Stage.ATTEMPT,
                target=self.target,
                attempt=job.attempt,
                status=status,
                latency_ms=None if latency is None else float(latency),
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
                    detail=self.dead_letter_queue,
                )
            )
        self._write(job, *entries)

    def _write(self, job: Job, *entries: JourneyEntry) -> None:
        """Hand the entries to the store's writer (buffered: never waits, never raises)."""
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
            # the same identity the gateway may have written (stored once)
            self.store.started(meta, list(entries), env.received_at)
        else:
            self.store.record(env.id, env.event, list(entries))
