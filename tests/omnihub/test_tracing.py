"""Tracing: the same trace id across hops, with and without OpenTelemetry."""

from __future__ import annotations

from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from omnihub.telemetry import HubMetrics, SpanKind, tracing_from_env

PARTNER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_tracing_is_off_without_otel_variables_and_still_propagates() -> None:
    tracing = tracing_from_env("gateway", env={})
    assert not tracing.enabled
    with tracing.span("request", parent=PARTNER) as scope:
        assert scope.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
        assert scope.traceparent.span_id != "00f067aa0ba902b7"
    with tracing.span("request", parent=None) as fresh:
        assert len(fresh.trace_id) == 32


def test_otel_spans_share_the_trace_across_hops() -> None:
    exporter = InMemorySpanExporter()
    gateway = tracing_from_env("gateway", env={}, processor=SimpleSpanProcessor(exporter))
    worker = tracing_from_env("worker", env={}, processor=SimpleSpanProcessor(exporter))
    assert gateway.enabled
    with gateway.span("POST /v1/orders", parent=PARTNER, kind=SpanKind.SERVER) as request:
        carried = request.traceparent.header()  # what goes into the AMQP headers
    with worker.span("deliver erp", parent=carried, kind=SpanKind.CONSUMER) as delivery:
        delivery.set("omnihub.target", "erp")
    spans = exporter.get_finished_spans()
    assert [s.name for s in spans] == ["POST /v1/orders", "deliver erp"]
    assert {format(s.context.trace_id, "032x") for s in spans} == {
        "4bf92f3577b34da6a3ce929d0e0e4736"
    }
    assert spans[1].parent is not None and spans[1].parent.span_id == spans[0].context.span_id
    gateway.shutdown()
    worker.shutdown()


def test_otel_is_enabled_by_the_standard_variables() -> None:
    assert tracing_from_env("x", env={"OTEL_TRACES_EXPORTER": "otlp"}).enabled
    assert not tracing_from_env(
        "x", env={"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"}
    ).enabled


def test_metrics_render_in_prometheus_format() -> None:
    metrics = HubMetrics()
    metrics.requests.labels("orders", "acme", "202").inc()
    metrics.breaker_state.labels("erp").set(2)
    text = metrics.exposition().decode()
    assert 'omnihub_requests_total{partner="acme",route="orders",status="202"} 1.0' in text
    assert 'omnihub_breaker_state{target="erp"} 2.0' in text
