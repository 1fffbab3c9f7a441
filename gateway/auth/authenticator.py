"""Per route: pick the authentication method the request uses among those the route accepts.

A webhook route needs the body before it knows the caller (the signature covers it);
every other route authenticates from headers alone, before the body is read.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from gateway.auth.apikeys import ApiKeyIndex
from gateway.auth.principal import Principal, unauthenticated
from gateway.auth.tokens import TokenService
from gateway.auth.webhooks import SignedWebhook, WebhookVerifier
from omnihub.config.model import Route

__all__ = ["Credentials", "RouteAuthenticator"]

_WHAT = {
    "api_key": "an API key (Authorization: Bearer <key> or the {header} header)",
    "oauth2": "an OAuth2 access token (Authorization: Bearer <token>)",
    "webhook_standard": "a Standard Webhooks signature",
    "webhook_shopify": "a Shopify webhook signature (X-Shopify-Hmac-Sha256)",
}


class Credentials:
    """The shared indexes every route's authenticator looks credentials up in."""

    def __init__(
        self, api_keys: ApiKeyIndex, tokens: TokenService, webhooks: WebhookVerifier
    ) -> None:
        self.api_keys = api_keys
        self.tokens = tokens
        self.webhooks = webhooks


def _looks_like_jwt(value: str) -> bool:
    return value.count(".") == 2 and value.startswith("eyJ")


class RouteAuthenticator:
    def __init__(self, route: Route, credentials: Credentials) -> None:
        self._c = credentials
        self._api_key = "api_key" in route.auth
        self._oauth = "oauth2" in route.auth
        self._standard = "webhook_standard" in route.auth
        self._shopify = "webhook_shopify" in route.auth
        self._header = route.api_key_header.lower()
        self._tolerance = route.webhook_tolerance.total_seconds()
        self.needs_body = self._standard or self._shopify
        self._expected = " or ".join(
            _WHAT[m].format(header=route.api_key_header) for m in route.auth
        )

    async def authenticate(self, headers: Mapping[str, str]) -> Principal:
        """Header-based methods: API key or access token."""
        auth = headers.get("authorization")
        if auth:
            scheme, _, value = auth.partition(" ")
            value = value.strip()
            if scheme.lower() == "bearer" and value:
                if self._oauth and _looks_like_jwt(value):
                    return await self._c.tokens.verify(value)
                if self._api_key:
                    principal = self._c.api_keys.lookup(value)
                    if principal is None:
                        raise unauthenticated("the API key is not valid")
                    return principal
                if self._oauth:
                    raise unauthenticated("the access token is not a JWT", error="invalid_token")
        if self._api_key and (value := headers.get(self._header, "")):
            principal = self._c.api_keys.lookup(value)
            if principal is None:
                raise unauthenticated("the API key is not valid")
            return principal
        raise unauthenticated(f"no credentials: this route accepts {self._expected}")

    async def authenticate_signed(self, headers: Mapping[str, str], body: bytes) -> SignedWebhook:
        """Webhook routes: a signature over the body, else the header-based methods."""
        if self._standard and "webhook-signature" in headers:
            return self._c.webhooks.standard(
                headers, body, now=time.time(), tolerance_s=self._tolerance
            )
        if self._shopify and "x-shopify-hmac-sha256" in headers:
            return self._c.webhooks.shopify(headers, body)
        return SignedWebhook(await self.authenticate(headers), None)
