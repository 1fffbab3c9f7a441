"""Tokens of an external identity provider, verified through its JWKS URL."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from litestar import Litestar, get

from omnihub.settings import Settings
from tests.gateway.edge import Creds, write_config
from tests.support.hub import running_app, running_gateway

INVENTORY = {
    "event_id": "INV-9",
    "kind": "adjustment",
    "location_id": "DC-1",
    "occurred_at": "2026-11-23T10:00:00Z",
    "lines": [{"sku": "SKU-1", "quantity": {"value": "3"}, "status": "on_hand"}],
}

IDP_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jwks() -> dict[str, Any]:
    jwk = RSAAlgorithm.to_jwk(IDP_KEY.public_key(), as_dict=True)
    return {"keys": [{**jwk, "kid": "idp-1", "alg": "RS256", "use": "sig"}]}


@get("/jwks.json")
async def jwks_document() -> dict[str, Any]:
    return _jwks()


def _idp_token(**overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": "https://idp.test",
        "aud": "omnihub-test",
        "azp": "beta-idp-client",
        "sub": "service-account-7",
        "scope": "inventory:write",
        "iat": now,
        "exp": now + 300,
        **overrides,
    }
    return jwt.encode(claims, IDP_KEY, algorithm="RS256", headers={"kid": "idp-1", "typ": "at+jwt"})


@pytest.fixture
async def idp_gateway(
    creds: Creds, settings: Settings, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with running_app(Litestar([jwks_document]), lifespan="off") as idp:
        config = write_config(tmp_path, creds, jwks_url=f"{idp}/jwks.json")
        async with running_gateway(config, settings) as url, httpx.AsyncClient(base_url=url) as c:
            yield c


async def test_token_of_the_external_provider_is_accepted(idp_gateway: httpx.AsyncClient) -> None:
    response = await idp_gateway.post(
        "/v1/inventory", json=INVENTORY, headers={"Authorization": f"Bearer {_idp_token()}"}
    )
    assert response.status_code == 202, response.text


async def test_external_token_for_an_unregistered_client_is_403(
    idp_gateway: httpx.AsyncClient,
) -> None:
    token = _idp_token(azp="someone-else")
    response = await idp_gateway.post(
        "/v1/inventory", json=INVENTORY, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403


async def test_external_token_with_another_audience_is_401(
    idp_gateway: httpx.AsyncClient,
) -> None:
    token = _idp_token(aud="another-api")
    response = await idp_gateway.post(
        "/v1/inventory", json=INVENTORY, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401
