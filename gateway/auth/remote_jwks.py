"""Keys of an external identity provider, fetched from its JWKS URL and cached.

Keys are trusted for the issuer's `cache` duration. A token with an unknown `kid` makes
one refresh (the provider may have rotated), at most once per `MIN_REFRESH_S`, so a flood
of forged kids cannot turn the gateway into a load generator against the provider.
"""

from __future__ import annotations

import asyncio
import logging
import time

import httpx
import jwt

from omnihub.config.model import JwksTokenIssuer

__all__ = ["RemoteJwks"]

log = logging.getLogger("omnihub.gateway.jwks")
MIN_REFRESH_S = 10.0


class RemoteJwks:
    def __init__(self, issuer: JwksTokenIssuer, http: httpx.AsyncClient) -> None:
        self._url = issuer.jwks_url
        self._ttl = issuer.cache.total_seconds()
        self._http = http
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> jwt.PyJWK | None:
        now = time.monotonic()
        fresh = now - self._fetched_at < self._ttl
        if fresh and kid in self._keys:
            return self._keys[kid]
        if now - self._fetched_at >= MIN_REFRESH_S or not fresh:
            async with self._lock:
                if time.monotonic() - self._fetched_at >= MIN_REFRESH_S or not fresh:
                    await self._refresh()
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            response = await self._http.get(self._url, timeout=5.0)
            response.raise_for_status()
            keys = jwt.PyJWKSet.from_dict(response.json()).keys
        except (httpx.HTTPError, ValueError, jwt.PyJWTError) as exc:
            # Keep the keys we had: a provider outage must not lock every partner out.
            log.warning("cannot refresh JWKS from %s: %s", self._url, type(exc).__name__)
            return
        self._keys = {k.key_id: k for k in keys if k.key_id}
