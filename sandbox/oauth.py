"""A small OAuth2 authorization server (client credentials) and bearer-protected systems.

    POST /oauth/token                 grant_type=client_credentials; the client by HTTP
                                      basic auth or client_id/client_secret in the form
    PUT  /_sandbox/oauth              {"clients": {id: secret}, "expires_in": s,
                                       "protect": ["erp", ...]}  (replaces the settings,
                                      forgets tokens and counts)
    GET  /_sandbox/oauth              tokens issued, tokens valid now, settings (no secrets)
    POST /_sandbox/oauth/revoke       every token issued so far stops working (401)

A protected system answers ``401`` with ``WWW-Authenticate: Bearer error="invalid_token"``
to a request without a valid, unexpired bearer token (recorded like any rejection).
By default no client is registered and no system is protected.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, unquote

import msgspec
from litestar import Request, Response, Router, get, post, put
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import JSONBody

from sandbox.state import SandboxState, StoredResponse

__all__ = ["OAuthSettings", "OAuthState", "OAuthView", "bearer_guard", "oauth_control", "token"]

Sandbox = NamedDependency[SandboxState]


class OAuthSettings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    clients: dict[str, str] = {}
    expires_in: int = 3600
    protect: list[str] = []


class OAuthView(msgspec.Struct, frozen=True, kw_only=True):
    clients: list[str]
    expires_in: int
    protect: list[str]
    issued: int
    active: int


class OAuthState:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self.settings = OAuthSettings()
        self.tokens: dict[str, float] = {}  # token -> expires at (Unix time)
        self.issued = 0

    def configure(self, settings: OAuthSettings) -> None:
        """New settings, and a fresh start: no token issued yet."""
        self.settings = settings
        self.tokens.clear()
        self.issued = 0

    def issue(self) -> str:
        token = "sbx_" + secrets.token_urlsafe(24)
        self.tokens[token] = self._clock() + self.settings.expires_in
        self.issued += 1
        return token

    def valid(self, token: str) -> bool:
        expires = self.tokens.get(token)
        return expires is not None and self._clock() < expires

    def revoke_all(self) -> None:
        self.tokens.clear()

    def view(self) -> OAuthView:
        return OAuthView(
            clients=sorted(self.settings.clients),
            expires_in=self.settings.expires_in,
            protect=sorted(self.settings.protect),
            issued=self.issued,
            active=sum(1 for t in self.tokens if self.valid(t)),
        )


def _state(sandbox: SandboxState) -> OAuthState:
    state = getattr(sandbox, "oauth", None)
    if state is None:
        state = OAuthState()
        sandbox.oauth = state  # type: ignore[attr-defined]
    return state


def _client(request: Request[Any, Any, Any], form: dict[str, list[str]]) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            raw = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        cid, _, secret = raw.partition(":")
        return unquote(cid), unquote(secret)
    return form.get("client_id", [""])[0], form.get("client_secret", [""])[0]


def _json(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Response[bytes]:
    return Response(
        content=msgspec.json.encode(body),
        status_code=status,
        media_type="application/json",
        headers={"cache-control": "no-store", **(headers or {})},
    )


@post("/oauth/token")
async def token(request: Request[Any, Any, Any], sandbox: Sandbox) -> Response[bytes]:
    state = _state(sandbox)
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    if form.get("grant_type", [""])[0] != "client_credentials":
        return _json(400, {"error": "unsupported_grant_type"})
    cid, secret = _client(request, form)
    expected = state.settings.clients.get(cid)
    if expected is None or not secrets.compare_digest(expected, secret):
        return _json(401, {"error": "invalid_client"}, {"www-authenticate": "Basic"})
    return _json(
        200,
        {
            "access_token": state.issue(),
            "token_type": "Bearer",
            "expires_in": state.settings.expires_in,
        },
    )


def bearer_guard(
    sandbox: SandboxState, system: str, authorization: str | None
) -> StoredResponse | None:
    """401 for a protected system without a valid bearer token; None otherwise."""
    state = _state(sandbox)
    if system not in state.settings.protect:
        return None
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() == "bearer" and state.valid(value.strip()):
        return None
    return StoredResponse(
        status=401,
        body=msgspec.json.encode(
            {"title": "Unauthorized", "status": 401, "detail": "missing, unknown or expired token"}
        ),
        media_type="application/problem+json",
        headers=(("www-authenticate", 'Bearer error="invalid_token"'),),
    )


@put("/oauth")
async def configure(sandbox: Sandbox, data: JSONBody[OAuthSettings]) -> OAuthView:
    state = _state(sandbox)
    state.configure(data)
    return state.view()


@get("/oauth")
async def view(sandbox: Sandbox) -> OAuthView:
    return _state(sandbox).view()


@post("/oauth/revoke", status_code=200)
async def revoke(sandbox: Sandbox) -> OAuthView:
    state = _state(sandbox)
    state.revoke_all()
    return state.view()


def oauth_control() -> list[HTTPRouteHandler]:
    return [configure, view, revoke]


def oauth_router() -> Router:
    return Router(path="/_sandbox", route_handlers=oauth_control())
