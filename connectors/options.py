"""Per-process options of a worker (not per target: those live in policies/)."""

from __future__ import annotations

import os
from collections.abc import Mapping

import msgspec

from connectors.errors import ConnectorConfigError

__all__ = ["BENCH_WITHOUT_ENV", "SWITCHABLE_MIDDLEWARE", "WorkerOptions"]

SWITCHABLE_MIDDLEWARE = frozenset({"journeys", "history", "tracing", "metrics", "breaker"})
BENCH_WITHOUT_ENV = "OMNIHUB_BENCH_WORKER_WITHOUT"


class WorkerOptions(msgspec.Struct, frozen=True, kw_only=True):
    health_host: str = "127.0.0.1"
    health_port: int | None = None  # None: no health endpoint; 0: a free port
    shutdown_timeout_s: float = 10.0  # in-flight deliveries get this long, then are requeued
    confirm_timeout_s: float = 5.0  # broker confirm of a copy to a rung / the DLQ
    probe_poll_s: float = 1.0  # a half-open breaker looks for a message to probe this often
    journeys: bool = True  # record attempts and outcomes in journeys (PostgreSQL)
    ordering_heartbeat_s: float = 1.0  # ordered lanes: membership renewed this often
    ordering_member_ttl_s: float = 5.0  # a worker silent this long loses its partitions
    # For benchmarks only (bench/delivery measures what each middleware costs): the
    # middleware named here is left out of the chain. Never set it in production: without
    # history a dead letter loses its attempts, without breaker a down target burns retries.
    bench_without: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = self.bench_without - SWITCHABLE_MIDDLEWARE
        if unknown:
            raise ConnectorConfigError(
                BENCH_WITHOUT_ENV,
                f"unknown middleware {', '.join(sorted(unknown))} "
                f"(one of {', '.join(sorted(SWITCHABLE_MIDDLEWARE))})",
            )

    def runs(self, middleware: str) -> bool:
        """Whether the worker's chain includes ``middleware`` (one of SWITCHABLE_MIDDLEWARE)."""
        if middleware == "journeys" and not self.journeys:
            return False
        return middleware not in self.bench_without

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WorkerOptions:
        """``OMNIHUB_WORKER_HEALTH_PORT`` / ``_HEALTH_HOST`` / ``_SHUTDOWN_TIMEOUT_S``, and
        ``OMNIHUB_BENCH_WORKER_WITHOUT`` (benchmarks only: comma-separated middleware)."""
        env = os.environ if env is None else env
        defaults = cls()
        port = env.get("OMNIHUB_WORKER_HEALTH_PORT")
        without = env.get(BENCH_WITHOUT_ENV, "")
        return cls(
            bench_without=frozenset(n.strip() for n in without.split(",") if n.strip()),
            health_host=env.get("OMNIHUB_WORKER_HEALTH_HOST", defaults.health_host),
            health_port=int(port) if port else None,
            shutdown_timeout_s=float(
                env.get("OMNIHUB_WORKER_SHUTDOWN_TIMEOUT_S", defaults.shutdown_timeout_s)
            ),
        )
