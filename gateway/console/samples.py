"""What the overview charts are made of: one `Sample` every few seconds, an hour kept.

A sample holds, per route and partner, accepted/s, 4xx/s, 429/s and 5xx/s (from the
gateways' ``omnihub_requests`` counters), and per target delivered/s, success rate, p50
and p95 attempt latency (from the journey store's attempts), the depth of each lane and
retry rung and of the DLQ (from the broker) and the breaker state (from the workers'
``omnihub_breaker_state`` gauge, where a worker's metrics are scraped).
"""

from __future__ import annotations

from collections import deque

import msgspec

__all__ = ["HOUR_S", "INTERVAL_S", "Ring", "Sample", "TargetSample", "TrafficSample"]

INTERVAL_S = 5.0  # one sample this often (the overview refreshes as often)
HOUR_S = 3600.0


class TrafficSample(msgspec.Struct, kw_only=True, frozen=True):
    accepted: float = 0.0  # per second, over the sample's interval
    client_errors: float = 0.0  # 4xx but 429
    throttled: float = 0.0  # 429
    server_errors: float = 0.0  # 5xx


class TargetSample(msgspec.Struct, kw_only=True, frozen=True):
    delivered: float = 0.0  # per second
    success_rate: float | None = None  # delivered attempts / attempts, None without attempts
    p50_ms: float | None = None
    p95_ms: float | None = None
    depths: dict[str, int] = {}  # queue label (priority, bulk, priority retry 3, ...) -> depth
    dead_letters: int | None = None
    breaker: str | None = None  # closed | half_open | open; None when no worker is scraped


class Sample(msgspec.Struct, kw_only=True, frozen=True):
    at: float  # epoch seconds
    traffic: dict[str, TrafficSample]  # "route · partner"
    targets: dict[str, TargetSample]


class Ring:
    """The last hour of samples, oldest first."""

    def __init__(self, size: int = int(HOUR_S / INTERVAL_S)) -> None:
        self._samples: deque[Sample] = deque(maxlen=size)

    def add(self, sample: Sample) -> None:
        self._samples.append(sample)

    def samples(self) -> list[Sample]:
        return list(self._samples)

    def latest(self) -> Sample | None:
        return self._samples[-1] if self._samples else None
