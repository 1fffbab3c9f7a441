"""The example configuration's partner routes through the real gateway: each example
partner's key, each route's fixture from pipeline-tests/, 202 (pipeline output valid
canonical); a body its pipeline refuses is 422 naming the step."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from omnihub.config import load_config
from omnihub.settings import Settings
from tests.cli.test_routes_test_cli import PICKUP, broken_shipping_copy
from tests.support.configs import REPO
from tests.support.hub import running_gateway
from transforms.testing import load_case_file

FIXTURES = REPO / "pipeline-tests" / "fixtures"

# Development-only example keys of policies/partners.yaml (only their SHA-256 is stored
# there); they exist for these tests and local trials against the example configuration.
KEYS = {
    "acme-market": "ohk_demo_acme_4Q7Y2kP9sV3nT8wX6rB1mZ5c",
    "harbor-stores": "ohk_harbor_iTbW9KCNb89fmbURxS6GhJ2H",
    "bluepeak-supply": "ohk_bluepeak_7aiEUNmWSTCs4p1xJj0La4JH",
    "swiftlog-3pl": "ohk_swiftlog_dsIaRUNwvyLgegYamVGvJjI7",
    "loopback-returns": "ohk_loopback_6sNzBOBdW-UWSbIlCxUvxjUj",
    "pim-central": "ohk_pim_bMJ7X7w_mbeXOUWq592Og_gn",
}


def _auth(partner: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEYS[partner]}"}


def _fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
async def gw(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    config = load_config(REPO, env={})
    async with running_gateway(config, settings) as url, httpx.AsyncClient(base_url=url) as c:
        yield c


@pytest.mark.parametrize(
    ("method", "path", "partner", "fixture"),
    [
        ("POST", "/v1/orders", "acme-market", "acme-v1-order.json"),
        ("POST", "/v1/stores/sales", "harbor-stores", "harbor-pos-batch.json"),
        ("POST", "/v1/asns", "bluepeak-supply", "bluepeak-asn.json"),
        ("POST", "/v1/shipments/confirmations", "swiftlog-3pl", "swiftlog-confirmation.json"),
        ("POST", "/v1/returns", "loopback-returns", "loopback-return.json"),
        ("PUT", "/v1/products", "pim-central", "pim-product.json"),
    ],
)
async def test_example_partner_message_is_accepted(
    gw: httpx.AsyncClient, method: str, path: str, partner: str, fixture: str
) -> None:
    response = await gw.request(method, path, json=_fixture(fixture), headers=_auth(partner))
    assert response.status_code == 202, response.text


async def test_unknown_seller_sku_is_422_naming_the_crosswalk_step(gw: httpx.AsyncClient) -> None:
    body = _fixture("acme-v1-order.json")
    body["items"][1]["sellerSku"] = "ACME-9999"
    response = await gw.post("/v1/orders", json=body, headers=_auth("acme-market"))
    assert response.status_code == 422
    assert "v1-sku-crosswalk" in response.text


async def test_partner_without_the_scope_is_refused(gw: httpx.AsyncClient) -> None:
    response = await gw.post(
        "/v1/asns", json=_fixture("bluepeak-asn.json"), headers=_auth("harbor-stores")
    )
    assert response.status_code == 403


def _case_input(file: str, name: str) -> Any:
    cases = load_case_file(REPO / "pipeline-tests" / file).cases
    (case,) = [c for c in cases if c.name.startswith(name)]
    return msgspec.to_builtins(case.input)


async def test_the_v1_pickup_case_input_is_accepted_by_the_gateway(gw: httpx.AsyncClient) -> None:
    body = _case_input("orders.yaml", PICKUP)
    assert "shippingFee" not in body and "discount" not in body["items"][0]
    response = await gw.post("/v1/orders", json=body, headers=_auth("acme-market"))
    assert response.status_code == 202, response.text


async def test_the_gateway_refuses_the_broken_mapping_at_the_path_routes_test_names(
    settings: Settings, tmp_path: Path
) -> None:
    config = load_config(broken_shipping_copy(tmp_path), env={})
    body = _case_input("orders.yaml", PICKUP)
    async with running_gateway(config, settings) as url, httpx.AsyncClient(base_url=url) as c:
        response = await c.post("/v1/orders", json=body, headers=_auth("acme-market"))
    assert response.status_code == 422
    pointers = [e["pointer"] for e in response.json()["errors"]]
    assert pointers == ["/shipping_charge/amount"]
