"""What an admission means for the handler that asked: the 429 of a throttled request,
the rate-limit headers of an admitted one, and the idempotency reservation it must
complete (response stored) or release (failed) once it knows how the request ended.
Shared by the JSON and the EDI ingest handlers."""

from __future__ import annotations

import math
from collections.abc import Sequence

from gateway.edge.problems import ProblemError
from gateway.ingest.admission import Admission, Verdict
from gateway.ingest.idempotency_keys import RESERVED
from gateway.ingest.rate_tiers import TierLimits, ratelimit_header

__all__ = ["Reservation", "limit_headers", "rate_limited"]


def rate_limited(partner: str, tier: TierLimits, verdict: Verdict) -> ProblemError:
    """The 429 for a request the throttle refused, with when to send it again."""
    retry = max(1, math.ceil(verdict.retry_after_ms / 1000))
    return ProblemError(
        429,
        f"partner '{partner}' is over the '{tier.name}' rate limit; send it again after {retry} s",
        kind="rate-limited",
        headers={
            "Retry-After": str(retry),
            "RateLimit-Policy": tier.policy_header,
            "RateLimit": f'"{tier.windows[0].policy}";r=0;t={retry}',
        },
    )


def limit_headers(tier: TierLimits, verdict: Verdict) -> dict[str, str]:
    """`RateLimit-Policy` and `RateLimit` of an admitted request."""
    return {
        "RateLimit-Policy": tier.policy_header,
        "RateLimit": ratelimit_header(tier, verdict.remaining, verdict.reset_ms),
    }


class Reservation:
    """The idempotency key a request holds, if its admission reserved one (state `new`
    or `retry`); with none, `complete` and `release` do nothing."""

    __slots__ = ("_admission", "_digest", "_fingerprint", "_partner", "_ttl_ms")

    def __init__(
        self,
        admission: Admission,
        verdict: Verdict,
        partner: str,
        digest: str | None,
        fingerprint: str,
        ttl_ms: int,
    ) -> None:
        self._admission = admission
        self._partner = partner
        self._digest = digest if verdict.state in RESERVED else None
        self._fingerprint = fingerprint
        self._ttl_ms = ttl_ms

    def complete(self, body: bytes, traceparent: str) -> None:
        """Store the response, for replays of the key."""
        if self._digest is not None:
            self._admission.complete(
                self._partner, self._digest, self._fingerprint, body, traceparent, self._ttl_ms
            )

    def release(self, handed_out: Sequence[str]) -> None:
        """Open the key again after a failure, keeping the ids given to the broker."""
        if self._digest is not None:
            self._admission.release(
                self._partner, self._digest, self._fingerprint, handed_out, self._ttl_ms
            )
