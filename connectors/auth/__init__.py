"""Outbound auth methods: none, API key header, basic, OAuth2 client credentials, HMAC."""

from __future__ import annotations

import httpx

from connectors.auth.base import OutboundAuth
from connectors.auth.hmac_signature import HmacSigner
from connectors.auth.oauth2 import ClientCredentials
from connectors.auth.static import ApiKeyHeader, Basic, NoCredentials
from omnihub.config.model import (
    ApiKeyHeaderAuth,
    BasicAuth,
    HmacSignatureAuth,
    NoAuth,
    OAuth2ClientCredentials,
    TargetAuth,
)

__all__ = [
    "ApiKeyHeader",
    "Basic",
    "ClientCredentials",
    "HmacSigner",
    "NoCredentials",
    "OutboundAuth",
    "build_auth",
]


def build_auth(config: TargetAuth, client: httpx.AsyncClient) -> OutboundAuth:
    """The auth method a target's configuration asks for."""
    match config:
        case NoAuth():
            return NoCredentials()
        case ApiKeyHeaderAuth(header=header, value=value):
            return ApiKeyHeader(header, value.reveal())
        case BasicAuth(username=username, password=password):
            return Basic(username, password.reveal())
        case OAuth2ClientCredentials():
            return ClientCredentials(config, client)
        case HmacSignatureAuth():
            return HmacSigner(config)
    raise TypeError(f"no outbound auth for {type(config).__name__}")
