"""decide_failure: which request fails, with which status and Retry-After (no sockets)."""

from __future__ import annotations

from sandbox.failures import decide_failure, failure_answer
from sandbox.models import FailureMode
from sandbox.state import SystemState


def system_with(mode: FailureMode) -> SystemState:
    state = SystemState("erp")
    state.set_mode(mode)
    return state


def statuses(state: SystemState, n: int) -> list[int | None]:
    return [(f.status if (f := decide_failure(state)) else None) for _ in range(n)]


def test_normal_mode_never_fails() -> None:
    assert statuses(system_with(FailureMode()), 5) == [None] * 5


def test_fail_next_counts_down_then_stops() -> None:
    state = system_with(FailureMode(fail_next=2))

    assert statuses(state, 4) == [503, 503, None, None]
    assert state.fail_next_remaining == 0


def test_fixed_status_without_fail_next_is_permanent() -> None:
    assert statuses(system_with(FailureMode(fixed_status=500)), 3) == [500, 500, 500]


def test_fixed_status_with_fail_next_only_for_those_requests() -> None:
    assert statuses(system_with(FailureMode(fixed_status=429, fail_next=1)), 2) == [429, None]


def test_retry_after_comes_with_503_from_fail_next() -> None:
    failure = decide_failure(system_with(FailureMode(fail_next=1, retry_after_s=3)))

    assert failure is not None
    assert dict(failure_answer("erp", failure).headers) == {"Retry-After": "3"}


def test_error_rate_one_always_fails_with_500_or_503() -> None:
    assert set(statuses(system_with(FailureMode(error_rate=1.0, seed=1)), 50)) == {500, 503}


def test_error_rate_uses_fixed_status_when_set() -> None:
    state = system_with(FailureMode(error_rate=1.0, fixed_status=502))

    assert set(statuses(state, 10)) == {502}


def test_error_rate_with_fixed_status_fails_only_that_share_of_requests() -> None:
    got = statuses(system_with(FailureMode(error_rate=0.1, fixed_status=500, seed=19)), 1000)

    assert set(got) == {500, None}
    assert 50 < got.count(500) < 150


def test_same_seed_gives_same_sequence() -> None:
    mode = FailureMode(error_rate=0.3, seed=99)

    assert statuses(system_with(mode), 30) == statuses(system_with(mode), 30)


def test_setting_a_mode_resets_the_remaining_failures() -> None:
    state = system_with(FailureMode(fail_next=1))
    decide_failure(state)
    state.set_mode(FailureMode(fail_next=2))

    assert state.fail_next_remaining == 2
