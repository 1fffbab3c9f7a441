"""A circuit breaker per target, as a small state machine with an injectable clock.

    CLOSED --N consecutive transient failures--> OPEN --cool-down elapsed--> HALF_OPEN
    HALF_OPEN --probe delivered (or the target answered)--> CLOSED
    HALF_OPEN --probe failed transiently--> OPEN (cool-down again)

While OPEN the worker does not consume: messages wait in the queue with the retries they
have left. The worker drives it: ``record_*`` after every attempt, ``probe_due`` /
``begin_probe`` from its probe loop. Transitions are returned so the caller can log and
count them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum

import msgspec

from omnihub.config.model import BreakerPolicy

__all__ = ["BreakerSnapshot", "BreakerState", "CircuitBreaker"]


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class BreakerSnapshot(msgspec.Struct, frozen=True, kw_only=True):
    """What the health endpoint shows."""

    state: BreakerState
    consecutive_failures: int
    threshold: int
    cool_down_s: float
    opened_for_s: float | None  # seconds since it (last) opened, while not closed
    times_opened: int


class CircuitBreaker:
    def __init__(self, policy: BreakerPolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self._clock = clock
        self.state = BreakerState.CLOSED
        self.consecutive_failures = 0
        self.opened_at: float | None = None
        self.times_opened = 0

    def record_success(self) -> BreakerState | None:
        """The target answered (2xx, or a definite 4xx): close. Returns the new state if changed."""
        self.consecutive_failures = 0
        if self.state is BreakerState.CLOSED:
            return None
        self.state, self.opened_at = BreakerState.CLOSED, None
        return self.state

    def record_failure(self) -> BreakerState | None:
        """A transient failure. Returns OPEN when this one opens (or re-opens) the breaker."""
        self.consecutive_failures += 1
        if self.state is BreakerState.HALF_OPEN or (
            self.state is BreakerState.CLOSED and self.consecutive_failures >= self.policy.failures
        ):
            self.state, self.opened_at = BreakerState.OPEN, self._clock()
            self.times_opened += 1
            return self.state
        return None

    def probe_due(self) -> bool:
        return (
            self.state is BreakerState.OPEN
            and self.opened_at is not None
            and self._clock() - self.opened_at >= self.policy.cool_down.total_seconds()
        )

    def seconds_until_probe(self) -> float:
        if self.state is not BreakerState.OPEN or self.opened_at is None:
            return 0.0
        return max(0.0, self.policy.cool_down.total_seconds() - (self._clock() - self.opened_at))

    def begin_probe(self) -> None:
        if self.state is BreakerState.OPEN:
            self.state = BreakerState.HALF_OPEN

    def snapshot(self) -> BreakerSnapshot:
        return BreakerSnapshot(
            state=self.state,
            consecutive_failures=self.consecutive_failures,
            threshold=self.policy.failures,
            cool_down_s=self.policy.cool_down.total_seconds(),
            opened_for_s=None if self.opened_at is None else self._clock() - self.opened_at,
            times_opened=self.times_opened,
        )
