"""Scopes: a partner without the route's scope gets 403 and nothing is published."""

from __future__ import annotations

import httpx

from tests.gateway.edge import Creds
from tests.support.orders import order

INVENTORY = {
    "event_id": "INV-1",
    "kind": "adjustment",
    "location_id": "DC-1",
    "occurred_at": "2026-11-23T10:00:00Z",
    "lines": [{"sku": "SKU-1", "quantity": {"value": "3"}, "status": "on_hand"}],
}


async def test_partner_a_on_a_route_only_partner_b_may_use_is_403(
    edge: httpx.AsyncClient, creds: Creds
) -> None:
    response = await edge.post(
        "/v1/inventory", json=INVENTORY, headers={"Authorization": f"Bearer {creds.acme_keys[0]}"}
    )
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "inventory:write" in response.json()["detail"]


async def test_partner_b_on_partner_as_route_is_403(edge: httpx.AsyncClient, creds: Creds) -> None:
    response = await edge.post(
        "/v2/orders", json=order(), headers={"Authorization": f"Bearer {creds.beta_key}"}
    )
    assert response.status_code == 403


async def test_partner_holding_the_scope_is_accepted(edge: httpx.AsyncClient, creds: Creds) -> None:
    response = await edge.post(
        "/v1/inventory", json=INVENTORY, headers={"Authorization": f"Bearer {creds.beta_key}"}
    )
    assert response.status_code == 202, response.text
