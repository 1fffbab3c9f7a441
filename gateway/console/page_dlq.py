"""Dead letters per target: filters, the list (cause, age, partner, business key), one
message's payload and attempt history; replay or discard what is selected or all that a
filter matches, always after a count and a confirmation (`omnihub.replay.dlq` acts).

The list, its count and the dry-run count come from one query of the journey store,
checked against the queue (`omnihub.replay.parked.list_parked`)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import msgspec

from gateway.console.html import esc, find_href, form, link, table, when
from gateway.console.services import ConsoleServices
from omnihub.journey import JourneyEntry, Stage
from omnihub.replay.dlq import DeadLetterFilter, DeadLetterQueue
from omnihub.replay.parked import DeadLetterListing, list_parked
from omnihub.replay.parked_query import Parked

__all__ = [
    "SHOWN",
    "DlqQuery",
    "dlq_body",
    "dlq_confirm_body",
    "dlq_listing",
    "dlq_message_body",
    "dlq_queue",
]

SHOWN = 200  # rows listed; the count, the filters and "all matching" cover every one
_AGES = {"": None, "1h": timedelta(hours=1), "24h": timedelta(days=1), "7d": timedelta(days=7)}


class DlqQuery(msgspec.Struct, kw_only=True, frozen=True):
    """The filter of the page, as query or form fields."""

    target: str
    partner: str = ""
    route: str = ""
    error: str = ""
    older_than: str = ""  # "", 1h, 24h, 7d: dead-lettered at least that long ago

    @classmethod
    def of(cls, fields: Mapping[str, str], default_target: str) -> DlqQuery:
        return cls(
            target=fields.get("target") or default_target,
            partner=fields.get("partner", "").strip(),
            route=fields.get("route", "").strip(),
            error=fields.get("error", "").strip(),
            older_than=fields.get("older_than", "") if fields.get("older_than") in _AGES else "",
        )

    def to_filter(self, message_ids: Sequence[str] = ()) -> DeadLetterFilter:
        age = _AGES.get(self.older_than)
        return DeadLetterFilter(
            message_ids=frozenset(message_ids),
            partners=frozenset({self.partner}) if self.partner else frozenset(),
            routes=frozenset({self.route}) if self.route else frozenset(),
            errors=frozenset({self.error}) if self.error else frozenset(),
            until=datetime.now(UTC) - age if age else None,
        )

    def hidden(self) -> str:
        return "".join(
            f'<input type="hidden" name="{k}" value="{esc(v)}">'
            for k, v in msgspec.structs.asdict(self).items()
        )


def dlq_queue(services: ConsoleServices, connection: object, target: str) -> DeadLetterQueue:
    return DeadLetterQueue(
        connection,  # type: ignore[arg-type]
        services.settings.names,
        target,
        journeys=services.journeys,
    )


async def dlq_listing(
    services: ConsoleServices,
    connection: object,
    target: str,
    selection: DeadLetterFilter,
    limit: int | None = SHOWN,
    *,
    check: bool = True,
) -> DeadLetterListing:
    """The dead letters `selection` matches: the list, the count and the dry run.
    ``check`` False while the queue is being compared whole (`dlq_verifier`)."""
    queue = dlq_queue(services, connection, target)
    return await list_parked(queue, services.journeys, selection, limit=limit, check=check)


def _reason(item: Parked) -> str:
    """The reason without the error class it repeats (``RejectedByTarget: erp answered``)."""
    reason = item.reason or ""
    return reason.removeprefix(f"{item.error}:").strip() if item.error else reason


def _age(item: Parked) -> str:
    seconds = max(0, int(time.time() - item.dead_at.timestamp()))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"


def _filters(services: ConsoleServices, query: DlqQuery) -> str:
    targets = "".join(
        f"<option{' selected' if t == query.target else ''}>{esc(t)}</option>"
        for t in sorted(services.config.targets)
    )
    ages = "".join(
        f'<option value="{k}"{" selected" if k == query.older_than else ""}>'
        f"{k or 'any age'}</option>"
        for k in _AGES
    )
    return (
        '<form method="get" action="/console/dlq" class="filters">'
        f'<label>target <select name="target">{targets}</select></label>'
        f'<label>partner <input name="partner" value="{esc(query.partner)}" size="12"></label>'
        f'<label>route <input name="route" value="{esc(query.route)}" size="10"></label>'
        f'<label>cause <input name="error" value="{esc(query.error)}" size="16" placeholder="e.g.'
        ' RejectedByTarget"></label>'
        f'<label>older than <select name="older_than">{ages}</select></label>'
        '<button type="submit">Filter</button></form>'
    )


def dlq_body(
    services: ConsoleServices, query: DlqQuery, listing: DeadLetterListing, csrf: str, flash: str
) -> str:
    items, count = listing.items, listing.matching
    rows = [
        [
            f'<input type="checkbox" name="id" value="{esc(d.message_id)}" form="dlq-act">',
            link(f"/console/dlq/{esc(query.target)}/{esc(d.message_id)}", d.message_id[:13] + "…"),
            esc(d.business_key or "-"),
            esc(d.partner),
            esc(d.route),
            f"<b>{esc(d.error or '')}</b> {esc(_reason(d)[:120])}",
            esc(_age(d)),
            esc(d.attempts),
        ]
        for d in items
    ]
    shown = (
        table(
            ["", "message", "business key", "partner", "route", "cause", "age", "attempts"],
            rows,
            cls="dlq",
        )
        if rows
        else '<p class="empty">No dead letters match.</p>'
    )
    actions = form(
        f"/console/dlq/{query.target}/act",
        csrf,
        query.hidden() + '<button name="action" value="replay-selected">Replay selected</button>'
        '<button name="action" value="replay-filter">Replay all matching…</button>'
        '<input name="reason" placeholder="reason (to discard)" size="24">'
        '<button name="action" value="discard-selected">Discard selected</button>'
        '<button name="action" value="discard-filter">Discard all matching…</button>',
        cls="actions",
    ).replace("<form ", '<form id="dlq-act" ', 1)
    flash_html = f'<p class="flash">{esc(flash)}</p>' if flash else ""
    return (
        flash_html
        + _filters(services, query)
        + f'<p class="note" id="dlq-count">{count} dead letter(s) in {esc(query.target)}'
        " match"
        + (
            f"; the first {len(items)} are listed, filters and replay all matching cover all"
            if count > len(items)
            else ""
        )
        + ".</p>"
        + (
            ""
            if listing.checked
            else '<p class="note">Being compared with the queue now: the list is the journey'
            " store's, not yet checked.</p>"
        )
        + shown
        + actions
    )


def dlq_confirm_body(
    query: DlqQuery, action: str, ids: Sequence[str], count: int, reason: str, csrf: str
) -> str:
    verb = "replayed" if action.startswith("replay") else "discarded"
    carried = "".join(f'<input type="hidden" name="id" value="{esc(i)}">' for i in ids)
    return (
        f'<p class="confirm" id="dry-run">Dry run: <b>{count}</b> message(s) of '
        f"{esc(query.target)} would be {verb}"
        + (f" with the reason <q>{esc(reason)}</q>" if reason else "")
        + ".</p>"
        + form(
            f"/console/dlq/{query.target}/act",
            csrf,
            query.hidden()
            + carried
            + f'<input type="hidden" name="action" value="{esc(action)}">'
            + f'<input type="hidden" name="reason" value="{esc(reason)}">'
            + '<input type="hidden" name="confirm" value="yes">'
            + f'<button type="submit" id="confirm">Yes, {verb[:-1]} {count}</button>'
            + f' <a href="/console/dlq?target={esc(query.target)}">Cancel</a>',
        )
    )


def dlq_message_body(item: Parked, entries: list[JourneyEntry], payload: str) -> str:
    """``entries``: the message's journey entries for the target (its attempt history);
    ``payload``: the HTML of the payload (`page_find.payload_details`)."""
    attempts = table(
        ["#", "at", "stage", "status", "latency", "error", "detail"],
        (
            [
                esc(e.attempt if e.attempt is not None else ""),
                esc(when(e.at)),
                esc(e.stage.value),
                esc(e.status or ""),
                esc("" if e.latency_ms is None else f"{e.latency_ms:.0f} ms"),
                esc(e.error or ""),
                f"<code>{esc((e.detail or '')[:300])}</code>",
            ]
            for e in entries
            if e.target == item.target and e.stage is not Stage.RECEIVED
        ),
    )
    return (
        "<dl><dt>message</dt><dd><a"
        f" href='{find_href(item.message_id)}'>{esc(item.message_id)}</a></dd>"
        f"<dt>event</dt><dd>{esc(item.event)}</dd><dt>partner · route</dt><dd>{esc(item.partner)}"
        f" · {esc(item.route)}</dd>"
        f"<dt>business key</dt><dd>{esc(item.business_key or '-')}</dd>"
        f"<dt>cause</dt><dd><b>{esc(item.error or '')}</b> {esc(_reason(item))}</dd>"
        f"<dt>dead-lettered</dt><dd>{esc(when(item.dead_at))}</dd></dl>"
        f"<h2>Attempts</h2>{attempts}{payload}"
    )
