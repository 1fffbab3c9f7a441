"""Render a journey as a timeline for people (`omnihub trace`)."""

from __future__ import annotations

from omnihub.journey.model import Journey, JourneyEntry

__all__ = ["render_timeline"]


def _describe(entry: JourneyEntry) -> str:
    parts = [entry.stage.value]
    if entry.target:
        parts.append(f"→ {entry.target}")
    if entry.attempt is not None:
        parts.append(f"attempt {entry.attempt}")
    if entry.status is not None:
        parts.append(f"HTTP {entry.status}")
    if entry.latency_ms is not None:
        parts.append(f"{entry.latency_ms:.0f} ms")
    if entry.error:
        parts.append(f"error: {entry.error}")
    if entry.actor:
        parts.append(f"by {entry.actor}")
    if entry.detail:
        parts.append(f"({entry.detail})")
    return "  ".join(parts)


def render_timeline(journey: Journey) -> str:
    meta = journey.meta
    head = (
        f"message {meta.message_id}  {meta.event}  route {meta.route}  partner {meta.partner}\n"
        f"trace {meta.trace_id}"
        + (f"  key {meta.business_key}" if meta.business_key else "")
        + f"  outcome: {journey.outcome}"
    )
    if not journey.entries:
        return head + "\n  (no entries)"
    start = journey.entries[0].at
    lines = [head]
    for entry in journey.entries:
        offset = (entry.at - start).total_seconds() * 1000
        lines.append(f"  {entry.at:%H:%M:%S.%f}"[:-3] + f"  +{offset:>8.0f} ms  {_describe(entry)}")
    return "\n".join(lines)
