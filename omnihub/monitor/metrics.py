"""The monitor's Prometheus metrics, in a registry of its own, served on its port.

omnihub_exceptions_open{cause, impact}   open (and acknowledged) exceptions
omnihub_monitor_leader                   1 while this monitor holds the lease
omnihub_monitor_checks_total{result}     check rounds: ok, failed
"""

from __future__ import annotations

import threading
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server

from omnihub.monitor.classify import Cause, Impact

__all__ = ["MonitorMetrics"]


class MonitorMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.open = Gauge(
            "omnihub_exceptions_open", "Open exceptions", ["cause", "impact"], registry=r
        )
        self.leader = Gauge("omnihub_monitor_leader", "1 while this monitor leads", registry=r)
        self.checks = Counter(
            "omnihub_monitor_checks", "Check rounds by result", ["result"], registry=r
        )
        self._server: tuple[WSGIServer, threading.Thread] | None = None
        self.port: int | None = None

    def set_open(self, counts: dict[tuple[str, str], int]) -> None:
        """Every cause and impact is exported, 0 when none is open, so alert rules and
        dashboards see a series before the first exception."""
        for cause in Cause:
            for impact in Impact:
                label = impact.name.lower()
                self.open.labels(cause=cause.value, impact=label).set(
                    counts.get((cause.value, label), 0)
                )

    def serve(self, host: str, port: int) -> int:
        server, thread = start_http_server(port, host, registry=self.registry)
        self._server = (server, thread)
        self.port = server.server_port
        return self.port

    def stop(self) -> None:
        if self._server is not None:
            server, thread = self._server
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
            self._server = None
