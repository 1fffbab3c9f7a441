"""API keys: Bearer or the route's header, several per partner, never echoed."""

from __future__ import annotations

import httpx

from tests.gateway.edge import Creds
from tests.support.orders import order


async def test_each_of_a_partners_keys_is_accepted_as_bearer(
    edge: httpx.AsyncClient, creds: Creds
) -> None:
    for key in creds.acme_keys:
        response = await edge.post(
            "/v2/orders", json=order(), headers={"Authorization": f"Bearer {key}"}
        )
        assert response.status_code == 202, response.text


async def test_key_in_the_configured_header_is_accepted(
    edge: httpx.AsyncClient, creds: Creds
) -> None:
    response = await edge.post(
        "/v2/orders", json=order(), headers={"X-Partner-Key": creds.acme_keys[1]}
    )
    assert response.status_code == 202, response.text


async def test_unknown_key_is_401_problem_without_the_key(edge: httpx.AsyncClient) -> None:
    response = await edge.post(
        "/v2/orders", json=order(), headers={"Authorization": "Bearer ohk_not_a_key_123"}
    )
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "ohk_not_a_key_123" not in response.text


async def test_missing_credentials_are_401_naming_the_accepted_methods(
    edge: httpx.AsyncClient,
) -> None:
    response = await edge.post("/v2/orders", json=order())
    assert response.status_code == 401
    detail = response.json()["detail"]
    assert "X-Partner-Key" in detail and "OAuth2" in detail


async def test_a_key_in_the_default_header_is_not_read_when_the_route_names_another(
    edge: httpx.AsyncClient, creds: Creds
) -> None:
    response = await edge.post(
        "/v2/orders", json=order(), headers={"X-Api-Key": creds.acme_keys[0]}
    )
    assert response.status_code == 401
