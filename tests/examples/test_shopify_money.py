"""Money that a mapping loses never reaches the ERP silently (issue 14, item 13).

Shopify's test orders/create webhook (two lines 89.99 and 159.99, 5.00 off the second,
10.00 shipping, 0.00 tax, total 254.98) goes through the example Shopify route, the real
gateway, broker and ERP worker, and reaches the sandbox ERP balancing to 254.98. A
mapping that drops the shipping is caught by the route's `reconcile` step: flagged in
the published envelope and in the order's journey (`on_mismatch: flag`, as the example
says) or refused with a 422 naming the difference and nothing published
(`on_mismatch: reject`).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from omnihub.config import HubConfig, load_config
from omnihub.envelope import decode_envelope
from omnihub.journey import Stage, render_timeline
from omnihub.settings import Settings
from sandbox.testing import SandboxServer, running_sandbox
from tests.connectors.harness import delete_declared, running, wait_for
from tests.support.configs import REPO, edit, example_copy
from tests.support.connections import connect_broker
from tests.support.hub import running_gateway
from tests.support.journeys import TestJourneys

SECRET = "shpss_test_only_2f9c1d"
ROUTE = "/v1/webhooks/shopify/orders"
ORDER = json.loads((REPO / "pipeline-tests/fixtures/shopify-orders-create.json").read_text())
FINDING = (
    "the order does not balance: lines 249.98 - discounts 5.00 + shipping 0.00 + tax 0.00 "
    "= 244.98 USD, but the partner's total is 254.98 USD: 10.00 USD less than stated "
    "(tolerance 0.01)"
)
SHIPPING = (
    "              shipping_charge:\n"
    "                $if: total_shipping_price_set\n"
    "                $then: {amount: total_shipping_price_set.shop_money.amount,"
    " currency: currency}\n"
)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox() as server:
        yield server


def _config(directory: Path, sandbox_url: str = "http://127.0.0.1:9") -> HubConfig:
    return load_config(
        directory,
        env={"OMNIHUB_ERP_URL": sandbox_url, "OMNIHUB_SHOPIFY_WEBHOOK_SECRET": SECRET},
    )


def _broken(directory: Path, on_mismatch: str) -> HubConfig:
    """The example, with a Shopify mapping that forgets the shipping charge."""
    example_copy(directory)
    edit(directory / "routes.yaml", SHIPPING, "")
    edit(directory / "routes.yaml", "on_mismatch: flag", f"on_mismatch: {on_mismatch}")
    return _config(directory)


def _signed(body: bytes) -> dict[str, str]:
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).digest()
    return {
        "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Topic": "orders/create",
        "content-type": "application/json",
    }


async def _post(config: HubConfig, settings: Settings) -> httpx.Response:
    body = json.dumps(ORDER).encode()
    async with running_gateway(config, settings) as url, httpx.AsyncClient(base_url=url) as c:
        return await c.post(ROUTE, content=body, headers=_signed(body))


async def _erp_queue(settings: Settings) -> list[dict[str, Any]]:
    """The envelopes waiting in the ERP target queue (taken off it)."""
    envelopes = []
    connection = await connect_broker(settings.amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(settings.names.target_queue("erp"), passive=True)
        while (message := await queue.get(fail=False, timeout=5)) is not None:
            await message.ack()
            envelopes.append(decode_envelope(message.body).payload)
    return envelopes


def _erp_balance(document: dict[str, Any]) -> Decimal:
    lines = sum(
        Decimal(line["quantity"]) * Decimal(line["unit_price"]) - Decimal(line.get("discount", 0))
        for line in document["lines"]
    )
    return lines + Decimal(document.get("freight", 0)) + Decimal(document.get("tax", 0))


async def test_shopify_test_webhook_reaches_the_erp_balancing_to_the_partner_total(
    settings: Settings, sandbox: SandboxServer
) -> None:
    sandbox.control.reset()
    config = _config(REPO, sandbox.base_url)
    try:
        async with running(config, settings, "erp"):
            response = await _post(config, settings)
            assert response.status_code == 202, response.text
            key = response.json()["message_id"]
            await wait_for(lambda: len(sandbox.control.records("erp", idempotency_key=key)) == 1)
    finally:
        await delete_declared()
    (record,) = sandbox.control.records("erp", idempotency_key=key)
    document = record.body
    assert isinstance(document, dict)
    assert [line["discount"] for line in document["lines"]] == ["0.00", "5.00"]
    assert (document["freight"], document["tax"]) == ("10.00", "0.00")
    assert document["ship_to"]["region"] == "KY"
    assert document["order_total"] == ORDER["total_price"] == "254.98"
    assert _erp_balance(document) == Decimal("254.98")


async def test_a_mapping_that_loses_the_shipping_is_flagged_in_the_envelope(
    settings: Settings, tmp_path: Path
) -> None:
    response = await _post(_broken(tmp_path, "flag"), settings)
    assert response.status_code == 202, response.text
    (payload,) = await _erp_queue(settings)
    assert payload["total"] == {"amount": 25498, "currency": "USD"}
    assert payload["attributes"]["reconciliation"] == FINDING


async def test_a_mapping_that_loses_the_shipping_is_flagged_in_the_orders_journey(
    settings: Settings, tmp_path: Path
) -> None:
    response = await _post(_broken(tmp_path, "flag"), settings)  # the gateway has stopped:
    assert response.status_code == 202, response.text  # its journal is written
    await _erp_queue(settings)
    journey = await TestJourneys(settings).get(response.json()["message_id"])
    assert journey is not None
    received = journey.entries[0]
    assert received.stage is Stage.RECEIVED
    assert received.detail == f"v1, reconcile 'shopify-totals': {FINDING}"
    assert f"(v1, reconcile 'shopify-totals': {FINDING})" in render_timeline(journey)


async def test_a_mapping_that_loses_the_shipping_is_refused_when_the_route_rejects(
    settings: Settings, tmp_path: Path
) -> None:
    response = await _post(_broken(tmp_path, "reject"), settings)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert "step 'shopify-totals'" in problem["detail"]
    assert "10.00 USD less than stated" in problem["detail"]
    assert problem["errors"][0]["pointer"] == "/total/amount"
    await asyncio.sleep(0.2)
    assert await _erp_queue(settings) == []
