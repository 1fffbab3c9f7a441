"""Tracing: W3C trace context always, OpenTelemetry spans when configured.

`TraceParent` is the W3C Trace Context (``traceparent``): parsed from what a partner
sends, or a new trace started.

`Tracing.span(name, parent=traceparent)` is the one way the hub opens a span. It yields a
`SpanScope` whose `traceparent` is what the next hop must carry (AMQP headers, outbound
HTTP). When OpenTelemetry is off — no `OTEL_TRACES_EXPORTER` / `OTEL_EXPORTER_OTLP_*`
set, or `OTEL_SDK_DISABLED=true` — it builds the child trace context itself and touches no
SDK: a few string operations per hop. When on, a real span is started with the incoming
context as parent, and the SDK's ids travel on, so one trace id spans every process.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager

import msgspec
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

__all__ = ["SpanKind", "SpanScope", "TraceParent", "Tracing", "tracing_from_env"]


_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


def _random_hex(bits: int) -> str:
    """Random ids for traces and spans: unique, not secret (W3C asks for randomness, not
    for a cryptographic source). `random`'s generator is seeded from the OS and seeded
    anew in a forked child, and it costs no system call (`os.urandom` does, twice per
    request)."""
    return f"{random.getrandbits(bits) or 1:0{bits // 4}x}"


class TraceParent(msgspec.Struct, frozen=True):
    trace_id: str  # 32 lower-case hex
    span_id: str  # 16 lower-case hex: the span that sends this header
    flags: str = "01"

    @classmethod
    def parse(cls, header: str | None) -> TraceParent | None:
        """The header's value, or None when absent or invalid (W3C: then start a new trace)."""
        if not header:
            return None
        m = _TRACEPARENT.match(header.strip().lower())
        if m is None or m.group(1) == "ff":
            return None
        trace_id, span_id = m.group(2), m.group(3)
        if trace_id == "0" * 32 or span_id == "0" * 16:
            return None
        return cls(trace_id=trace_id, span_id=span_id, flags=m.group(4))

    @classmethod
    def start(cls) -> TraceParent:
        return cls(trace_id=_random_hex(128), span_id=_random_hex(64))

    def child(self) -> TraceParent:
        """Same trace, a new span id (for the next hop)."""
        return TraceParent(trace_id=self.trace_id, span_id=_random_hex(64), flags=self.flags)

    def header(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"


_propagator = TraceContextTextMapPropagator()


class SpanScope:
    """The span in progress: its outgoing trace context, and attributes when recording."""

    __slots__ = ("_span", "traceparent")

    def __init__(self, traceparent: TraceParent, span: trace.Span | None) -> None:
        self.traceparent = traceparent
        self._span = span

    @property
    def trace_id(self) -> str:
        return self.traceparent.trace_id

    def set(self, key: str, value: str | int | float | bool) -> None:
        if self._span is not None:
            self._span.set_attribute(key, value)

    def fail(self, error: str) -> None:
        if self._span is not None:
            self._span.set_status(Status(StatusCode.ERROR, error))

    def __enter__(self) -> SpanScope:  # the scope of an unrecorded span is its own context
        return self

    def __exit__(self, *_: object) -> None:
        return None


class Tracing:
    """One per process part (gateway, worker). `provider=None` means tracing is off."""

    def __init__(self, provider: TracerProvider | None, name: str = "omnihub") -> None:
        self.provider = provider
        self._tracer = provider.get_tracer(name) if provider is not None else None

    @property
    def enabled(self) -> bool:
        return self._tracer is not None

    def span(
        self,
        name: str,
        *,
        parent: str | None,
        kind: SpanKind = SpanKind.INTERNAL,
        attributes: Mapping[str, str | int | float | bool] | None = None,
    ) -> AbstractContextManager[SpanScope]:
        if self._tracer is None:  # no generator per request when tracing is off
            incoming = TraceParent.parse(parent)
            return SpanScope(incoming.child() if incoming else TraceParent.start(), None)
        return self._recorded(self._tracer, name, parent, kind, attributes)

    @staticmethod
    @contextmanager
    def _recorded(
        tracer: trace.Tracer,
        name: str,
        parent: str | None,
        kind: SpanKind,
        attributes: Mapping[str, str | int | float | bool] | None,
    ) -> Iterator[SpanScope]:
        context = (
            _propagator.extract({"traceparent": parent}) if TraceParent.parse(parent) else None
        )
        with tracer.start_as_current_span(
            name, context=context, kind=kind, attributes=dict(attributes or {})
        ) as span:
            carrier: dict[str, str] = {}
            _propagator.inject(carrier)
            own = TraceParent.parse(carrier.get("traceparent"))
            yield SpanScope(own or TraceParent.start(), span)

    def shutdown(self) -> None:
        if self.provider is not None:
            self.provider.shutdown()


def _enabled(env: Mapping[str, str]) -> bool:
    if env.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return False
    exporter = env.get("OTEL_TRACES_EXPORTER", "")
    if exporter and exporter != "none":
        return True
    return any(
        k in env for k in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def tracing_from_env(
    service: str,
    env: Mapping[str, str] | None = None,
    *,
    processor: SpanProcessor | None = None,
) -> Tracing:
    """Tracing configured by the standard `OTEL_*` variables (or with `processor`, for tests).

    OTLP over HTTP is the exporter; endpoint, headers and sampling come from the
    standard variables, read by the SDK itself.
    """
    env = os.environ if env is None else env
    if processor is None and not _enabled(env):
        return Tracing(None)
    resource = Resource.create({"service.name": env.get("OTEL_SERVICE_NAME", service)})
    provider = TracerProvider(resource=resource)
    if processor is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        processor = BatchSpanProcessor(OTLPSpanExporter())
    provider.add_span_processor(processor)
    return Tracing(provider, name=service)
