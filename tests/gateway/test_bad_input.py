"""Bad input: 413 without reading the body, 415, 400, 422 with every failing field;
nothing is published for any of them."""

from __future__ import annotations

import asyncio
import json
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


def _auth(creds: Creds, content_type: str = "application/json") -> dict[str, str]:
    return {"Authorization": f"Bearer {creds.acme_keys[0]}", "content-type": content_type}


async def test_body_over_the_limit_is_413(
    gw: httpx.AsyncClient, creds: Creds, settings: Settings
) -> None:
    body = order(attributes={"padding": "x" * 70_000})  # the route allows 64 KiB
    response = await gw.post("/v2/orders", content=json.dumps(body), headers=_auth(creds))
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await queued(settings) == 0


async def test_413_comes_from_content_length_before_the_body_is_sent(
    gw: httpx.AsyncClient, creds: Creds
) -> None:
    host, port = str(gw.base_url.host), int(gw.base_url.port or 80)
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        (
            "POST /v2/orders HTTP/1.1\r\n"
            f"Host: {host}\r\n"
            f"Authorization: Bearer {creds.acme_keys[0]}\r\n"
            "Content-Type: application/json\r\n"
            "Content-Length: 50000000\r\n\r\n{"
        ).encode()
    )
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), timeout=5)  # 50 MB never sent
    writer.close()
    assert b" 413 " in status


async def test_wrong_content_type_is_415(gw: httpx.AsyncClient, creds: Creds) -> None:
    response = await gw.post(
        "/v2/orders", content=json.dumps(order()), headers=_auth(creds, "text/csv")
    )
    assert response.status_code == 415
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_malformed_json_is_400(
    gw: httpx.AsyncClient, creds: Creds, settings: Settings
) -> None:
    response = await gw.post("/v2/orders", content=b'{"order_number": ', headers=_auth(creds))
    assert response.status_code == 400
    assert response.json()["type"].endswith("malformed-json")
    assert await queued(settings) == 0


async def test_schema_errors_are_422_listing_every_failing_field_as_a_pointer(
    gw: httpx.AsyncClient, creds: Creds, settings: Settings
) -> None:
    body = order(currency="euro")
    del body["channel"]
    body["lines"][0]["quantity"] = {"value": "two"}
    body["surprise"] = True
    response = await gw.post("/v2/orders", content=json.dumps(body), headers=_auth(creds))
    assert response.status_code == 422
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert pointers == {"/channel", "/currency", "/lines/0/quantity/value", "/surprise"}
    assert await queued(settings) == 0


async def test_unknown_route_and_wrong_method_are_problem_json(gw: httpx.AsyncClient) -> None:
    missing = await gw.post("/v2/nothing-here", json={})
    wrong = await gw.get("/v2/orders")
    assert missing.status_code == 404 and wrong.status_code == 405
    for response in (missing, wrong):
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_chunked_body_growing_past_the_limit_is_413(
    gw: httpx.AsyncClient, creds: Creds, settings: Settings
) -> None:
    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the size shows late
        yield json.dumps(order())[:-1].encode()
        for _ in range(40):
            yield b' , "pad": "' + b"x" * 2048 + b'"'
        yield b"}"

    response = await gw.post("/v2/orders", content=chunks(), headers=_auth(creds))
    assert response.status_code == 413
    assert response.json()["detail"] == "the request body is larger than this route accepts"
    assert await queued(settings) == 0


async def test_a_trailing_slash_is_served_by_the_same_route_through_litestar(
    gw: httpx.AsyncClient, creds: Creds, settings: Settings
) -> None:
    fast = await gw.post("/v2/orders", content=b"{", headers=_auth(creds))
    slow = await gw.post("/v2/orders/", content=b"{", headers=_auth(creds))
    assert fast.status_code == slow.status_code == 400
    assert {k: v for k, v in fast.json().items() if k != "instance"} == {
        k: v for k, v in slow.json().items() if k != "instance"
    }
    accepted = await gw.post("/v2/orders/", content=json.dumps(order()), headers=_auth(creds))
    assert accepted.status_code == 202, accepted.text
    assert await queued(settings) == 1


async def test_an_unhandled_error_is_the_same_500_problem_on_both_http_stacks(
    edge_config: HubConfig, settings: Settings, creds: Creds, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gateway.ingest.json_codec import JsonBody

    async def bug(self: JsonBody, accepting: object) -> None:
        raise RuntimeError("a bug, with a secret-ish detail that must not be shown")

    monkeypatch.setattr(JsonBody, "accept", bug)
    async with running_gateway(edge_config, settings) as url, httpx.AsyncClient(base_url=url) as c:
        body = json.dumps(order())
        fast = await c.post("/v2/orders", content=body, headers=_auth(creds))  # the fast lane
        slow = await c.post("/v2/orders/", content=body, headers=_auth(creds))  # Litestar
    for response in (fast, slow):
        assert response.status_code == 500
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "secret-ish" not in response.text
    assert fast.json()["instance"] == "/v2/orders"
    assert {k: v for k, v in fast.json().items() if k != "instance"} == {
        k: v for k, v in slow.json().items() if k != "instance"
    }
    assert await queued(settings) == 0
