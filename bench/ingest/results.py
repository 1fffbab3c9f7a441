"""What one measured run produced: the figures every reference reports alike."""

from __future__ import annotations

import msgspec

__all__ = ["CpuShare", "RunResult"]


class CpuShare(msgspec.Struct, frozen=True):
    """CPU used during the measured window, in cores (CPU seconds / wall seconds)."""

    subject: float  # the system under test (gateway processes, baseline, raw publisher)
    loadgen: float  # the load generator (wrk); 0 for the raw publisher, which is its own
    broker: float  # RabbitMQ (beam.smp)
    redis: float  # redis-server
    machine: float  # all busy cores; what the four above do not explain is other work
    steal: float = 0.0  # of "other": cores the hypervisor gave to other guests

    @property
    def other(self) -> float:
        return max(0.0, self.machine - self.subject - self.loadgen - self.broker - self.redis)


class RunResult(msgspec.Struct, frozen=True, kw_only=True):
    name: str  # e.g. "full path, uvicorn x1"
    kind: str  # "full", "raw" or "baseline"
    processes: int
    requests: int  # completed requests (or confirmed publishes)
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[str, int]  # HTTP status -> count ("confirmed" for the raw publisher)
    socket_errors: dict[str, int]  # connect/read/write/timeout, from the load generator
    cpu: CpuShare
    capped: bool = False  # the request-count bound stopped the run early
    rps_runs: tuple[float, ...] = ()  # with --repeat: req/s of every run (this is the median)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def accepted(self) -> int:
        return self.statuses.get("202", 0) + self.statuses.get("confirmed", 0)

    @property
    def errors(self) -> dict[str, int]:
        """Every outcome other than success, by status or socket error kind."""
        bad = {k: v for k, v in self.statuses.items() if k not in ("202", "confirmed") and v}
        bad.update({k: v for k, v in self.socket_errors.items() if v})
        return bad
