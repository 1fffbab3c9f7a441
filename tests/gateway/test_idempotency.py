"""Idempotency-Key: replay, reuse with another body, in-flight duplicates, per partner."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from omnihub.config import HubConfig
from omnihub.settings import Settings
from tests.gateway.edge import Creds, queued
from tests.support.hub import running_gateway
from tests.support.orders import order


@pytest.fixture
async def gw(edge_config: HubConfig, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running_gateway(edge_config, settings) as url, httpx.AsyncClient(base_url=url) as c:
        yield c


def _headers(key: str, idem: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", "Idempotency-Key": idem}


async def test_retry_with_the_same_key_and_body_replays_the_original_202(
    gw: httpx.AsyncClient, creds: Creds, settings: Settings
) -> None:
    headers = _headers(creds.acme_keys[0], str(uuid.uuid4()))
    first = await gw.post("/v2/orders", json=order("I-1"), headers=headers)
    again = await gw.post("/v2/orders", json=order("I-1"), headers=headers)
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert again.headers["traceparent"] == first.headers["traceparent"]
    assert await queued(settings) == 1


async def test_the_same_key_from_another_key_of_the_partner_is_the_same_request(
    gw: httpx.AsyncClient, creds: Creds
) -> None:
    idem = str(uuid.uuid4())
    first = await gw.post("/v2/orders", json=order(), headers=_headers(creds.acme_keys[0], idem))
    again = await gw.post("/v2/orders", json=order(), headers=_headers(creds.acme_keys[1], idem))
    assert again.json()["message_id"] == first.json()["message_id"]


async def test_the_same_key_with_another_body_is_422(gw: httpx.AsyncClient, creds: Creds) -> None:
    headers = _headers(creds.acme_keys[0], str(uuid.uuid4()))
    assert (await gw.post("/v2/orders", json=order("I-2"), headers=headers)).status_code == 202
    reused = await gw.post("/v2/orders", json=order("I-3"), headers=headers)
    assert reused.status_code == 422
    assert reused.headers["content-type"].startswith("application/problem+json")
    assert reused.json()["type"].endswith("idempotency-key-reused")


async def test_keys_are_scoped_per_partner(
    gw: httpx.AsyncClient, creds: Creds, settings: Settings
) -> None:
    idem = str(uuid.uuid4())
    acme = await gw.post("/v2/orders", json=order(), headers=_headers(creds.acme_keys[0], idem))
    gamma = await gw.post("/v2/orders", json=order(), headers=_headers(creds.gamma_key, idem))
    assert acme.status_code == gamma.status_code == 202
    assert acme.json()["message_id"] != gamma.json()["message_id"]
    assert await queued(settings) == 2


async def test_route_requiring_a_key_refuses_a_request_without_one_with_400(
    gw: httpx.AsyncClient, creds: Creds, settings: Settings
) -> None:
    response = await gw.post(
        "/v1/keyed-orders", json=order(), headers={"Authorization": f"Bearer {creds.acme_keys[0]}"}
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert await queued(settings) == 0


async def test_a_failed_request_does_not_hold_its_key(gw: httpx.AsyncClient, creds: Creds) -> None:
    headers = _headers(creds.acme_keys[0], str(uuid.uuid4()))
    assert (await gw.post("/v2/orders", json={"bad": 1}, headers=headers)).status_code == 422
    assert (await gw.post("/v2/orders", json=order(), headers=headers)).status_code == 202


async def test_fifty_concurrent_identical_requests_publish_exactly_one_message(
    gw: httpx.AsyncClient, creds: Creds, settings: Settings
) -> None:
    headers = _headers(creds.acme_keys[0], str(uuid.uuid4()))
    responses = await asyncio.gather(
        *(gw.post("/v2/orders", json=order("C-1"), headers=headers) for _ in range(50))
    )
    accepted = [r for r in responses if r.status_code == 202]
    assert {r.status_code for r in responses} <= {202, 409}
    assert len({r.json()["message_id"] for r in accepted}) == 1
    for conflict in (r for r in responses if r.status_code == 409):
        assert conflict.headers["content-type"].startswith("application/problem+json")
        assert conflict.headers["retry-after"] == "1"
    assert await queued(settings) == 1
