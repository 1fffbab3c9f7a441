"""Find a message by order number, ASN number, message id or trace id: its timeline, its
canonical payload (from the archive) and the other messages of the same business key."""

from __future__ import annotations

import msgspec

from gateway.console.html import esc, find_href, link, table, when
from gateway.console.services import ConsoleServices
from omnihub.journey import Journey, Stage

__all__ = ["find_body", "payload_details", "payload_fragment"]

_SEARCH = (
    '<form method="get" action="/console/find" class="search">'
    '<input name="q" value="{q}" placeholder="order number, ASN number, message id or trace id"'
    ' autofocus size="48"><button type="submit">Find</button></form>'
)


def _timeline(journey: Journey) -> str:
    start = journey.entries[0].at if journey.entries else None
    rows = []
    for e in journey.entries:
        offset = f"+{(e.at - start).total_seconds() * 1000:,.0f} ms" if start else ""
        what = e.error or e.detail or ""
        rows.append(
            [
                esc(when(e.at)),
                esc(offset),
                f'<span class="stage {esc(e.stage.value)}">{esc(e.stage.value)}</span>',
                esc(e.target or ""),
                esc(e.attempt or ""),
                esc(e.status or ""),
                esc(f"{e.latency_ms:.0f} ms" if e.latency_ms is not None else ""),
                f"<code>{esc(what[:300])}</code>" if what else "",
                esc(e.actor or ""),
            ]
        )
    head = [
        "time",
        "",
        "stage",
        "target",
        "attempt",
        "status",
        "latency",
        "response / detail",
        "who asked",
    ]
    return table(head, rows, cls="timeline")


def payload_details(message_id: str) -> str:
    """The payload, read from the archive only when opened (console.js fetches it), so
    the page does not wait for the archive stream."""
    return (
        f'<details class="lazy" data-src="/console/payload/{esc(message_id)}">'
        '<summary>Canonical payload</summary><p class="note">Reading the archive…</p></details>'
    )


async def payload_fragment(services: ConsoleServices, message_id: str) -> str:
    journey = await services.journeys.queries.get(message_id)
    received = (
        next((e.at for e in journey.entries if e.stage is Stage.RECEIVED), None)
        if journey
        else None
    )
    envelope = await services.archived(message_id, received) if received else None
    if envelope is None:
        return '<p class="note">Not in the archive (older than its retention, or not yet read).</p>'
    text = msgspec.json.format(msgspec.json.encode(envelope.payload)).decode()
    return f"<pre class=payload>{esc(text)}</pre>"


def _journey(journey: Journey) -> str:
    m = journey.meta
    key = link(find_href(m.business_key), m.business_key) if m.business_key else "-"
    return (
        f'<article class="journey" data-message="{esc(m.message_id)}">'
        f"<h2>{esc(m.event)} <span class='outcome"
        f" {esc(journey.outcome)}'>{esc(journey.outcome)}</span></h2>"
        f"<dl><dt>message</dt><dd><code>{esc(m.message_id)}</code></dd>"
        "<dt>trace</dt><dd><a"
        f" href='{find_href(m.trace_id)}'><code>{esc(m.trace_id)}</code></a></dd>"
        f"<dt>business key</dt><dd>{key}</dd><dt>route · partner</dt>"
        f"<dd>{esc(m.route)} · {esc(m.partner)}</dd></dl>"
        f"{_timeline(journey)}{payload_details(m.message_id)}"
        "</article>"
    )


async def _related(services: ConsoleServices, found: list[Journey]) -> str:
    keys = sorted({j.meta.business_key for j in found if j.meta.business_key})
    shown = {j.meta.message_id for j in found}
    rows = []
    for key in keys:
        for other in await services.journeys.queries.by_business_key(key):
            if other.meta.message_id in shown:
                continue
            shown.add(other.meta.message_id)
            rows.append(
                [
                    link(find_href(other.meta.message_id), other.meta.message_id),
                    esc(other.meta.event),
                    esc(other.meta.partner),
                    esc(other.outcome),
                ]
            )
    if not rows:
        return ""
    return "<h2>Same business key</h2>" + table(["message", "event", "partner", "outcome"], rows)


async def find_body(services: ConsoleServices, q: str) -> str:
    form = _SEARCH.format(q=esc(q))
    q = q.strip()
    if not q:
        return form
    found = await services.journeys.queries.find(q[:200])
    if not found:
        return (
            form + f'<p class="empty">No message is known by <b>{esc(q)}</b> '
            "(message id, trace id or business key).</p>"
        )
    found = sorted(found, key=lambda j: j.entries[0].at if j.entries else 0)
    head = f'<p class="note">{len(found)} message(s) for <b>{esc(q)}</b>.</p>'
    shown = found[:20]
    articles = [_journey(j) for j in shown]
    return form + head + "".join(articles) + await _related(services, found)
