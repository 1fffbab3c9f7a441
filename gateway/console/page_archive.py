"""Archive replay: choose a time range, route, partner or business key and targets; a
dry-run count; then the replay runs in the background and its page shows progress."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from gateway.console.archive_jobs import ArchiveJob, ArchiveRequest
from gateway.console.html import esc, form, table, when
from gateway.console.services import ConsoleServices
from omnihub.replay import ArchiveFilter

__all__ = [
    "ArchiveFormError",
    "archive_confirm_body",
    "archive_form_body",
    "archive_job_body",
    "archive_request",
]

_FIELDS = ("start", "end", "route", "partner", "business_key")


class ArchiveFormError(Exception):
    """A field of the form cannot be used; the message says which and why."""


def _time(name: str, text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ArchiveFormError(f"'{name}' is not a time: write e.g. 2026-12-06T10:00:00Z") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def archive_request(
    services: ConsoleServices, fields: Mapping[str, str], targets: Sequence[str]
) -> ArchiveRequest:
    start = _time("start", fields.get("start", ""))
    end = _time("end", fields.get("end", ""))
    if end <= start:
        raise ArchiveFormError("'end' must come after 'start'")
    unknown = [t for t in targets if t not in services.config.targets]
    if unknown:
        raise ArchiveFormError(f"no target {', '.join(unknown)}")
    route, partner = fields.get("route", "").strip(), fields.get("partner", "").strip()
    return ArchiveRequest(
        selection=ArchiveFilter(
            start=start,
            end=end,
            routes=frozenset({route}) if route else frozenset(),
            partners=frozenset({partner}) if partner else frozenset(),
            business_key=fields.get("business_key", "").strip() or None,
        ),
        targets=frozenset(targets),
    )


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def archive_form_body(
    services: ConsoleServices,
    fields: Mapping[str, str],
    csrf: str,
    error: str,
    jobs: Mapping[str, ArchiveJob],
) -> str:
    now = datetime.now(UTC)
    start = fields.get("start") or _iso(now - timedelta(hours=1))
    end = fields.get("end") or _iso(now + timedelta(minutes=1))
    targets = "".join(
        f'<label><input type="checkbox" name="target" value="{esc(t)}"> {esc(t)}</label>'
        for t in sorted(services.config.targets)
    )
    inner = (
        f'<label>from <input name="start" value="{esc(start)}" size="22"></label>'
        f'<label>until <input name="end" value="{esc(end)}" size="22"></label>'
        f'<label>route <input name="route" value="{esc(fields.get("route", ""))}"'
        ' size="10"></label>'
        f'<label>partner <input name="partner" value="{esc(fields.get("partner", ""))}"'
        ' size="14"></label>'
        '<label>business key <input name="business_key"'
        f' value="{esc(fields.get("business_key", ""))}" size="14"></label>'
        f"<fieldset><legend>into targets (none: each event's own)</legend>{targets}</fieldset>"
        '<button type="submit" id="dry-run-button">Count (dry run)</button>'
    )
    error_html = f'<p class="error">{esc(error)}</p>' if error else ""
    rows = [
        [
            f'<a href="/console/archive/jobs/{esc(j.id)}">{esc(j.id)}</a>',
            esc(when(j.started)),
            esc(j.actor),
            esc(j.matched),
            esc("done" if j.done else "running"),
        ]
        for j in sorted(jobs.values(), key=lambda j: -j.started)
    ]
    listing = (
        "<h2>Replays started here</h2>" + table(["job", "started", "by", "messages", "state"], rows)
        if rows
        else ""
    )
    return error_html + form("/console/archive/dry-run", csrf, inner, cls="archive") + listing


def archive_confirm_body(
    fields: Mapping[str, str], targets: Sequence[str], counts: Mapping[str, int], csrf: str
) -> str:
    carried = "".join(
        f'<input type="hidden" name="{k}" value="{esc(fields.get(k, ""))}">' for k in _FIELDS
    ) + "".join(f'<input type="hidden" name="target" value="{esc(t)}">' for t in targets)
    total = sum(counts.values())
    chosen = [f"{k.replace('_', ' ')} {fields[k]}" for k in _FIELDS if fields.get(k)]
    into = ", ".join(targets) or "the targets of each event"
    per = ", ".join(f"{esc(t)}: {n}" for t, n in sorted(counts.items())) or "none"
    return (
        f'<p class="confirm" id="dry-run">Dry run: <b>{total}</b> deliveries would be replayed'
        f" ({per}).</p>"
        f'<p class="note">Selected: {esc("; ".join(chosen))}; into {esc(into)}.</p>'
        + form(
            "/console/archive/replay",
            csrf,
            carried + f'<button type="submit" id="confirm">Yes, replay {total}</button>'
            ' <a href="/console/archive">Cancel</a>',
        )
    )


def archive_job_body(job: ArchiveJob) -> str:
    state = "done" if job.done else "running…"
    sent = ", ".join(f"{esc(t)}: {n}" for t, n in sorted(job.sent.items())) or "none yet"
    error = f'<p class="error">{esc(job.error)}</p>' if job.error else ""
    refresh = "" if job.done else '<meta http-equiv="refresh" content="2">'
    return (
        refresh + f'<p id="job-state" class="note">Replay {esc(job.id)} by {esc(job.actor)}, '
        f"started {esc(when(job.started))}: <b>{esc(state)}</b></p>"
        f"<p>Messages replayed: <b id='job-matched'>{job.matched}</b>; "
        f"deliveries per target: {sent}.</p>" + error
    )
