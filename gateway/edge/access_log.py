"""The gateway's access log: one line per HTTP request, on the logger ``omnihub.access``.

Each line says method, path, status, duration and partner (``-`` before authentication):
``POST /v2/orders 202 3.1 ms partner=acme-market``; with ``OMNIHUB_LOG_FORMAT=json`` the
same as fields (``method``, ``path``, ``status``, ``duration_ms``, ``partner``). Never the
query string, headers or body: those may carry credentials. ``OMNIHUB_ACCESS_LOG=off``
turns it off (the ingest benchmark does, like the servers it is compared with).
"""

from __future__ import annotations

import logging
import time
from typing import Any

__all__ = ["AccessLog"]

log = logging.getLogger("omnihub.access")


class AccessLog:
    """ASGI middleware in front of the gateway app; holds no per-request state."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0  # 0: no answer was sent (the client went away first)

        async def sending(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            ms = (time.perf_counter() - started) * 1000
            partner = scope.get("state", {}).get("partner", "-")
            method, path = scope["method"], scope["path"]
            log.info(
                "%s %s %d %.1f ms partner=%s",
                method,
                path,
                status,
                ms,
                partner,
                extra={
                    "method": method,
                    "path": path,
                    "status": status,
                    "duration_ms": round(ms, 2),
                    "partner": partner,
                },
            )
