"""compute_backoff and retry_delay: pure arithmetic of the retry policy."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from connectors import compute_backoff, retry_delay
from omnihub.config import Duration, RetryPolicy


def policy(**overrides: object) -> RetryPolicy:
    fields: dict[str, object] = {
        "attempts": 5,
        "initial_delay": Duration(seconds=1),
        "max_delay": Duration(seconds=30),
        "multiplier": 2.0,
        "jitter": 0.0,
        "retry_after_cap": Duration(seconds=60),
    }
    fields.update(overrides)
    return RetryPolicy(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("attempt", "seconds"), [(1, 1), (2, 2), (3, 4), (4, 8), (5, 16)])
def test_without_jitter_the_delay_doubles_from_the_initial_delay(
    attempt: int, seconds: int
) -> None:
    assert compute_backoff(attempt, policy(), random.Random(1)) == timedelta(seconds=seconds)


def test_the_delay_never_exceeds_max_delay() -> None:
    assert compute_backoff(10, policy(), random.Random(1)) == timedelta(seconds=30)
    assert compute_backoff(10_000, policy(jitter=1.0), random.Random(1)) <= timedelta(seconds=30)


def test_jitter_spreads_within_its_share_of_the_delay() -> None:
    rng = random.Random(7)
    delays = [compute_backoff(3, policy(jitter=0.25), rng).total_seconds() for _ in range(500)]
    assert min(delays) >= 3.0 and max(delays) <= 5.0
    assert max(delays) - min(delays) > 1.5  # it does spread


def test_the_same_seed_gives_the_same_delays() -> None:
    a = [compute_backoff(n, policy(jitter=0.5), random.Random(42)) for n in range(1, 6)]
    b = [compute_backoff(n, policy(jitter=0.5), random.Random(42)) for n in range(1, 6)]
    assert a == b


def test_retry_numbers_start_at_one() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        compute_backoff(0, policy(), random.Random(1))


def test_a_longer_retry_after_is_honoured() -> None:
    delay = retry_delay(1, policy(), random.Random(1), timedelta(seconds=20))
    assert delay == timedelta(seconds=20)


def test_retry_after_is_capped() -> None:
    delay = retry_delay(1, policy(), random.Random(1), timedelta(hours=2))
    assert delay == timedelta(seconds=60)


def test_a_shorter_retry_after_does_not_shorten_the_backoff() -> None:
    delay = retry_delay(4, policy(), random.Random(1), timedelta(seconds=1))
    assert delay == timedelta(seconds=8)
