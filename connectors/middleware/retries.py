"""Decide where a message goes after an attempt: the retry policy applied.

delivered / nothing to deliver      -> Ack
permanent failure                   -> DeadLetter at once, with the reason
transient failure, retries left     -> Retry in the rung for the backoff delay
                                       (the target's Retry-After honoured up to its cap)
transient failure, no retries left  -> DeadLetter ("gave up after N attempts")
unexpected error (a bug)            -> Requeue: the queue's delivery limit is the guard
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from connectors.backoff import retry_delay
from connectors.job import Ack, DeadLetter, Decision, Job, Requeue, Retry
from connectors.middleware.base import Middleware
from connectors.outcome import TransientFailure
from omnihub.broker.topology import rung_for_delay
from omnihub.config.model import Lane, RetryPolicy

__all__ = ["Retries"]


class Retries(Middleware):
    def __init__(
        self,
        policy_of: Callable[[str], RetryPolicy],
        rungs: dict[Lane, range],
        rng: random.Random | None = None,
    ) -> None:
        self._policy_of = policy_of
        self._rungs = rungs
        self._rng = rng if rng is not None else random.Random()

    async def after_attempt(self, job: Job) -> None:
        job.decision = self.decide(job)

    def decide(self, job: Job) -> Decision:
        if job.crash is not None:
            return Requeue(f"unexpected error: {type(job.crash).__name__}: {job.crash}")
        failure = job.failure
        if failure is None:
            return Ack()
        if not isinstance(failure, TransientFailure):
            return DeadLetter(f"{failure.error_class}: {failure.reason}")
        policy = self._policy_of(job.delivery_id or "")
        rungs = self._rungs.get(job.lane, range(0))
        if job.retries >= policy.attempts or not len(rungs):
            return DeadLetter(
                f"gave up after {job.attempt} attempts: {failure.error_class}: {failure.reason}"
            )
        retry_after = (
            timedelta(seconds=failure.retry_after_s) if failure.retry_after_s is not None else None
        )
        delay = retry_delay(job.retries + 1, policy, self._rng, retry_after)
        return Retry(delay=delay, rung=rung_for_delay(delay, rungs))
