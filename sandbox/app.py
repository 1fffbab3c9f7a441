"""The sandbox application factory."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Litestar, Request, Response
from litestar.di import Provide
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.logging.config import LoggingConfig
from litestar.types import Receive, Scope, Send

from sandbox.dropper import down_system, drop_connection
from sandbox.errors import InvalidName, InvalidWebhookSecret, NotAWebhookSystem
from sandbox.models import FieldError
from sandbox.oauth import oauth_router
from sandbox.oauth import token as oauth_token
from sandbox.responses import problem_answer, to_response
from sandbox.routes_control import control_router
from sandbox.routes_targets import TARGET_HANDLERS
from sandbox.state import SandboxState

if TYPE_CHECKING:  # pyas2lib is imported only by apps that simulate an AS2 partner
    from sandbox.as2_partner import As2Partner


class SandboxApp(Litestar):
    """Litestar app that can drop a connection for a system in ``down`` mode.

    The check runs before Litestar sees the request because only the server's own
    ``send`` leads to the connection (see ``sandbox.dropper``).
    """

    sandbox: SandboxState

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # type: ignore[override]
        if scope["type"] == ScopeType.HTTP:
            state = down_system(self.sandbox, scope["path"])
            if state is not None:
                await drop_connection(state, send)
                return
        await super().__call__(scope, receive, send)


def _not_found(_: Request[Any, Any, Any], exc: InvalidName | NotAWebhookSystem) -> Response[bytes]:
    return to_response(problem_answer(404, str(exc)))


def _field_errors(extra: object) -> list[FieldError]:
    """Litestar's validation details (``[{"key", "message", "source"}]``) as field errors."""
    if not isinstance(extra, list):
        return []
    errors = []
    for item in extra:
        if isinstance(item, dict):
            key = str(item.get("key") or "")
            pointer = f"/{key}" if key else ""
            errors.append(FieldError(field=key, pointer=pointer, message=str(item.get("message"))))
    return errors


def _http_problem(_: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    """Litestar's own errors (unknown route, wrong method, invalid control body) as
    problem+json, like every other error the sandbox answers."""
    headers = tuple((exc.headers or {}).items())
    errors = _field_errors(exc.extra)
    return to_response(problem_answer(exc.status_code, exc.detail, errors=errors, headers=headers))


def _invalid_secret(_: Request[Any, Any, Any], exc: InvalidWebhookSecret) -> Response[bytes]:
    return to_response(problem_answer(400, str(exc)))


def create_sandbox_app(
    state: SandboxState | None = None, *, as2: As2Partner | None = None
) -> SandboxApp:
    """A sandbox of simulated ERP, WMS, carrier, partner and generic systems.

    ``state`` holds everything the app records; pass one to inspect it directly, or let
    the app make a fresh one (reachable as ``app.sandbox``). ``as2`` adds a simulated
    AS2 trading partner (`sandbox.as2_partner`) at its path.
    """
    sandbox = state if state is not None else SandboxState()

    def provide_sandbox() -> SandboxState:
        return sandbox

    app = SandboxApp(
        route_handlers=[
            control_router(),
            oauth_router(),
            oauth_token,
            *TARGET_HANDLERS,
            *([as2.handler()] if as2 is not None else []),
        ],
        dependencies={"sandbox": Provide(provide_sandbox, sync_to_thread=False)},
        exception_handlers={
            HTTPException: _http_problem,
            InvalidName: _not_found,
            NotAWebhookSystem: _not_found,
            InvalidWebhookSecret: _invalid_secret,
        },
        openapi_config=None,
        # Log handler errors on the "litestar" logger; leave the root logger alone.
        logging_config=LoggingConfig(configure_root_logger=False, log_exceptions="always"),
    )
    app.sandbox = sandbox
    return app
