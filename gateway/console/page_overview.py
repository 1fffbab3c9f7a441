"""Overview: the last hour in small charts, refreshed every few seconds by the page."""

from __future__ import annotations

from collections.abc import Callable

from gateway.console.charts import sparkline
from gateway.console.html import esc, when
from gateway.console.samples import HOUR_S, Sample, TargetSample, TrafficSample

__all__ = ["overview_live"]

_TRAFFIC: tuple[tuple[str, Callable[[TrafficSample], float]], ...] = (
    ("accepted/s", lambda t: t.accepted),
    ("4xx/s", lambda t: t.client_errors),
    ("429/s", lambda t: t.throttled),
    ("5xx/s", lambda t: t.server_errors),
)


def _target_series(
    samples: list[Sample], target: str, value: Callable[[TargetSample], float | None]
) -> list[tuple[float, float | None]]:
    out: list[tuple[float, float | None]] = []
    for s in samples:
        t = s.targets.get(target)
        out.append((s.at, value(t) if t is not None else None))
    return out


def _depth(label: str) -> Callable[[TargetSample], float | None]:
    return lambda t: float(t.depths.get(label, 0))


def _target(samples: list[Sample], target: str) -> str:
    latest = samples[-1].targets.get(target, TargetSample())
    charts = [
        sparkline(
            "delivered/s", _target_series(samples, target, lambda t: t.delivered), span_s=HOUR_S
        ),
        sparkline(
            "success rate",
            _target_series(
                samples,
                target,
                lambda t: None if t.success_rate is None else t.success_rate * 100,
            ),
            unit="%",
            span_s=HOUR_S,
        ),
        sparkline(
            "p50", _target_series(samples, target, lambda t: t.p50_ms), unit=" ms", span_s=HOUR_S
        ),
        sparkline(
            "p95", _target_series(samples, target, lambda t: t.p95_ms), unit=" ms", span_s=HOUR_S
        ),
        sparkline(
            "DLQ",
            _target_series(
                samples, target, lambda t: None if t.dead_letters is None else float(t.dead_letters)
            ),
            span_s=HOUR_S,
        ),
    ]
    for label in sorted(latest.depths):
        charts.append(
            sparkline(
                f"queue {label}",
                _target_series(samples, target, _depth(label)),
                span_s=HOUR_S,
            )
        )
    breaker = latest.breaker or "unknown (no worker metrics scraped)"
    dlq = "-" if latest.dead_letters is None else str(latest.dead_letters)
    return (
        f'<section class="target" data-target="{esc(target)}"><h3>{esc(target)}'
        f' <span class="breaker {esc(latest.breaker or "")}">breaker {esc(breaker)}</span>'
        f' <a class="dlq" id="dlq-{esc(target)}" href="/console/dlq?target={esc(target)}">'
        f"DLQ {esc(dlq)}</a></h3>"
        f'<div class="charts">{"".join(charts)}</div></section>'
    )


def overview_live(samples: list[Sample], unreachable: list[str]) -> str:
    """The refreshed part of the overview."""
    if not samples:
        return '<p class="note">The first sample is taken within a few seconds…</p>'
    parts = [
        f'<p class="note">Last sample {esc(when(samples[-1].at))}; one every 5 s, the last hour.'
    ]
    if unreachable:
        parts.append(f" Not answering: {esc(', '.join(unreachable))}.")
    parts.append("</p><h2>Routes and partners</h2>")
    keys = sorted({k for s in samples for k in s.traffic})
    if not keys:
        parts.append('<p class="note">No partner requests yet.</p>')
    for key in keys:
        charts = [
            sparkline(
                title,
                [(s.at, pick(s.traffic[key]) if key in s.traffic else None) for s in samples],
                span_s=HOUR_S,
            )
            for title, pick in _TRAFFIC
        ]
        parts.append(
            f'<section class="traffic"><h3>{esc(key)}</h3><div'
            f' class="charts">{"".join(charts)}</div></section>'
        )
    parts.append("<h2>Targets</h2>")
    targets = sorted(samples[-1].targets)
    parts += [_target(samples, t) for t in targets]
    return "".join(parts)
