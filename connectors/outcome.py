"""What happened to one delivery attempt: a result on success, one error tree otherwise.

    DeliveryFailed
    ├── TransientFailure        try again later: next retry rung, DLQ after the last
    │   ├── TargetUnreachable   connection refused / reset, no answer
    │   ├── TargetTimeout       no answer within the target's timeout
    │   ├── TargetBusy          408, 425, 429 and 5xx answers
    │   └── StateUnavailable    the hub's own state (Redis) could not be read or written
    └── PermanentFailure        retrying cannot help: DLQ at once
        ├── RejectedByTarget    400, 404, 409, 422 and other 4xx answers
        ├── AuthRejected        401 / 403 (after one token refresh), token endpoint refusal
        ├── SubscriptionGone    410 from a partner webhook: the subscription is disabled
        ├── SubscriptionDisabled a message for a subscription disabled earlier
        ├── MappingFailed       the delivery's pipeline failed (names the step label)
        └── UndeliverableMessage not an envelope, or no delivery of this target takes it

The retry decision is an isinstance check on this tree. ``error_class`` (the class name)
is what the attempt history records.
"""

from __future__ import annotations

import msgspec

__all__ = [
    "AuthRejected",
    "Delivered",
    "DeliveryFailed",
    "MappingFailed",
    "PermanentFailure",
    "RejectedByTarget",
    "StateUnavailable",
    "SubscriptionDisabled",
    "SubscriptionGone",
    "TargetBusy",
    "TargetTimeout",
    "TargetUnreachable",
    "TransientFailure",
    "UndeliverableMessage",
    "classify_status",
]

TRANSIENT_STATUSES = frozenset({408, 425, 429})
AUTH_STATUSES = frozenset({401, 403})


class Delivered(msgspec.Struct, frozen=True, kw_only=True):
    """The target confirmed: its status, how long it took, what it called the result."""

    status: int
    latency_ms: int
    reference: str | None = None  # e.g. the ERP document number, the tracking number
    requests: int = 1  # HTTP requests it took (pipelines may split one message into several)


class DeliveryFailed(Exception):
    """Base of every failed attempt. ``reason`` is safe to log: secrets are stripped."""

    def __init__(
        self,
        reason: str,
        *,
        status: int | None = None,
        retry_after_s: float | None = None,
        excerpt: str = "",
        latency_ms: int = 0,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after_s = retry_after_s
        self.excerpt = excerpt
        self.latency_ms = latency_ms

    @property
    def error_class(self) -> str:
        return type(self).__name__


class TransientFailure(DeliveryFailed):
    pass


class TargetUnreachable(TransientFailure):
    pass


class TargetTimeout(TransientFailure):
    pass


class TargetBusy(TransientFailure):
    pass


class StateUnavailable(TransientFailure):
    pass


class PermanentFailure(DeliveryFailed):
    pass


class RejectedByTarget(PermanentFailure):
    pass


class AuthRejected(PermanentFailure):
    pass


class SubscriptionGone(PermanentFailure):
    pass


class SubscriptionDisabled(PermanentFailure):
    pass


class MappingFailed(PermanentFailure):
    pass


class UndeliverableMessage(PermanentFailure):
    pass


def classify_status(status: int) -> type[DeliveryFailed] | None:
    """None for success (2xx); otherwise the most specific class for the status."""
    if 200 <= status < 300:
        return None
    if status in TRANSIENT_STATUSES or status >= 500:
        return TargetBusy
    if status in AUTH_STATUSES:
        return AuthRejected
    return RejectedByTarget
