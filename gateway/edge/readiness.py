"""Readiness: can this gateway accept work right now? (`/healthz` only says it runs.)

A gateway is ready when the broker takes publishes (a `202` needs its confirm) and Redis
answers (admission, idempotency and rate limits live there). Each check is bounded by a
timeout, so a muted server makes the probe answer `503`, never hang. A publisher that is
not connected is asked to connect: after a broker outage the gateway becomes ready again
without waiting for a partner's request.
"""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from gateway.edge.problems import PROBLEM_JSON, problem_body
from omnihub.broker import Publisher

__all__ = ["Readiness", "ReadinessReport"]

UP = "up"


class ReadinessReport(msgspec.Struct, frozen=True, kw_only=True):
    status: str  # "ready" or "not ready"
    checks: dict[str, str]  # "broker" / "redis" -> "up" or "down: <reason>"

    @property
    def ready(self) -> bool:
        return all(state == UP for state in self.checks.values())

    def down(self) -> list[str]:
        return [name for name, state in self.checks.items() if state != UP]

    def answer(self) -> tuple[int, str, bytes]:
        """Status, content type and body of the HTTP answer: 200 JSON or 503 problem+json."""
        if self.ready:
            return 200, "application/json", msgspec.json.encode(self)
        reasons = "; ".join(f"{name} {self.checks[name]}" for name in self.down())
        body = problem_body(
            503,
            f"not ready: {reasons}",
            kind="not-ready",
            title="Service Unavailable",
            extra={"down": self.down(), "checks": self.checks},
        )
        return 503, PROBLEM_JSON, body


class Readiness:
    def __init__(self, publisher: Publisher, redis: aioredis.Redis, timeout_s: float = 1.0) -> None:
        self._publisher = publisher
        self._redis = redis
        self._timeout_s = timeout_s

    async def check(self) -> ReadinessReport:
        broker, redis = await asyncio.gather(self._broker(), self._redis_state())
        checks = {"broker": broker, "redis": redis}
        ready = all(state == UP for state in checks.values())
        return ReadinessReport(status="ready" if ready else "not ready", checks=checks)

    async def _broker(self) -> str:
        if not self._publisher.connected:
            try:
                await asyncio.wait_for(self._publisher.start(), timeout=self._timeout_s)
            except TimeoutError:
                return f"down: no answer within {self._timeout_s:g} s"
        return UP if self._publisher.connected else "down: not connected"

    async def _redis_state(self) -> str:
        try:
            answer: Any = await asyncio.wait_for(self._redis.ping(), timeout=self._timeout_s)
        except TimeoutError:
            return f"down: no answer within {self._timeout_s:g} s"
        except (RedisError, OSError) as exc:
            return f"down: {type(exc).__name__}"
        return UP if answer else "down: no PONG"
