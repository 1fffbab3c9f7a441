"""Count what happened to messages: counters for the health endpoint, Prometheus metrics,
and an optional hook.

The Prometheus metrics are `omnihub.telemetry.HubMetrics` (deliveries by target and
outcome, delivery latency, retries, breaker state), exposed on the worker's ``/metrics``.
A ``MetricHook`` (e.g. a StatsD or OpenTelemetry adapter) is called once per settled
message with the event name and labels, and on breaker transitions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping

from connectors.breaker import BreakerState
from connectors.job import Ack, DeadLetter, Job, Requeue, Retry, ReturnToLane, Superseded
from connectors.middleware.base import Middleware
from omnihub.telemetry import HubMetrics

__all__ = ["MetricHook", "Metrics"]

MetricHook = Callable[[str, Mapping[str, str]], None]
"""``hook(event, labels)``: event is e.g. ``delivery.delivered``, ``breaker.open``."""

_EVENT = {
    Ack: "delivered",
    Retry: "retried",
    DeadLetter: "dead_lettered",
    Requeue: "requeued",
    ReturnToLane: "returned",
    Superseded: "superseded",
}
_BREAKER_VALUE = {BreakerState.CLOSED: 0, BreakerState.HALF_OPEN: 1, BreakerState.OPEN: 2}


class Metrics(Middleware):
    def __init__(
        self, target: str, prometheus: HubMetrics | None = None, hook: MetricHook | None = None
    ) -> None:
        self.target = target
        self.prometheus = prometheus if prometheus is not None else HubMetrics()
        self.hook = hook
        self.counts: Counter[str] = Counter()

    async def after_settle(self, job: Job) -> None:
        if job.decision is None:
            return
        event = _EVENT[type(job.decision)]
        if isinstance(job.decision, Ack) and job.delivered is None:
            event = "skipped"
        self.counts[event] += 1
        p = self.prometheus
        p.deliveries.labels(self.target, event).inc()
        latency = job.delivered.latency_ms if job.delivered else 0
        if job.failure is not None:
            self.counts[f"error.{job.failure.error_class}"] += 1
            latency = job.failure.latency_ms
        if latency:
            p.delivery_seconds.labels(self.target).observe(latency / 1000)
        if isinstance(job.decision, Retry):
            p.retries.labels(self.target).inc()
        self.emit(f"delivery.{event}", {"delivery": job.delivery_id or "", "lane": job.lane.value})

    def breaker_changed(self, state: BreakerState, reason: str) -> None:
        self.prometheus.breaker_state.labels(self.target).set(_BREAKER_VALUE[state])
        self.emit(f"breaker.{state.value}", {"reason": reason})

    def emit(self, event: str, labels: Mapping[str, str]) -> None:
        if self.hook is not None:
            self.hook(event, {"target": self.target, **labels})
