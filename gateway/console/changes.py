"""The console's changes (POST, each with the session's CSRF token): sign out, replay or
discard dead letters, replay from the archive, add or revoke an API key. Each change is
written to the audit log before it is made; a replay or discard of many messages is
counted first (dry run) and made only once confirmed."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response, post
from litestar.handlers import HTTPRouteHandler
from litestar.response import Redirect

from gateway.auth import hash_secret, new_api_key
from gateway.auth.apikeys import visible_prefix
from gateway.console.archive_jobs import ArchiveJobs, count_matching
from gateway.console.guard import Guard, Refused
from gateway.console.html import esc
from gateway.console.page_archive import (
    ArchiveFormError,
    archive_confirm_body,
    archive_form_body,
    archive_request,
)
from gateway.console.page_dlq import DlqQuery, dlq_confirm_body, dlq_listing, dlq_queue
from gateway.console.services import ConsoleServices
from gateway.console.sessions import COOKIE
from omnihub.config.policy_keys import KeyFileError, add_api_key, remove_api_key

__all__ = ["change_handlers"]

_ACTIONS = ("replay-selected", "replay-filter", "discard-selected", "discard-filter")


def _flat(fields: dict[str, list[str]]) -> dict[str, str]:
    return {k: v[0] for k, v in fields.items() if v}


def _one(fields: dict[str, list[str]], name: str) -> str:
    return (fields.get(name) or [""])[0].strip()


def change_handlers(
    services: ConsoleServices, guard: Guard, jobs: ArchiveJobs
) -> list[HTTPRouteHandler]:
    audit = services.audit

    @post("/console/logout", include_in_schema=False, status_code=303)
    async def logout(request: Request[Any, Any, Any]) -> Redirect:
        session, _ = await guard.change(request)
        await audit.record(session.actor, "sign-out", "signed out of the console")
        services.sessions.sign_out(request.cookies.get(COOKIE))
        return Redirect("/console/login", status_code=303)

    @post("/console/dlq/{target:str}/act", include_in_schema=False, status_code=200)
    async def dlq_act(request: Request[Any, Any, Any], target: str) -> Response[Any]:
        session, fields = await guard.change(request)
        if target not in services.config.targets:
            raise Refused(404, f"No target {target}.")
        query = DlqQuery.of(_flat(fields), target)
        action, reason = _one(fields, "action"), _one(fields, "reason")
        ids = [i for i in fields.get("id", []) if i]
        if action not in _ACTIONS:
            raise Refused(400, "Choose replay or discard.")
        if action.endswith("selected") and not ids:
            raise Refused(400, "Select at least one message first; nothing was changed.")
        if action.startswith("discard") and not reason:
            raise Refused(
                400,
                "A discard needs a reason (it is kept in each message's journey); nothing was"
                " changed.",
            )
        selection = query.to_filter(ids if action.endswith("selected") else ())
        async with services.broker() as connection:
            if _one(fields, "confirm") != "yes":
                count = (await dlq_listing(services, connection, target, selection, 0)).matching
                body = dlq_confirm_body(query, action, ids, count, reason, session.csrf)
                return guard.page(request, session, "Dead letters: confirm", body)
            what = (
                f"{target}: {action} ({len(ids)} selected)"
                if ids
                else f"{target}: {action} {described(query)}"
            )
            queue = dlq_queue(services, connection, target)
            if action.startswith("replay"):
                await audit.record(session.actor, "dlq.replay", what)
                report = await queue.replay(selection, actor=session.actor)
                done = f"Replayed {len(report.message_ids)} message(s) of {target}."
            else:
                await audit.record(session.actor, "dlq.discard", f"{what}; reason: {reason}")
                discarded = await queue.discard(selection, actor=session.actor, reason=reason)
                done = f"Discarded {len(discarded)} message(s) of {target}: {reason}"
        await services.journeys.flush()  # the list shown next reads what was recorded
        return Redirect(f"/console/dlq?target={quote(target)}&done={quote(done)}", status_code=303)

    @post("/console/archive/dry-run", include_in_schema=False, status_code=200)
    async def archive_dry_run(request: Request[Any, Any, Any]) -> Response[Any]:
        session, fields = await guard.change(request)
        flat, targets = _flat(fields), fields.get("target", [])
        try:
            wanted = archive_request(services, flat, targets)
        except ArchiveFormError as exc:
            body = archive_form_body(services, flat, session.csrf, str(exc), jobs.all())
            return guard.page(request, session, "Archive replay", body, 400)
        counts = await count_matching(services, wanted)
        return guard.page(
            request,
            session,
            "Archive replay: confirm",
            archive_confirm_body(flat, targets, counts, session.csrf),
        )

    @post("/console/archive/replay", include_in_schema=False, status_code=303)
    async def archive_replay(request: Request[Any, Any, Any]) -> Response[Any]:
        session, fields = await guard.change(request)
        flat, targets = _flat(fields), fields.get("target", [])
        try:
            wanted = archive_request(services, flat, targets)
        except ArchiveFormError as exc:
            raise Refused(400, str(exc)) from None
        detail = ", ".join(
            f"{k}={flat[k]}"
            for k in ("start", "end", "route", "partner", "business_key")
            if flat.get(k)
        )
        await audit.record(
            session.actor,
            "archive.replay",
            f"{detail}; targets: {', '.join(targets) or 'those of each event'}",
        )
        job = jobs.start(session.actor, wanted)
        return Redirect(f"/console/archive/jobs/{job.id}", status_code=303)

    @post("/console/partners/{partner:str}/keys", include_in_schema=False, status_code=200)
    async def add_key(request: Request[Any, Any, Any], partner: str) -> Response[Any]:
        session, _ = await guard.change(request)
        key = new_api_key()
        await audit.record(
            session.actor, "key.add", f"partner {partner}, prefix {visible_prefix(key)}"
        )
        try:
            _, key_id = add_api_key(
                services.config.directory, partner, hash_secret(key), visible_prefix(key)
            )
        except KeyFileError as exc:
            raise Refused(409, str(exc)) from None
        body = (
            f'<p class="confirm">New API key <b>{esc(key_id)}</b> of {esc(partner)}. It is shown'
            " only now: "
            "hand it to the partner over a secure channel. Gateways accept it within seconds.</p>"
            f'<pre class="payload" id="new-key">{esc(key)}</pre><p><a'
            ' href="/console/partners">Back to partners</a></p>'
        )
        return guard.page(request, session, "New API key", body)

    @post(
        "/console/partners/{partner:str}/keys/{key_id:str}/revoke",
        include_in_schema=False,
        status_code=303,
    )
    async def revoke_key(
        request: Request[Any, Any, Any], partner: str, key_id: str
    ) -> Response[Any]:
        session, _ = await guard.change(request)
        await audit.record(session.actor, "key.revoke", f"partner {partner}, key {key_id}")
        try:
            remove_api_key(services.config.directory, partner, key_id)
        except KeyFileError as exc:
            raise Refused(409, str(exc)) from None
        done = f"Revoked key {key_id} of {partner}; gateways refuse it within seconds."
        return Redirect(f"/console/partners?done={quote(done)}", status_code=303)

    return [logout, dlq_act, archive_dry_run, archive_replay, add_key, revoke_key]


def described(query: DlqQuery) -> str:
    parts = [
        f"{k}={v}"
        for k, v in (
            ("partner", query.partner),
            ("route", query.route),
            ("cause", query.error),
            ("older than", query.older_than),
        )
        if v
    ]
    return "matching " + (", ".join(parts) or "all")
