"""The circuit breaker's state machine, with a fake clock."""

from __future__ import annotations

from connectors import BreakerState, CircuitBreaker
from omnihub.config import Duration
from omnihub.config.model import BreakerPolicy


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def breaker(clock: Clock) -> CircuitBreaker:
    return CircuitBreaker(BreakerPolicy(failures=3, cool_down=Duration(seconds=10)), clock)


def test_it_opens_after_n_consecutive_transient_failures() -> None:
    b = breaker(Clock())
    assert b.record_failure() is None
    assert b.record_failure() is None
    assert b.record_failure() is BreakerState.OPEN
    assert b.state is BreakerState.OPEN


def test_a_success_resets_the_count() -> None:
    b = breaker(Clock())
    b.record_failure()
    b.record_failure()
    b.record_success()
    b.record_failure()
    assert b.state is BreakerState.CLOSED


def test_a_probe_is_due_only_after_the_cool_down() -> None:
    clock = Clock()
    b = breaker(clock)
    for _ in range(3):
        b.record_failure()
    clock.now += 9.9
    assert not b.probe_due()
    assert 0 < b.seconds_until_probe() <= 0.1 + 1e-9
    clock.now += 0.1
    assert b.probe_due()


def test_a_failed_probe_opens_it_again_for_another_cool_down() -> None:
    clock = Clock()
    b = breaker(clock)
    for _ in range(3):
        b.record_failure()
    clock.now += 10
    b.begin_probe()
    assert b.state is BreakerState.HALF_OPEN
    assert b.record_failure() is BreakerState.OPEN
    assert not b.probe_due()
    assert b.times_opened == 2


def test_a_successful_probe_closes_it() -> None:
    clock = Clock()
    b = breaker(clock)
    for _ in range(3):
        b.record_failure()
    clock.now += 10
    b.begin_probe()
    assert b.record_success() is BreakerState.CLOSED
    assert b.snapshot().consecutive_failures == 0
