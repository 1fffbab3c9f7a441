"""Prometheus metrics of the hub, in a registry of its own per process part (no globals).

Gateway: requests by route, partner and status; request latency; throttled requests;
publish-confirm latency. Workers: deliveries by target and outcome; delivery latency;
retries; dead-letter depth; breaker state. Both: journey write failures, rows dropped
and rows waiting (the PostgreSQL write buffer).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE_LATEST", "HubMetrics"]

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class HubMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "omnihub_requests", "Partner requests", ["route", "partner", "status"], registry=r
        )
        self.request_seconds = Histogram(
            "omnihub_request_seconds",
            "Request latency",
            ["route"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.throttled = Counter(
            "omnihub_throttled",
            "Requests refused by rate limits",
            ["route", "partner"],
            registry=r,
        )
        self.publish_confirm_seconds = Histogram(
            "omnihub_publish_confirm_seconds",
            "Publish until broker confirm",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.deliveries = Counter(
            "omnihub_deliveries",
            "Delivery attempts by outcome",
            ["target", "outcome"],
            registry=r,
        )
        self.delivery_seconds = Histogram(
            "omnihub_delivery_seconds",
            "Delivery attempt latency",
            ["target"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.retries = Counter(
            "omnihub_retries", "Messages sent to a retry rung", ["target"], registry=r
        )
        self.dead_letter_depth = Gauge(
            "omnihub_dead_letter_depth",
            "Messages in a target's dead-letter queue",
            ["target"],
            registry=r,
        )
        self.breaker_state = Gauge(
            "omnihub_breaker_state",
            "Circuit breaker: 0 closed, 1 half-open, 2 open",
            ["target"],
            registry=r,
        )
        self.journey_write_failures = Counter(
            "omnihub_journey_write_failures",
            "Journey batch writes to PostgreSQL that failed (their rows wait and are retried)",
            ["part"],
            registry=r,
        )
        self.journey_rows_dropped = Counter(
            "omnihub_journey_rows_dropped",
            "Journey rows (messages and entries) dropped because the write buffer was full",
            ["part"],
            registry=r,
        )
        self.journey_rows_waiting = Gauge(
            "omnihub_journey_rows_waiting",
            "Journey rows buffered, not yet written to PostgreSQL",
            ["part"],
            registry=r,
        )

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
