"""A span per attempt, and one log line per attempt with the trace id.

Each attempt is a child span (kind CLIENT) of the span that published the envelope,
through `omnihub.telemetry.Tracing`: W3C context always, an OpenTelemetry span when
OTEL_* is configured. The outbound ``traceparent`` is that span's context.
"""

from __future__ import annotations

import contextlib
import logging

from connectors.job import Job
from connectors.middleware.base import Middleware
from omnihub.telemetry import SpanKind, Tracing

__all__ = ["AttemptTracing", "TraceparentOnly"]

log = logging.getLogger("omnihub.worker")


class AttemptTracing(Middleware):
    def __init__(self, target: str, tracing: Tracing) -> None:
        self.target = target
        self.tracing = tracing

    async def before_attempt(self, job: Job) -> None:
        stack = contextlib.ExitStack()
        scope = stack.enter_context(
            self.tracing.span(
                f"deliver {self.target}",
                parent=job.envelope.traceparent if job.envelope else None,
                kind=SpanKind.CLIENT,
                attributes={
                    "omnihub.message_id": job.message_id,
                    "omnihub.target": self.target,
                    "omnihub.delivery": job.delivery_id or "",
                    "omnihub.attempt": job.attempt,
                },
            )
        )
        job.span, job.span_scope = stack, scope
        job.traceparent = scope.traceparent.header()

    async def after_attempt(self, job: Job) -> None:
        scope = job.span_scope
        if scope is not None:
            if job.failure is not None:
                scope.set("http.response.status_code", job.failure.status or 0)
                scope.fail(job.failure.error_class)
            elif job.delivered is not None:
                scope.set("http.response.status_code", job.delivered.status)
            elif job.crash is not None:
                scope.fail(type(job.crash).__name__)
        if job.span is not None:
            job.span.close()
            job.span = None
        self._log(job)

    def _log(self, job: Job) -> None:
        trace = job.traceparent.split("-")[1] if job.traceparent else "-"
        where = (
            f"{job.message_id} -> {self.target} ({job.delivery_id or '?'}) attempt {job.attempt}"
        )
        if job.crash is not None:
            log.error("%s crashed [trace %s]", where, trace, exc_info=job.crash)
        elif job.failure is not None:
            level = logging.INFO if job.probe or job.failure.status == 429 else logging.WARNING
            log.log(level, "%s failed: %s [trace %s]", where, job.failure.reason, trace)
        elif job.delivered is not None:
            ref = f" as {job.delivered.reference}" if job.delivered.reference else ""
            log.info(
                "%s delivered%s (%d, %d ms) [trace %s]",
                where,
                ref,
                job.delivered.status,
                job.delivered.latency_ms,
                trace,
            )
        else:
            log.info("%s: nothing to deliver [trace %s]", where, trace)


class TraceparentOnly(Middleware):
    """What a worker without `AttemptTracing` still needs (benchmarks switch tracing off
    to measure it): the envelope's ``traceparent`` passed on as is, no span, no log line."""

    async def before_attempt(self, job: Job) -> None:
        job.traceparent = job.envelope.traceparent if job.envelope else None
