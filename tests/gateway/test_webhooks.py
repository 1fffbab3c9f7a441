"""Webhook signatures: Standard Webhooks (signed by the `standardwebhooks` package) and
Shopify HMAC; tampering, stale timestamps and duplicates."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from standardwebhooks import Webhook

from omnihub.config import HubConfig
from omnihub.envelope import decode_envelope
from omnihub.settings import Settings
from tests.gateway.edge import Creds, queued
from tests.support.connections import connect_broker
from tests.support.hub import running_gateway
from tests.support.orders import order

STANDARD = "/v1/webhooks/standard/orders"
SHOPIFY = "/v1/webhooks/shopify/orders"


def _standard(
    secret: str, body: bytes, *, at: datetime | None = None, msg_id: str | None = None
) -> dict[str, str]:
    at = at or datetime.now(UTC)
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    signature = Webhook(secret).sign(msg_id, at, body.decode())
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
    }


def _body(number: str = "WH-1") -> bytes:
    return json.dumps(order(number)).encode()


@pytest.fixture
async def hook(edge_config: HubConfig, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running_gateway(edge_config, settings) as url, httpx.AsyncClient(base_url=url) as c:
        yield c


async def test_standard_webhook_signed_by_the_package_is_accepted(
    edge: httpx.AsyncClient, creds: Creds
) -> None:
    body = _body()
    response = await edge.post(STANDARD, content=body, headers=_standard(creds.whsec_new, body))
    assert response.status_code == 202, response.text


async def test_any_of_several_signatures_verifies_during_rotation(
    edge: httpx.AsyncClient, creds: Creds
) -> None:
    body = _body()
    headers = _standard(creds.whsec_old, body)
    unknown = "whsec_" + base64.b64encode(b"x" * 32).decode()
    other = Webhook(unknown).sign(headers["webhook-id"], datetime.now(UTC), body.decode())
    headers["webhook-signature"] = f"{other} {headers['webhook-signature']}"
    response = await edge.post(STANDARD, content=body, headers=headers)
    assert response.status_code == 202, response.text


async def test_tampered_body_is_401(edge: httpx.AsyncClient, creds: Creds) -> None:
    body = _body()
    headers = _standard(creds.whsec_new, body)
    response = await edge.post(STANDARD, content=_body("WH-2"), headers=headers)
    assert response.status_code == 401
    assert "signature" in response.json()["detail"]


async def test_stale_timestamp_is_401(edge: httpx.AsyncClient, creds: Creds) -> None:
    body = _body()
    headers = _standard(creds.whsec_new, body, at=datetime.now(UTC) - timedelta(minutes=6))
    response = await edge.post(STANDARD, content=body, headers=headers)
    assert response.status_code == 401
    assert "timestamp" in response.json()["detail"]


async def test_signature_by_an_unknown_secret_is_401(edge: httpx.AsyncClient) -> None:
    body = _body()
    secret = "whsec_" + base64.b64encode(b"y" * 32).decode()
    response = await edge.post(STANDARD, content=body, headers=_standard(secret, body))
    assert response.status_code == 401


async def test_duplicate_webhook_id_replays_and_publishes_once(
    hook: httpx.AsyncClient, creds: Creds, settings: Settings
) -> None:
    body = _body()
    headers = _standard(creds.whsec_new, body)
    first = await hook.post(STANDARD, content=body, headers=headers)
    again = await hook.post(STANDARD, content=body, headers=headers)
    assert first.status_code == again.status_code == 202
    assert again.json()["message_id"] == first.json()["message_id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert await queued(settings) == 1


def _shopify(secret: str, body: bytes) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return {
        "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Topic": "orders/create",
        "content-type": "application/json",
    }


SHOPIFY_ORDER = {
    "id": 820982911946154508,
    "name": "#1001",
    "created_at": "2026-11-23T10:15:00-05:00",
    "currency": "EUR",
    "email": "ada@example.com",
    "customer": {"first_name": "Ada", "last_name": "Lovelace"},
    "shipping_address": {
        "name": "Ada Lovelace",
        "address1": "1 Analytical Way",
        "city": "London",
        "zip": "N1 9GU",
        "country_code": "GB",
    },
    "line_items": [{"id": 1, "sku": "SKU-123", "quantity": 2, "price": "19.99"}],
}


async def test_shopify_webhook_is_verified_and_mapped_to_the_canonical_order(
    hook: httpx.AsyncClient, creds: Creds, settings: Settings
) -> None:
    body = json.dumps(SHOPIFY_ORDER).encode()
    response = await hook.post(SHOPIFY, content=body, headers=_shopify(creds.shopify_secret, body))
    assert response.status_code == 202, response.text
    connection = await connect_broker(settings.amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(settings.names.target_queue("sink"), passive=True)
        message = await queue.get(timeout=5)
        assert message is not None
        await message.ack()
    envelope = decode_envelope(message.body)
    assert envelope.partner == "acme" and envelope.route == "shopify-orders"
    assert envelope.payload["order_number"] == "#1001"
    assert envelope.payload["placed_at"] == "2026-11-23T15:15:00Z"
    assert envelope.payload["lines"][0]["unit_price"] == {"amount": 1999, "currency": "EUR"}


async def test_shopify_webhook_with_a_wrong_hmac_is_401(
    edge: httpx.AsyncClient, creds: Creds
) -> None:
    body = json.dumps(SHOPIFY_ORDER).encode()
    headers = _shopify(creds.shopify_secret + "x", body)
    response = await edge.post(SHOPIFY, content=body, headers=headers)
    assert response.status_code == 401


async def test_shopify_payload_the_pipeline_cannot_map_is_422_naming_the_step(
    edge: httpx.AsyncClient, creds: Creds
) -> None:
    bad = {**SHOPIFY_ORDER, "line_items": [{"id": 1, "sku": "S", "quantity": 1, "price": "1.999"}]}
    body = json.dumps(bad).encode()
    response = await edge.post(SHOPIFY, content=body, headers=_shopify(creds.shopify_secret, body))
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"][0]["step"] == "prices-to-minor-units"
    assert "shopify-orders" in problem["detail"]
    assert problem["errors"][0]["pointer"].startswith("/lines/0/unit_price")
