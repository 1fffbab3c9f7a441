"""The monitor's Prometheus metrics, in a registry of its own (`asgi_app` serves them:
`omnihub monitor` and `omnihub dev` on the monitor's port).

omnihub_exceptions_open{cause, impact}   open (and acknowledged) exceptions
omnihub_monitor_leader                   1 while this monitor holds the lease
omnihub_monitor_checks_total{result}     check rounds: ok, failed
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, make_asgi_app

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

    def set_open(self, counts: dict[tuple[str, str], int]) -> None:
        """Every cause and impact is exported, 0 when none is open, so alert rules and
        dashboards see a series before the first exception."""
        for cause in Cause:
            for impact in Impact:
                label = impact.name.lower()
                self.open.labels(cause=cause.value, impact=label).set(
                    counts.get((cause.value, label), 0)
                )

    def asgi_app(self) -> Any:
        """An ASGI app answering every GET with the metrics in Prometheus text."""
        return make_asgi_app(self.registry)
