"""POST /v1/orders end to end: real gateway, real RabbitMQ, real worker, real sandbox ERP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aio_pika
import httpx
import msgspec
import pytest

from omnihub.config import HubConfig, load_config
from omnihub.config.model import Lane
from omnihub.settings import Settings
from sandbox.testing import SandboxServer, running_sandbox
from tests.support.configs import REPO
from tests.support.connections import connect_broker
from tests.support.hub import running_gateway, running_worker
from tests.support.orders import AUTH, order
from tests.support.services import AMQP_HOST, AMQP_PORT
from tests.support.tcpproxy import TcpProxy


@pytest.fixture(scope="module")
def sandbox() -> AsyncIterator[SandboxServer]:
    with running_sandbox() as server:
        yield server


@pytest.fixture
def config(sandbox: SandboxServer) -> HubConfig:
    return load_config(REPO, env={"OMNIHUB_ERP_URL": sandbox.base_url})


async def queued(settings: Settings, queue: str) -> int:
    connection = await connect_broker(settings.amqp_url)
    try:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, passive=True)
        return int(declared.declaration_result.message_count or 0)
    finally:
        await connection.close()


async def wait_for(predicate, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def test_accepted_order_reaches_the_erp_exactly_once(
    config: HubConfig, settings: Settings, sandbox: SandboxServer
) -> None:
    sandbox.control.reset()
    async with running_gateway(config, settings) as url, running_worker(config, settings, "erp"):
        async with httpx.AsyncClient(base_url=url) as client:
            response = await client.post("/v1/orders", json=order("WEB-1"), headers=AUTH)
        assert response.status_code == 202, response.text
        body = response.json()
        await wait_for(lambda: len(sandbox.control.records("erp")) >= 1)
        await asyncio.sleep(0.3)  # a duplicate, if any, would arrive now
    records = sandbox.control.records("erp")
    assert len(records) == 1
    assert records[0].idempotency_key == body["message_id"]
    assert records[0].body["order_number"] == "WEB-1"
    assert body["trace_id"] in (records[0].traceparent or "")


async def test_unknown_api_key_is_401_and_publishes_nothing(
    config: HubConfig, settings: Settings
) -> None:
    queue = settings.names.target_queue("erp", Lane.PRIORITY)
    async with running_gateway(config, settings) as url, httpx.AsyncClient(base_url=url) as c:
        bad = await c.post("/v1/orders", json=order(), headers={"Authorization": "Bearer nope"})
        assert bad.status_code == 401
        assert bad.headers["content-type"].startswith("application/problem+json")
        assert bad.json()["status"] == 401
        assert "nope" not in bad.text
        assert await queued(settings, queue) == 0
        good = await c.post("/v1/orders", json=order(), headers=AUTH)  # control: counting works
        assert good.status_code == 202
        assert await queued(settings, queue) == 1


async def test_invalid_body_is_422_naming_the_field_and_publishes_nothing(
    config: HubConfig, settings: Settings
) -> None:
    queue = settings.names.target_queue("erp", Lane.PRIORITY)
    body = order()
    body["lines"][0]["quantity"] = {"value": "two"}
    async with running_gateway(config, settings) as url, httpx.AsyncClient(base_url=url) as c:
        response = await c.post("/v1/orders", json=body, headers=AUTH)
        assert response.status_code == 422
        problem = response.json()
        assert problem["errors"][0]["pointer"] == "/lines/0/quantity/value"
        assert "/lines/0/quantity/value" in problem["detail"]
        assert await queued(settings, queue) == 0


async def test_wrong_content_type_is_415(config: HubConfig, settings: Settings) -> None:
    async with running_gateway(config, settings) as url, httpx.AsyncClient(base_url=url) as c:
        response = await c.post(
            "/v1/orders",
            content=msgspec.json.encode(order()),
            headers={**AUTH, "content-type": "text/plain"},
        )
    assert response.status_code == 415
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_broker_down_is_503_then_accepted_again_without_restart(
    config: HubConfig, settings: Settings
) -> None:
    proxy = TcpProxy(AMQP_HOST, AMQP_PORT)
    await proxy.start()
    vhost_path = settings.amqp_url.rsplit("/", 1)[1]
    proxied = msgspec.structs.replace(
        settings, amqp_url=f"amqp://guest:guest@127.0.0.1:{proxy.port}/{vhost_path}"
    )
    async with running_gateway(config, proxied) as url, httpx.AsyncClient(base_url=url) as c:
        assert (await c.post("/v1/orders", json=order("A"), headers=AUTH)).status_code == 202
        await proxy.stop()
        down = await c.post("/v1/orders", json=order("B"), headers=AUTH)
        assert down.status_code == 503
        assert down.headers["retry-after"] == str(settings.retry_after_s)
        assert down.headers["content-type"].startswith("application/problem+json")
        await proxy.start()
        await asyncio.sleep(1.1)  # the publisher waits a reconnect interval between attempts
        back = await c.post("/v1/orders", json=order("C"), headers=AUTH)
        assert back.status_code == 202, back.text
    await proxy.stop()
    queue = settings.names.target_queue("erp", Lane.PRIORITY)
    assert await queued(settings, queue) == 2  # A and C; B was refused, not half-stored


async def test_published_message_carries_the_envelope_and_its_amqp_properties(
    config: HubConfig, settings: Settings
) -> None:
    queue = settings.names.target_queue("erp", Lane.PRIORITY)
    async with running_gateway(config, settings) as url, httpx.AsyncClient(base_url=url) as c:
        response = await c.post("/v1/orders", json=order("WIRE-1"), headers=AUTH)
    assert response.status_code == 202, response.text
    connection = await connect_broker(settings.amqp_url)
    try:
        channel = await connection.channel()
        message = await (await channel.get_queue(queue, ensure=False)).get(timeout=5)
        assert message is not None
        await message.ack()
    finally:
        await connection.close()
    envelope = msgspec.json.decode(message.body)
    assert envelope["id"] == message.message_id == response.json()["message_id"]
    assert envelope["payload"]["order_number"] == "WIRE-1"
    assert message.content_type == "application/json"
    assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert message.type == "order.created" and message.app_id == "omnihub"
    assert message.timestamp is not None
    assert {k: v for k, v in message.headers.items() if k != "x-delivery-count"} == {
        "traceparent": envelope["traceparent"],
        "x-omnihub-partner": "acme-market",
        "x-omnihub-route": "orders",
    }
    assert response.json()["trace_id"] in envelope["traceparent"]
