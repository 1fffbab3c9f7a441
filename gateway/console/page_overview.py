"""Overview: the last hour in small charts, refreshed every few seconds by the page.

Per route and partner: accepted/s, 4xx/s, 429/s, 5xx/s. Per target: delivered/s,
success rate, p50/p95 latency, DLQ size, the depth of each lane and of its retry ladder
(the rungs summed; the rungs holding messages now are listed by name), breaker state.
The time axis covers what has been sampled, up to an hour."""

from __future__ import annotations

from collections.abc import Callable

from gateway.console.charts import sparkline
from gateway.console.html import esc, when
from gateway.console.samples import HOUR_S, Sample, TargetSample, TrafficSample

__all__ = ["overview_live"]

MIN_SPAN_S = 300.0  # a fresh console still draws five minutes wide
RETRY = " retry "

_TRAFFIC: tuple[tuple[str, Callable[[TrafficSample], float]], ...] = (
    ("accepted/s", lambda t: t.accepted),
    ("4xx/s", lambda t: t.client_errors),
    ("429/s", lambda t: t.throttled),
    ("5xx/s", lambda t: t.server_errors),
)
Pick = Callable[[TargetSample], float | None]


def _lane(label: str) -> Pick:
    return lambda t: float(t.depths[label]) if label in t.depths else None


def _ladder(lane: str) -> Pick:
    prefix = lane + RETRY
    return lambda t: float(sum(v for k, v in t.depths.items() if k.startswith(prefix)))


def _target_picks(latest: TargetSample) -> list[tuple[str, str, Pick]]:
    picks: list[tuple[str, str, Pick]] = [
        ("delivered/s", "", lambda t: t.delivered),
        ("success rate", "%", lambda t: None if t.success_rate is None else t.success_rate * 100),
        ("p50", " ms", lambda t: t.p50_ms),
        ("p95", " ms", lambda t: t.p95_ms),
        ("DLQ", "", lambda t: None if t.dead_letters is None else float(t.dead_letters)),
    ]
    lanes = sorted({label.split(RETRY)[0] for label in latest.depths})
    for lane in lanes:
        picks.append((f"queue {lane}", "", _lane(lane)))
        if any(k.startswith(lane + RETRY) for k in latest.depths):
            picks.append((f"{lane} retry rungs", "", _ladder(lane)))
    return picks


def _target(samples: list[Sample], target: str, span: float) -> str:
    latest = samples[-1].targets.get(target, TargetSample())
    charts = []
    for title, unit, pick in _target_picks(latest):
        series = [(s.at, pick(s.targets[target]) if target in s.targets else None) for s in samples]
        charts.append(sparkline(title, series, unit=unit, span_s=span))
    waiting = [f"{k}: {v}" for k, v in sorted(latest.depths.items()) if RETRY in k and v]
    rungs = "waiting on retry rungs now: " + (", ".join(waiting) if waiting else "none")
    breaker = latest.breaker or "unknown (no worker metrics scraped)"
    dlq = "-" if latest.dead_letters is None else str(latest.dead_letters)
    return (
        f'<section class="target" data-target="{esc(target)}"><h3>{esc(target)}'
        f' <span class="breaker {esc(latest.breaker or "")}">breaker {esc(breaker)}</span>'
        f' <a class="dlq" id="dlq-{esc(target)}" href="/console/dlq?target={esc(target)}">'
        f"DLQ {esc(dlq)}</a></h3>"
        f'<div class="charts">{"".join(charts)}</div>'
        f'<p class="note rungs">{esc(rungs)}</p></section>'
    )


def overview_live(samples: list[Sample], unreachable: list[str]) -> str:
    """The refreshed part of the overview."""
    if not samples:
        return '<p class="note">The first sample is taken within a few seconds…</p>'
    span = min(HOUR_S, max(MIN_SPAN_S, samples[-1].at - samples[0].at))
    parts = [
        f'<p class="note">Last sample {esc(when(samples[-1].at))}; one every 5 s; the charts '
        f"show the last {span / 60:.0f} min."
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
                span_s=span,
            )
            for title, pick in _TRAFFIC
        ]
        parts.append(
            f'<section class="traffic"><h3>{esc(key)}</h3>'
            f'<div class="charts">{"".join(charts)}</div></section>'
        )
    parts.append("<h2>Targets</h2>")
    parts += [_target(samples, t, span) for t in sorted(samples[-1].targets)]
    return "".join(parts)
