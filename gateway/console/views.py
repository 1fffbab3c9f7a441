"""The console's pages (GET): sign-in, overview, find, dead letters, archive replay,
partners, configuration, audit log."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.handlers import HTTPRouteHandler
from litestar.response import Redirect

from gateway.console.archive_jobs import ArchiveJobs
from gateway.console.dlq_verifier import DlqVerifier
from gateway.console.guard import Guard, html
from gateway.console.html import esc, find_href, link, page, table, when
from gateway.console.page_archive import archive_form_body, archive_job_body
from gateway.console.page_config import config_body
from gateway.console.page_dlq import DlqQuery, dlq_body, dlq_listing, dlq_message_body
from gateway.console.page_find import find_body, payload_details, payload_fragment
from gateway.console.page_overview import overview_live
from gateway.console.page_partners import partners_body
from gateway.console.services import ConsoleServices
from gateway.console.sessions import COOKIE
from omnihub.replay.dlq import DeadLetterFilter

__all__ = ["view_handlers"]

_LOGIN = (
    '<form method="post" action="/console/login" class="login">'
    "<p>Sign in with an API key of a partner that has the <code>admin</code> scope "
    "(the credentials of the admin API).</p>{error}"
    '<input type="hidden" name="next" value="{next}">'
    '<label>API key <input type="password" name="api_key" autocomplete="off" autofocus></label>'
    '<button type="submit">Sign in</button></form>'
)


def _safe_next(value: str) -> str:
    return value if value.startswith("/console/") and "//" not in value else "/console/"


def view_handlers(
    services: ConsoleServices, guard: Guard, jobs: ArchiveJobs, verifier: DlqVerifier
) -> list[HTTPRouteHandler]:
    @get("/console/login", include_in_schema=False)
    async def login_page(request: Request[Any, Any, Any]) -> Response[str]:
        error = request.query_params.get("error", "")
        body = _LOGIN.format(
            error=f'<p class="error">{esc(error)}</p>' if error else "",
            next=esc(_safe_next(request.query_params.get("next", "/console/"))),
        )
        return html(page("Sign in", body, path="", actor=None, csrf=None))

    @post("/console/login", include_in_schema=False, status_code=303)
    async def login(request: Request[Any, Any, Any]) -> Response[Any]:
        form = await request.form()
        back = _safe_next(str(form.get("next") or "/console/"))
        result = services.sessions.sign_in(str(form.get("api_key") or ""))
        if isinstance(result, str):
            return html(
                page(
                    "Sign in",
                    _LOGIN.format(
                        error=f'<p class="error" id="login-error">{esc(result)}</p>', next=esc(back)
                    ),
                    path="",
                    actor=None,
                    csrf=None,
                ),
                401,
            )
        session_id, session = result
        await services.audit.record(session.actor, "sign-in", "signed in to the console")
        cookie = Cookie(
            key=COOKIE, value=session_id, path="/console", httponly=True, samesite="strict"
        )
        return Redirect(back, cookies=[cookie], status_code=303)

    @get("/console/", include_in_schema=False)
    async def overview(request: Request[Any, Any, Any]) -> Response[str]:
        session = guard.session(request)
        live = overview_live(services.sampler.ring.samples(), services.sampler.unreachable)
        return guard.page(request, session, "Overview", f'<div id="live">{live}</div>')

    @get("/console/overview/live", include_in_schema=False)
    async def overview_fragment(request: Request[Any, Any, Any]) -> Response[str]:
        guard.session(request)
        return html(overview_live(services.sampler.ring.samples(), services.sampler.unreachable))

    @get("/console/find", include_in_schema=False)
    async def find(request: Request[Any, Any, Any]) -> Response[str]:
        session = guard.session(request)
        body = await find_body(services, request.query_params.get("q", ""))
        return guard.page(request, session, "Find a message", body)

    @get("/console/dlq", include_in_schema=False)
    async def dlq(request: Request[Any, Any, Any]) -> Response[str]:
        session = guard.session(request)
        first = sorted(services.config.targets)[0] if services.config.targets else ""
        query = DlqQuery.of(dict(request.query_params), first)
        if query.target not in services.config.targets:
            return guard.page(
                request,
                session,
                "Dead letters",
                f'<p class="error">No target {esc(query.target)}.</p>',
                404,
            )
        connection = await services.kept_broker()
        listing = await dlq_listing(
            services,
            connection,
            query.target,
            query.to_filter(),
            check=not verifier.busy(query.target),
        )
        verifier.viewed(query.target)
        body = dlq_body(
            services, query, listing, session.csrf, request.query_params.get("done", "")
        )
        return guard.page(request, session, "Dead letters", body)

    @get("/console/dlq/{target:str}/{message_id:str}", include_in_schema=False)
    async def dlq_message(
        request: Request[Any, Any, Any], target: str, message_id: str
    ) -> Response[str]:
        session = guard.session(request)
        if target not in services.config.targets:
            return guard.page(
                request,
                session,
                "Dead letter",
                f'<p class="error">No target {esc(target)}.</p>',
                404,
            )
        connection = await services.kept_broker()
        selection = DeadLetterFilter(message_ids=frozenset({message_id}))
        check = not verifier.busy(target)
        found = (await dlq_listing(services, connection, target, selection, 1, check=check)).items
        if not found:
            body = (
                f'<p class="empty">{esc(message_id)} is not in the dead-letter queue of '
                f"{esc(target)} (replayed or discarded?). "
                f"{link(find_href(message_id), 'Its journey')}</p>"
            )
            return guard.page(request, session, "Dead letter", body, 404)
        item = found[0]
        journey = await services.journeys.queries.get(item.message_id)
        entries = journey.entries if journey is not None else []
        body = dlq_message_body(item, entries, payload_details(item.message_id))
        return guard.page(request, session, f"Dead letter in {target}", body)

    @get("/console/payload/{message_id:str}", include_in_schema=False)
    async def payload(request: Request[Any, Any, Any], message_id: str) -> Response[str]:
        guard.session(request)
        return html(await payload_fragment(services, message_id))

    @get("/console/archive", include_in_schema=False)
    async def archive(request: Request[Any, Any, Any]) -> Response[str]:
        session = guard.session(request)
        body = archive_form_body(services, dict(request.query_params), session.csrf, "", jobs.all())
        return guard.page(request, session, "Archive replay", body)

    @get("/console/archive/jobs/{job_id:str}", include_in_schema=False)
    async def archive_job(request: Request[Any, Any, Any], job_id: str) -> Response[str]:
        session = guard.session(request)
        job = jobs.get(job_id)
        if job is None:
            return guard.page(
                request,
                session,
                "Archive replay",
                '<p class="error">No such replay in this console.</p>',
                404,
            )
        return guard.page(request, session, "Archive replay", archive_job_body(job))

    @get("/console/partners", include_in_schema=False)
    async def partners(request: Request[Any, Any, Any]) -> Response[str]:
        session = guard.session(request)
        body = await partners_body(services, session.csrf, request.query_params.get("done", ""))
        return guard.page(request, session, "Partners", body)

    @get("/console/config", include_in_schema=False)
    async def configuration(request: Request[Any, Any, Any]) -> Response[str]:
        session = guard.session(request)
        return guard.page(
            request, session, "Configuration", await config_body(services.config, services.on_disk)
        )

    @get("/console/audit", include_in_schema=False)
    async def audit(request: Request[Any, Any, Any]) -> Response[str]:
        session = guard.session(request)
        rows = [
            [esc(when(e.at)), esc(e.actor), esc(e.action), esc(e.detail)]
            for e in await services.audit.latest()
        ]
        body = '<p class="note">Every change made in the console, newest first (in PostgreSQL).</p>'
        body += table(["when", "who", "what", "detail"], rows, cls="audit")
        return guard.page(request, session, "Audit log", body)

    return [
        login_page,
        login,
        overview,
        overview_fragment,
        find,
        payload,
        dlq,
        dlq_message,
        archive,
        archive_job,
        partners,
        configuration,
        audit,
    ]
