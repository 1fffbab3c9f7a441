"""Whatever goes wrong with Redis, a request ends in 503 problem+json within the Redis
timeout, never hangs (issue 14, item 11): a refused connection, a reset one, a Redis that
accepts and never answers, and an unexpected error inside the gateway's Redis client."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from omnihub.config import HubConfig
from omnihub.settings import Settings
from tests.gateway.conftest import replace_settings
from tests.gateway.edge import Creds, queued
from tests.support.hub import running_gateway
from tests.support.orders import order
from tests.support.ports import free_port
from tests.support.services import REDIS_URL
from tests.support.tcpproxy import TcpProxy

TIMEOUT_S = 0.5
SLACK_S = 2.0  # scheduling on a loaded 2-core machine


@pytest.fixture
async def proxy() -> AsyncIterator[TcpProxy]:
    from urllib.parse import urlparse

    parsed = urlparse(REDIS_URL)
    forwarder = TcpProxy(parsed.hostname or "127.0.0.1", parsed.port or 6379)
    await forwarder.start()
    try:
        yield forwarder
    finally:
        await forwarder.stop()


def _through(settings: Settings, port: int) -> Settings:
    return replace_settings(
        settings, redis_url=f"redis://127.0.0.1:{port}/0", redis_timeout_s=TIMEOUT_S
    )


async def _post(client: httpx.AsyncClient, creds: Creds, number: str) -> httpx.Response:
    return await client.post(
        "/v1/orders",
        content=json.dumps(order(number)),
        headers={
            "Authorization": f"Bearer {creds.acme_keys[0]}",
            "content-type": "application/json",
        },
        timeout=30,
    )


async def _assert_503_in_time(client: httpx.AsyncClient, creds: Creds, number: str) -> None:
    started = time.monotonic()
    response = await _post(client, creds, number)
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "Retry-After" in response.headers
    assert time.monotonic() - started < TIMEOUT_S + SLACK_S


async def test_a_refused_connection_is_503(
    edge_config: HubConfig, settings: Settings, creds: Creds
) -> None:
    closed = _through(settings, free_port())
    async with running_gateway(edge_config, closed) as url, httpx.AsyncClient(base_url=url) as c:
        await _assert_503_in_time(c, creds, "REFUSED-1")
        await _assert_503_in_time(c, creds, "REFUSED-2")
    assert await queued(settings) == 0


async def test_a_redis_that_never_answers_is_503_within_the_timeout(
    edge_config: HubConfig, settings: Settings, creds: Creds, proxy: TcpProxy
) -> None:
    proxied = _through(settings, proxy.port)
    async with running_gateway(edge_config, proxied) as url, httpx.AsyncClient(base_url=url) as c:
        assert (await _post(c, creds, "MUTED-0")).status_code == 202
        proxy.mute_replies = True  # requests reach Redis, answers never come back
        await _assert_503_in_time(c, creds, "MUTED-1")
        await _assert_503_in_time(c, creds, "MUTED-2")  # a new connection, muted too
        proxy.mute_replies = False
        await asyncio.sleep(0.1)
        assert (await _post(c, creds, "MUTED-3")).status_code == 202


async def test_a_reset_connection_is_503_then_recovers(
    edge_config: HubConfig, settings: Settings, creds: Creds, proxy: TcpProxy
) -> None:
    proxied = _through(settings, proxy.port)
    async with running_gateway(edge_config, proxied) as url, httpx.AsyncClient(base_url=url) as c:
        assert (await _post(c, creds, "RESET-0")).status_code == 202
        await proxy.stop()  # every connection closed, nothing listening
        await _assert_503_in_time(c, creds, "RESET-1")
        await proxy.start()  # same port
        assert (await _post(c, creds, "RESET-2")).status_code == 202
    assert await queued(settings) == 2


async def test_an_unexpected_error_in_the_redis_client_is_503_not_a_hang(
    edge_config: HubConfig, settings: Settings, creds: Creds, monkeypatch: pytest.MonkeyPatch
) -> None:
    from redis.asyncio.client import Pipeline

    from gateway.ingest.autopipeline import AutoPipeline

    async def broken(self: object, *args: object, **kwargs: object) -> None:
        raise RuntimeError("the Redis client is not the version the gateway was built for")

    monkeypatch.setattr(AutoPipeline, "_connect", broken)  # the fast path
    monkeypatch.setattr(Pipeline, "execute", broken)  # the public path
    async with running_gateway(edge_config, settings) as url, httpx.AsyncClient(base_url=url) as c:
        await _assert_503_in_time(c, creds, "MISMATCH-1")
        await _assert_503_in_time(c, creds, "MISMATCH-2")
