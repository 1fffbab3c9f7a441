"""Append the attempt just made to the job's history (carried on in the headers)."""

from __future__ import annotations

from connectors.job import Job
from connectors.middleware.base import Middleware
from connectors.outcome import TransientFailure
from omnihub.history import AttemptRecord, Outcome

__all__ = ["AttemptHistory"]


class AttemptHistory(Middleware):
    async def after_attempt(self, job: Job) -> None:
        job.history.append(record_of(job))


def record_of(job: Job) -> AttemptRecord:
    failure = job.failure
    if job.crash is not None:
        return AttemptRecord(
            n=job.attempt,
            at=job.started_at,
            outcome="crashed",
            error=type(job.crash).__name__,
            excerpt=str(job.crash)[:200],
        )
    if failure is None:
        delivered = job.delivered
        return AttemptRecord(
            n=job.attempt,
            at=job.started_at,
            outcome="delivered" if delivered is not None else "skipped",
            status=delivered.status if delivered else None,
            latency_ms=delivered.latency_ms if delivered else 0,
            reference=delivered.reference if delivered else None,
        )
    outcome: Outcome = "permanent"
    if isinstance(failure, TransientFailure):
        outcome = "probe_failed" if job.probe else "transient"
    return AttemptRecord(
        n=job.attempt,
        at=job.started_at,
        outcome=outcome,
        status=failure.status,
        error=failure.error_class,
        latency_ms=failure.latency_ms,
        excerpt=failure.excerpt or failure.reason[:200],
    )
