"""OAuth2 client credentials (RFC 6749 §4.4) through Authlib, with a cached token.

The token is fetched on first use and shared by every delivery of the worker; it is
fetched again shortly before it expires (10% of its lifetime, at most 60 s, ahead), and
once when the target answers 401 to it. Concurrent deliveries wait for one fetch.

Authlib builds the token request (``prepare_token_request``) and holds the answer
(``OAuth2Token``); the request itself goes through the HTTP core's httpx client, so it
shares the connection pool, the timeout and the error mapping.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from urllib.parse import quote

import httpx
from authlib.oauth2.rfc6749 import OAuth2Token
from authlib.oauth2.rfc6749.parameters import prepare_token_request

from connectors.http_errors import map_httpx_error
from connectors.outcome import AuthRejected, TargetBusy
from connectors.redact import excerpt
from omnihub.config.model import OAuth2ClientCredentials

__all__ = ["ClientCredentials"]

MAX_LEEWAY_S = 60.0


class ClientCredentials:
    def __init__(
        self,
        config: OAuth2ClientCredentials,
        client: httpx.AsyncClient,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._config = config
        self._client = client
        self._clock = clock
        self._secret = config.client_secret.reveal()
        self._token: OAuth2Token | None = None
        self._refresh_at = 0.0
        self._lock = asyncio.Lock()
        self.fetches = 0  # how many tokens were fetched (health, tests)

    async def apply(self, request: httpx.Request) -> None:
        request.headers["authorization"] = f"Bearer {await self.access_token()}"

    async def refresh(self, request: httpx.Request) -> bool:
        """After a 401: drop the token that was refused (unless another fetch replaced it)."""
        sent = request.headers.get("authorization", "").removeprefix("Bearer ")
        async with self._lock:
            if self._token is not None and self._token.get("access_token") == sent:
                self._token = None
        return True

    def secrets(self) -> tuple[str, ...]:
        token = self._token.get("access_token") if self._token else None
        return (self._secret, token) if isinstance(token, str) else (self._secret,)

    async def access_token(self) -> str:
        token = self._current()
        if token is not None:
            return token
        async with self._lock:
            token = self._current()
            if token is None:
                token = await self._fetch()
            return token

    def _current(self) -> str | None:
        if self._token is None or self._clock() >= self._refresh_at:
            return None
        value = self._token.get("access_token")
        return value if isinstance(value, str) else None

    async def _fetch(self) -> str:
        c = self._config
        body = prepare_token_request("client_credentials", scope=c.scope or None)
        basic = (quote(c.client_id, safe=""), quote(self._secret, safe=""))
        what = f"token endpoint {c.token_url}"
        started = self._clock()
        try:
            response = await self._client.post(
                c.token_url,
                content=body.encode(),
                headers={"content-type": "application/x-www-form-urlencoded"},
                auth=basic,
            )
        except httpx.RequestError as exc:
            raise map_httpx_error(exc, what) from exc
        text = excerpt(response.text, (self._secret,))
        if response.status_code >= 500 or response.status_code == 429:
            raise TargetBusy(f"{what} answered {response.status_code}: {text}", excerpt=text)
        if response.status_code != 200:
            raise AuthRejected(
                f"{what} refused client '{c.client_id}' ({response.status_code}): {text}; "
                "check the client id and secret of this target",
                status=response.status_code,
                excerpt=text,
            )
        try:
            token = OAuth2Token(response.json())
            access = token["access_token"]
        except (ValueError, KeyError, TypeError) as exc:
            raise AuthRejected(f"{what} answered without an access_token: {text}") from exc
        lifetime = float(token.get("expires_in") or 3600)
        self._token = token
        self._refresh_at = started + lifetime - min(MAX_LEEWAY_S, lifetime * 0.1)
        self.fetches += 1
        return str(access)
