"""Rate-limit tiers parsed once, and the headers that describe them.

Headers follow draft-ietf-httpapi-ratelimit-headers: ``RateLimit-Policy`` lists every
window of the tier (``"standard-1s";q=50;w=1``); ``RateLimit`` reports the window closest
to exhaustion (``"standard-1s";r=12;t=1``); a refused request also gets ``Retry-After``.
"""

from __future__ import annotations

import math

import msgspec
from limits import parse_many

from omnihub.config.model import RateLimitTier

__all__ = ["TierLimits", "Window", "ratelimit_header"]


class Window(msgspec.Struct, frozen=True):
    amount: int
    ms: int
    policy: str  # the name in the headers, e.g. "standard-1s"


class TierLimits(msgspec.Struct, frozen=True):
    name: str
    windows: tuple[Window, ...]
    policy_header: str

    @classmethod
    def parse(cls, name: str, tier: RateLimitTier) -> TierLimits:
        windows = []
        for text in tier.limits:
            for item in parse_many(text):
                seconds = int(item.get_expiry())
                windows.append(Window(int(item.amount), seconds * 1000, f"{name}-{seconds}s"))
        policy = ", ".join(f'"{w.policy}";q={w.amount};w={w.ms // 1000}' for w in windows)
        return cls(name, tuple(windows), policy)


def ratelimit_header(
    tier: TierLimits, remaining: tuple[int, ...], reset_ms: tuple[int, ...]
) -> str:
    """The ``RateLimit`` value for the window with the fewest remaining requests."""
    i = min(range(len(remaining)), key=remaining.__getitem__)
    seconds = max(0, math.ceil(reset_ms[i] / 1000))
    return f'"{tier.windows[i].policy}";r={max(0, remaining[i])};t={seconds}'
