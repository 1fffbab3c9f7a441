"""Injected failures: deciding from a system's failure mode whether a request fails.

The decision runs before a request reaches the simulated system, so a failed request is
never recorded (a failed delivery must not count as delivered); it is only counted.
``down`` is not decided here: the connection is dropped earlier, see ``sandbox.dropper``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.responses import problem_answer
from sandbox.state import StoredResponse, SystemState

DEFAULT_FAILURE_STATUS = 503
RANDOM_FAILURE_STATUSES = (500, 503)
RETRY_AFTER_STATUSES = frozenset({429, 503})


@dataclass(frozen=True, slots=True)
class InjectedFailure:
    """One failure to serve instead of the system's real answer."""

    status: int
    reason: str
    retry_after_s: int | None


def decide_failure(system: SystemState) -> InjectedFailure | None:
    """Whether the next request to ``system`` fails; consumes ``fail_next`` and the RNG."""
    mode = system.mode
    if mode.fail_next is not None:
        if system.fail_next_remaining > 0:
            system.fail_next_remaining -= 1
            reason = f"fail_next ({system.fail_next_remaining} more to fail)"
            return _failure(mode.fixed_status or DEFAULT_FAILURE_STATUS, reason, system)
    elif mode.fixed_status is not None and mode.error_rate == 0:
        return _failure(mode.fixed_status, "fixed_status", system)
    if mode.error_rate > 0 and system.rng.random() < mode.error_rate:
        status = mode.fixed_status or system.rng.choice(RANDOM_FAILURE_STATUSES)
        return _failure(status, f"error_rate {mode.error_rate:g}", system)
    return None


def _failure(status: int, reason: str, system: SystemState) -> InjectedFailure:
    retry_after = system.mode.retry_after_s if status in RETRY_AFTER_STATUSES else None
    return InjectedFailure(status=status, reason=reason, retry_after_s=retry_after)


def failure_answer(system: str, failure: InjectedFailure) -> StoredResponse:
    """The problem+json answer of an injected failure, with ``Retry-After`` when set."""
    headers: tuple[tuple[str, str], ...] = ()
    if failure.retry_after_s is not None:
        headers = (("Retry-After", str(failure.retry_after_s)),)
    detail = f"sandbox system {system!r} failed on purpose: {failure.reason}"
    return problem_answer(failure.status, detail, headers=headers)
