"""How long to wait before a retry: pure functions of the attempt and the retry policy.

``compute_backoff`` is exponential with jitter; ``retry_delay`` adds a target's
``Retry-After`` (honoured up to the policy's cap). Both take the random source as an
argument, so tests (and anyone reasoning about the numbers) get repeatable answers.
"""

from __future__ import annotations

import random
from datetime import timedelta

from omnihub.config.model import RetryPolicy

__all__ = ["compute_backoff", "retry_delay"]


def compute_backoff(attempt: int, policy: RetryPolicy, rng: random.Random) -> timedelta:
    """The delay before retry number ``attempt`` (1 = the first retry).

    ``initial_delay * multiplier ** (attempt - 1)``, capped at ``max_delay``, then spread
    by up to ``± jitter`` of itself (uniformly) and kept within ``[0, max_delay]``.
    """
    if attempt < 1:
        raise ValueError(f"retry numbers start at 1, got {attempt}")
    initial = policy.initial_delay.total_seconds()
    ceiling = policy.max_delay.total_seconds()
    try:
        base = min(ceiling, initial * policy.multiplier ** (attempt - 1))
    except OverflowError:
        base = ceiling
    spread = base * policy.jitter * (2.0 * rng.random() - 1.0)
    return timedelta(seconds=min(ceiling, max(0.0, base + spread)))


def retry_delay(
    attempt: int,
    policy: RetryPolicy,
    rng: random.Random,
    retry_after: timedelta | None = None,
) -> timedelta:
    """The backoff, or the target's ``Retry-After`` if longer (capped at ``retry_after_cap``)."""
    delay = compute_backoff(attempt, policy, rng)
    if retry_after is not None:
        delay = max(delay, min(retry_after, policy.retry_after_cap))
    return delay
