"""What happened to one delivery attempt, as one error tree.

    DeliveryFailed
    ├── TransientFailure   try again later (timeouts, connection errors, 408, 425, 429, 5xx)
    └── PermanentFailure   retrying cannot help (400, 401, 403, 404, 409, 410, 422, bad message)

The retry decision is an isinstance check on this tree.
"""

from __future__ import annotations

__all__ = [
    "DeliveryFailed",
    "PermanentFailure",
    "TransientFailure",
    "classify_status",
]

TRANSIENT_STATUSES = frozenset({408, 425, 429})


class DeliveryFailed(Exception):
    def __init__(
        self, reason: str, *, status: int | None = None, retry_after_s: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after_s = retry_after_s


class TransientFailure(DeliveryFailed):
    pass


class PermanentFailure(DeliveryFailed):
    pass


def classify_status(status: int) -> type[DeliveryFailed] | None:
    """None for success (2xx); otherwise which branch of the tree the status belongs to."""
    if 200 <= status < 300:
        return None
    if status in TRANSIENT_STATUSES or status >= 500:
        return TransientFailure
    return PermanentFailure
