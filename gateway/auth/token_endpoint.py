"""``POST /oauth/token`` (RFC 6749 §4.4, client credentials) and ``/.well-known/jwks.json``.

Clients authenticate with ``client_secret_basic`` (HTTP Basic, id and secret
form-urlencoded first, §2.3.1) or ``client_secret_post`` (form fields); the secret is
compared as a SHA-256 digest, in constant time. Errors are problem+json that also carry
the OAuth ``error`` and ``error_description`` members, so OAuth client libraries and
humans both understand them.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import Any
from urllib.parse import parse_qs, unquote_plus

import msgspec
from litestar import Request, Response
from litestar.handlers import HTTPRouteHandler

from gateway.auth.apikeys import hash_secret
from gateway.auth.tokens import TokenService
from gateway.edge.problems import ProblemError

__all__ = ["TokenResponse", "jwks_handler", "token_handler"]

TOKEN_PATH = "/oauth/token"
JWKS_PATH = "/.well-known/jwks.json"
FORM = "application/x-www-form-urlencoded"
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class TokenResponse(msgspec.Struct, frozen=True):
    access_token: str
    token_type: str
    expires_in: int
    scope: str


_encoder = msgspec.json.Encoder()


def _oauth_error(status: int, error: str, description: str, **headers: str) -> ProblemError:
    return ProblemError(
        status,
        description,
        kind=f"oauth-{error.replace('_', '-')}",
        headers={**_NO_STORE, **headers},
        error=error,
        error_description=description,
    )


def _basic(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise _oauth_error(401, "invalid_client", "the Basic credentials are not valid") from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise _oauth_error(401, "invalid_client", "the Basic credentials are not valid")
    return unquote_plus(client_id), unquote_plus(secret)


class _TokenEndpoint:
    def __init__(self, tokens: TokenService) -> None:
        self.tokens = tokens

    async def __call__(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != FORM:
            raise _oauth_error(400, "invalid_request", f"send the request as {FORM}")
        try:
            form = parse_qs((await request.body()).decode(), strict_parsing=False)
        except UnicodeDecodeError:
            raise _oauth_error(400, "invalid_request", "the form is not UTF-8") from None
        if any(len(v) > 1 for v in form.values()):
            raise _oauth_error(400, "invalid_request", "each parameter may be sent once")
        fields = {k: v[0] for k, v in form.items()}
        if fields.get("grant_type") != "client_credentials":
            raise _oauth_error(
                400, "unsupported_grant_type", "only grant_type=client_credentials is supported"
            )
        basic = _basic(request.headers.get("authorization", ""))
        challenge = {"WWW-Authenticate": 'Basic realm="omnihub"'} if basic else {}
        if basic and ("client_secret" in fields):
            raise _oauth_error(400, "invalid_request", "authenticate with one method only")
        client_id, secret = basic or (fields.get("client_id", ""), fields.get("client_secret", ""))
        known = self.tokens.client(client_id) if client_id else None
        # Compare a digest even for an unknown client, so timing does not tell them apart.
        expected = known[1] if known else "0" * 64
        if not hmac.compare_digest(hash_secret(secret), expected) or known is None:
            raise _oauth_error(
                401, "invalid_client", "unknown client or wrong client secret", **challenge
            )
        partner = known[0]
        held = self.tokens.partner_scopes(partner)
        requested = fields.get("scope", "").split()
        missing = [s for s in requested if s not in held]
        if missing:
            raise _oauth_error(
                400, "invalid_scope", f"the client may not have the scope(s) {', '.join(missing)}"
            )
        scopes = requested or sorted(held)
        token, lifetime = self.tokens.issue(partner, client_id, scopes)
        body = TokenResponse(token, "Bearer", lifetime, " ".join(scopes))
        return Response(
            _encoder.encode(body), status_code=200, media_type="application/json", headers=_NO_STORE
        )


def token_handler(tokens: TokenService) -> HTTPRouteHandler:
    endpoint = _TokenEndpoint(tokens)

    async def issue_token(request: Request[Any, Any, Any]) -> Response[bytes]:
        return await endpoint(request)

    return HTTPRouteHandler(
        path=TOKEN_PATH,
        http_method="POST",
        status_code=200,
        request_max_body_size=8192,
        name="oauth:token",
        operation_id="oauth_token",
        summary="Get an access token (OAuth2 client credentials)",
        tags=["oauth"],
    )(issue_token)


def jwks_handler(jwks: dict[str, Any]) -> HTTPRouteHandler:
    document = _encoder.encode(jwks)

    async def jwks_json() -> Response[bytes]:
        return Response(
            document,
            media_type="application/json",
            headers={"Cache-Control": "public, max-age=300"},
        )

    return HTTPRouteHandler(
        path=JWKS_PATH,
        http_method="GET",
        name="oauth:jwks",
        operation_id="jwks",
        summary="The hub's token signing keys (JWK Set)",
        tags=["oauth"],
    )(jwks_json)
