"""Back-pressure: a bound on publishes waiting for the broker's confirm.

When the broker slows down, confirms take longer and requests pile up inside the
gateway. Past the bound, new requests get 503 with Retry-After at once instead of
queueing without limit (memory, latency, timeouts that the partner retries anyway).
"""

from __future__ import annotations

from gateway.edge.problems import ProblemError

__all__ = ["PendingPublishes"]


class PendingPublishes:
    """Counts unconfirmed publishes of one gateway process (one event loop)."""

    __slots__ = ("bound", "count", "retry_after_s")

    def __init__(self, bound: int, retry_after_s: int) -> None:
        if bound < 1:
            raise ValueError(f"the bound on pending publishes must be at least 1, got {bound}")
        self.bound = bound
        self.retry_after_s = retry_after_s
        self.count = 0

    def check(self) -> None:
        if self.count >= self.bound:
            raise ProblemError(
                503,
                f"the hub is busy ({self.count} messages waiting for the broker); nothing was "
                f"accepted, send it again after {self.retry_after_s} s",
                kind="overloaded",
                headers={"Retry-After": str(self.retry_after_s)},
            )

    def __enter__(self) -> None:
        self.count += 1

    def __exit__(self, *_: object) -> None:
        self.count -= 1
