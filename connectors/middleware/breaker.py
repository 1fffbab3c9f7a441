"""Feed every attempt's outcome to the target's circuit breaker; pause and resume.

A transient failure counts against the target; a delivery, or any definite answer of the
target (a 4xx), counts for it. Pipeline, message and Redis errors say nothing about the
target and are not counted. When the breaker opens, consumption pauses; a probe that fails
goes back to its lane without spending a retry (the target, not the message, is the
problem); a probe that succeeds closes the breaker and consumption resumes.
"""

from __future__ import annotations

import logging
from typing import Protocol

from connectors.breaker import BreakerState, CircuitBreaker
from connectors.job import Job, ReturnToLane
from connectors.middleware.base import Middleware
from connectors.outcome import (
    MappingFailed,
    StateUnavailable,
    TransientFailure,
    UndeliverableMessage,
)

__all__ = ["BreakerMiddleware", "Consumption"]

log = logging.getLogger("omnihub.worker.breaker")


class Consumption(Protocol):
    """What the breaker needs of the worker."""

    async def pause(self, reason: str) -> None: ...

    async def resume(self, reason: str) -> None: ...


class BreakerMiddleware(Middleware):
    def __init__(self, target: str, breaker: CircuitBreaker, consumption: Consumption) -> None:
        self.target = target
        self.breaker = breaker
        self.consumption = consumption

    async def after_attempt(self, job: Job) -> None:
        failure = job.failure
        if job.crash is not None or isinstance(
            failure, MappingFailed | UndeliverableMessage | StateUnavailable
        ):
            return
        if isinstance(failure, TransientFailure):
            changed = self.breaker.record_failure()
            if job.probe:
                job.decision = ReturnToLane(f"breaker probe failed: {failure.reason}")
            if changed is BreakerState.OPEN:
                cool = self.breaker.policy.cool_down.total_seconds()
                reason = (
                    f"probe failed ({failure.error_class})"
                    if job.probe
                    else f"{self.breaker.consecutive_failures} consecutive transient failures"
                )
                log.warning(
                    "breaker for %s OPEN: %s, last: %s; consumption paused, probing in %.1fs",
                    self.target,
                    reason,
                    failure.reason,
                    cool,
                )
                await self.consumption.pause(f"breaker open: {reason}")
            return
        if self.breaker.record_success() is BreakerState.CLOSED:
            log.warning("breaker for %s CLOSED: the target answered; consuming again", self.target)
            await self.consumption.resume("breaker closed")
