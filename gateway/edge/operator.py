"""The operator port: what the people who run the hub read, never the partners.

    GET /metrics   Prometheus text (every partner's name and volume: operators only)
    GET /healthz   liveness: the process answers (200)
    GET /readyz    readiness: broker and Redis answer (200), or 503 problem+json naming
                   what is down

A plain ASGI app served on its own port (`--operator-port`, bound to 127.0.0.1 by
default); the partner port serves `/healthz` and `/readyz` too (for load balancers),
but not `/metrics`.
"""

from __future__ import annotations

from typing import Any

import msgspec

from gateway.edge.problems import PROBLEM_JSON, problem_body
from gateway.edge.readiness import Readiness
from omnihub.telemetry import CONTENT_TYPE_LATEST, HubMetrics

__all__ = ["LIVE", "OperatorApp"]

LIVE = msgspec.json.encode({"status": "ok"})


class OperatorApp:
    """An ASGI app over the gateway's metrics registry and readiness checks."""

    def __init__(self, metrics: HubMetrics, readiness: Readiness) -> None:
        self._metrics = metrics
        self._readiness = readiness

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":  # served with lifespan off: nothing else arrives
            return
        status, ctype, body = await self._answer(scope["method"], scope["path"])
        headers = [(b"content-type", ctype.encode()), (b"content-length", str(len(body)).encode())]
        if status == 405:
            headers.append((b"allow", b"GET"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _answer(self, method: str, path: str) -> tuple[int, str, bytes]:
        if path not in ("/metrics", "/healthz", "/readyz"):
            detail = f"no such path on the operator port: {path} (GET /metrics, /healthz, /readyz)"
            return 404, PROBLEM_JSON, problem_body(404, detail, kind="not-found", title="Not Found")
        if method != "GET":
            detail = f"{path} answers GET only"
            body = problem_body(405, detail, kind="method-not-allowed", title="Method Not Allowed")
            return 405, PROBLEM_JSON, body
        if path == "/metrics":
            return 200, CONTENT_TYPE_LATEST, self._metrics.exposition()
        if path == "/healthz":
            return 200, "application/json", LIVE
        return (await self._readiness.check()).answer()
