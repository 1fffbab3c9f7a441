"""Telemetry: tracing (W3C context, OpenTelemetry when configured) and Prometheus metrics."""

from omnihub.telemetry.metrics import CONTENT_TYPE_LATEST, HubMetrics
from omnihub.telemetry.tracing import SpanKind, SpanScope, Tracing, tracing_from_env

__all__ = [
    "CONTENT_TYPE_LATEST",
    "HubMetrics",
    "SpanKind",
    "SpanScope",
    "Tracing",
    "tracing_from_env",
]
