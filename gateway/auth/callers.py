"""Who calls the hub's own endpoints (message status, admin API): API key or access token.

Partner routes choose their methods in the configuration; these endpoints accept either,
as ``Authorization: Bearer <key or token>`` or the ``X-Api-Key`` header.
"""

from __future__ import annotations

from collections.abc import Mapping

from gateway.auth import Credentials, Principal, authorize
from gateway.auth.principal import unauthenticated

__all__ = ["ADMIN_SCOPE", "Callers"]

ADMIN_SCOPE = "admin"


def _looks_like_jwt(value: str) -> bool:
    return value.count(".") == 2 and value.startswith("eyJ")


class Callers:
    def __init__(self, credentials: Credentials) -> None:
        self._c = credentials

    async def identify(self, headers: Mapping[str, str]) -> Principal:
        scheme, _, value = headers.get("authorization", "").partition(" ")
        value = value.strip()
        if scheme.lower() == "bearer" and value:
            if _looks_like_jwt(value):
                return await self._c.tokens.verify(value)
        else:
            value = headers.get("x-api-key", "").strip()
        if not value:
            raise unauthenticated(
                "no credentials: send an API key or an access token as Authorization: Bearer"
            )
        principal = self._c.api_keys.lookup(value)
        if principal is None:
            raise unauthenticated("the API key is not valid")
        return principal

    async def admin(self, headers: Mapping[str, str]) -> Principal:
        principal = await self.identify(headers)
        authorize(principal, (ADMIN_SCOPE,))
        return principal
