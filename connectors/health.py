"""A tiny HTTP health endpoint per worker process (no framework: asyncio streams).

GET /health    200 (or 503 when not connected to the broker) with the WorkerStatus JSON:
               breaker state, consuming or paused, in-flight count, counters, the
               ordered partitions it holds
GET /healthz   the same (the name the gateway uses)
GET /metrics   the counters and breaker state in Prometheus text format

A port that is taken fails the worker's start with `PortInUse` (one line on the CLI).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import msgspec
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from connectors.breaker import BreakerSnapshot
from omnihub.listeners import listen, port_of

__all__ = ["HealthServer", "WorkerStatus"]

log = logging.getLogger("omnihub.worker.health")


class WorkerStatus(msgspec.Struct, frozen=True, kw_only=True):
    target: str
    status: str  # "ok", "degraded" (breaker not closed), "disconnected", "stopping"
    connected: bool
    consuming: bool
    breaker: BreakerSnapshot
    in_flight: int
    counts: dict[str, int]
    disabled_subscriptions: list[str] = []
    ordered_partitions: list[int] = []  # the ordered partitions this worker subscribes to
    ordered_in_hand: int = 0  # ordered messages it holds (waiting, retrying, in flight)


StatusProvider = Callable[[], Awaitable[WorkerStatus]]
MetricsProvider = Callable[[], bytes]


class HealthServer:
    def __init__(
        self,
        target: str,
        provider: StatusProvider,
        metrics: MetricsProvider,
        host: str,
        port: int,
    ) -> None:
        self.target = target
        self._provider = provider
        self._metrics = metrics
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        sock = listen(
            f"health of the {self.target} worker",
            self.host,
            self.port,
            hint="set OMNIHUB_WORKER_HEALTH_PORT to a free port (omnihub dev gives each "
            "worker that port plus its place among the targets)",
        )
        self._server = await asyncio.start_server(self._handle, sock=sock)
        self.port = port_of(sock)
        log.info(
            "worker health of %s on http://%s:%d/health",
            self.target,
            self.host,
            self.port,
            extra={"target": self.target},
        )

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = await asyncio.wait_for(reader.readline(), timeout=5)
            while (await asyncio.wait_for(reader.readline(), timeout=5)) not in (b"\r\n", b""):
                pass
            parts = request_line.decode("latin-1").split()
            path = parts[1] if len(parts) >= 2 else ""
            method = parts[0] if parts else ""
            if method != "GET" or path not in ("/health", "/healthz", "/metrics"):
                await self._answer(writer, 404, "text/plain", b"not found: GET /health, /metrics\n")
                return
            if path == "/metrics":
                await self._answer(writer, 200, CONTENT_TYPE_LATEST, self._metrics())
                return
            status = await self._provider()
            code = 200 if status.connected else 503
            await self._answer(writer, code, "application/json", msgspec.json.encode(status))
        except (TimeoutError, ConnectionError, OSError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    @staticmethod
    async def _answer(writer: asyncio.StreamWriter, code: int, ctype: str, body: bytes) -> None:
        reason = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}[code]
        head = (
            f"HTTP/1.1 {code} {reason}\r\ncontent-type: {ctype}\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
        )
        writer.write(head.encode() + body)
        await writer.drain()
