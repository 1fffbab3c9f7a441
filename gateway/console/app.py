"""The operations console: a Litestar app served by `omnihub console` (and in `omnihub
dev`), every asset from this package, so the browser asks nothing of any other host.

    GET  /console/login, POST /console/login, POST /console/logout
    GET  /console/                    overview (GET /console/overview/live refreshes it)
    GET  /console/find?q=             find a message
    GET  /console/dlq?target=&...     dead letters; GET /console/dlq/{target}/{id}
    POST /console/dlq/{target}/act    replay / discard: a dry-run count, then confirm=yes
    GET  /console/archive             archive replay; POST .../dry-run, .../replay
    GET  /console/archive/jobs/{id}   a replay's progress
    GET  /console/partners            keys; POST .../{partner}/keys, .../keys/{id}/revoke
    GET  /console/config              routes -> events -> targets, versions, routes check
    GET  /console/audit               every change made here: who, what, when

Every page but the sign-in needs a session (see `sessions.py`); every POST but the
sign-in needs the session's CSRF token (403 without it, nothing changed); every change
is written to the audit log before it is made.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from litestar import Litestar, Request, Response, get
from litestar.response import Redirect
from litestar.static_files import create_static_files_router

from gateway.auth import ApiKeyIndex
from gateway.auth.key_reload import PolicyKeyWatcher
from gateway.console.archive_jobs import ArchiveJobs
from gateway.console.changes import change_handlers
from gateway.console.dlq_verifier import DlqVerifier
from gateway.console.guard import Guard, NeedsSignIn, Refused, refused_page, sign_in_redirect
from gateway.console.on_disk import ExtraChecks
from gateway.console.sampler import Sampler
from gateway.console.services import BrokerAway, ConsoleServices
from gateway.console.sessions import Sessions
from gateway.console.views import view_handlers
from omnihub.config.model import HubConfig
from omnihub.journey import JourneyStore, StoreUnavailable
from omnihub.redis_client import close_redis, connect_redis
from omnihub.settings import Settings

__all__ = ["create_console_app"]

STATIC = Path(__file__).parent / "static"
SECURITY_HEADERS = {
    # Everything from this origin only: a page of the console cannot load or call anything
    # elsewhere, even if a payload shown on it carried markup.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self';"
    " script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _signed_out(_: Request[Any, Any, Any], exc: NeedsSignIn) -> Response[Any]:
    return sign_in_redirect(exc)


def _refused(_: Request[Any, Any, Any], exc: Refused) -> Response[Any]:
    return refused_page(exc)


def _away(_: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    what = "the broker" if isinstance(exc, BrokerAway) else "the journey store (PostgreSQL)"
    return refused_page(
        Refused(
            503,
            f"{what} cannot be reached right now ({exc}); nothing was changed, try again in a"
            " moment.",
        )
    )


def create_console_app(
    config: HubConfig,
    settings: Settings,
    *,
    scrape: list[str] | None = None,
    checks: ExtraChecks | None = None,
) -> Litestar:
    """``scrape``: Prometheus endpoints of the hub's gateways and workers to chart;
    ``checks``: what `routes check` runs besides loading the configuration."""
    journeys = JourneyStore.open(config, settings, part="console")
    redis = connect_redis(settings)
    keys = ApiKeyIndex(config)
    watcher = PolicyKeyWatcher(config.directory, keys, redis, settings.names)
    sampler = Sampler(config, settings, journeys.database, scrape or [])
    services = ConsoleServices(config, settings, journeys, Sessions(keys), sampler, redis, checks)
    guard = Guard(services.sessions)
    jobs = ArchiveJobs(services)
    verifier = DlqVerifier(services)

    @contextlib.asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        watcher.start()
        sampler.start()
        # the first load of the configuration with its checks takes a second or more:
        # done now, so the first view of Partners or Configuration does not wait for it
        warm = asyncio.get_running_loop().create_task(services.on_disk.load())
        try:
            yield
        finally:
            warm.cancel()
            await jobs.stop()
            await verifier.stop()
            await services.close()
            await sampler.stop()
            await watcher.stop()
            await journeys.close()
            await close_redis(redis)

    @get("/", include_in_schema=False)
    async def root() -> Redirect:
        return Redirect("/console/")

    static = create_static_files_router(
        path="/console/static",
        directories=[STATIC],
        include_in_schema=False,
        cache_control=None,
    )
    app = Litestar(
        route_handlers=[
            root,
            static,
            *view_handlers(services, guard, jobs, verifier),
            *change_handlers(services, guard, jobs),
        ],
        lifespan=[lifespan],
        response_headers=SECURITY_HEADERS,
        exception_handlers={
            NeedsSignIn: _signed_out,
            Refused: _refused,
            BrokerAway: _away,
            StoreUnavailable: _away,
        },
        openapi_config=None,
        logging_config=None,  # the process configures logging (omnihub.logs), not the app
    )
    app.state.console = services
    return app
