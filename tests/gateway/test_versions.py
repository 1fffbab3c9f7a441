"""API versions: deprecation headers, 410 after sunset, 404 listing supported versions."""

from __future__ import annotations

import httpx

from tests.gateway.edge import Creds
from tests.support.orders import order


def _auth(creds: Creds) -> dict[str, str]:
    return {"Authorization": f"Bearer {creds.acme_keys[0]}"}


async def test_deprecated_version_answers_with_deprecation_sunset_and_link(
    edge: httpx.AsyncClient, creds: Creds
) -> None:
    response = await edge.post("/v1/orders", json=order(), headers=_auth(creds))
    assert response.status_code == 202
    assert response.headers["deprecation"] == "@1788220800"  # 2026-09-01T00:00:00Z
    assert response.headers["sunset"] == "Tue, 30 Jun 2099 00:00:00 GMT"
    assert (
        response.headers["link"]
        == '<https://docs.test/orders-v2>; rel="deprecation"; type="text/html"'
    )


async def test_current_version_has_no_deprecation_headers(
    edge: httpx.AsyncClient, creds: Creds
) -> None:
    response = await edge.post("/v2/orders", json=order(), headers=_auth(creds))
    assert response.status_code == 202
    assert "deprecation" not in response.headers and "sunset" not in response.headers


async def test_errors_of_a_deprecated_version_carry_its_headers(edge: httpx.AsyncClient) -> None:
    response = await edge.post("/v1/orders", json=order())
    assert response.status_code == 401
    assert "deprecation" in response.headers


async def test_version_past_its_sunset_is_410_with_the_migration_link(
    edge: httpx.AsyncClient, creds: Creds
) -> None:
    response = await edge.post("/v0/orders", json=order(), headers=_auth(creds))
    assert response.status_code == 410
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "https://docs.test/orders-v2" in response.json()["detail"]
    assert response.headers["link"].startswith("<https://docs.test/orders-v2>")


async def test_unknown_version_is_404_listing_the_supported_ones(
    edge: httpx.AsyncClient, creds: Creds
) -> None:
    response = await edge.post("/v9/orders", json=order(), headers=_auth(creds))
    assert response.status_code == 404
    problem = response.json()
    assert problem["supported_versions"] == ["v0", "v1", "v2"]
    assert "v9" in problem["detail"]
