"""Per-process options of a worker (not per target: those live in policies/)."""

from __future__ import annotations

import os
from collections.abc import Mapping

import msgspec

__all__ = ["WorkerOptions"]


class WorkerOptions(msgspec.Struct, frozen=True, kw_only=True):
    health_host: str = "127.0.0.1"
    health_port: int | None = None  # None: no health endpoint; 0: a free port
    shutdown_timeout_s: float = 10.0  # in-flight deliveries get this long, then are requeued
    confirm_timeout_s: float = 5.0  # broker confirm of a copy to a rung / the DLQ
    probe_poll_s: float = 1.0  # a half-open breaker looks for a message to probe this often
    journeys: bool = True  # record attempts and outcomes in each message's journey (Redis)
    ordering_heartbeat_s: float = 1.0  # ordered lanes: membership renewed this often
    ordering_member_ttl_s: float = 5.0  # a worker silent this long loses its partitions

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WorkerOptions:
        """``OMNIHUB_WORKER_HEALTH_PORT`` / ``_HEALTH_HOST`` / ``_SHUTDOWN_TIMEOUT_S``."""
        env = os.environ if env is None else env
        defaults = cls()
        port = env.get("OMNIHUB_WORKER_HEALTH_PORT")
        return cls(
            health_host=env.get("OMNIHUB_WORKER_HEALTH_HOST", defaults.health_host),
            health_port=int(port) if port else None,
            shutdown_timeout_s=float(
                env.get("OMNIHUB_WORKER_SHUTDOWN_TIMEOUT_S", defaults.shutdown_timeout_s)
            ),
        )
