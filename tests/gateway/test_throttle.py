"""Throttling per partner and tier, shared through Redis: headers, 429, exact limits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from itertools import cycle

import httpx
import pytest
import redis.asyncio as aioredis

from omnihub.config import HubConfig
from omnihub.settings import Settings
from tests.gateway.edge import Creds, queued
from tests.gateway.processes import gateway_processes
from tests.support.hub import running_gateway
from tests.support.orders import order

LIMITED = "/v1/limited-orders"  # tier 'tight': 5/minute


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def _status(gw: httpx.AsyncClient, key: str) -> int:
    return (await gw.post(LIMITED, json=order(), headers=_auth(key))).status_code


@pytest.fixture
async def gw(edge_config: HubConfig, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running_gateway(edge_config, settings) as url, httpx.AsyncClient(base_url=url) as c:
        yield c


async def test_accepted_requests_carry_ratelimit_policy_and_ratelimit(
    gw: httpx.AsyncClient, creds: Creds
) -> None:
    first = await gw.post(LIMITED, json=order(), headers=_auth(creds.acme_keys[0]))
    second = await gw.post(LIMITED, json=order(), headers=_auth(creds.acme_keys[0]))
    assert first.status_code == second.status_code == 202
    assert first.headers["ratelimit-policy"] == '"tight-60s";q=5;w=60'
    assert first.headers["ratelimit"].startswith('"tight-60s";r=4;t=')
    assert second.headers["ratelimit"].startswith('"tight-60s";r=3;t=')


async def test_over_the_limit_is_429_problem_with_retry_after_and_publishes_nothing(
    gw: httpx.AsyncClient, creds: Creds, settings: Settings
) -> None:
    for _ in range(5):
        assert (
            await gw.post(LIMITED, json=order(), headers=_auth(creds.acme_keys[0]))
        ).status_code == 202
    refused = await gw.post(LIMITED, json=order(), headers=_auth(creds.acme_keys[0]))
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit"].startswith('"tight-60s";r=0')
    assert await queued(settings) == 5


async def test_a_partners_keys_share_one_quota_and_other_partners_keep_theirs(
    gw: httpx.AsyncClient, creds: Creds
) -> None:
    for key in [*creds.acme_keys, creds.acme_keys[0], creds.acme_keys[1]]:
        assert (await gw.post(LIMITED, json=order(), headers=_auth(key))).status_code == 202
    assert (
        await gw.post(LIMITED, json=order(), headers=_auth(creds.acme_keys[2]))
    ).status_code == 429
    assert (await gw.post(LIMITED, json=order(), headers=_auth(creds.gamma_key))).status_code == 202


async def test_two_gateway_processes_accept_exactly_the_limit_of_a_concurrent_burst(
    edge_config: HubConfig, settings: Settings, creds: Creds
) -> None:
    async with (
        gateway_processes(edge_config.directory, settings, creds.env(), 2) as urls,
        httpx.AsyncClient(timeout=20) as client,
    ):
        targets = cycle(urls)
        keys = cycle(creds.acme_keys)
        responses = await asyncio.gather(
            *(
                client.post(
                    f"{next(targets)}{LIMITED}", json=order(f"B-{i}"), headers=_auth(next(keys))
                )
                for i in range(20)  # 4x the limit of 5
            )
        )
    codes = sorted(r.status_code for r in responses)
    assert codes == [202] * 5 + [429] * 15
    assert await queued(settings) == 5


async def test_a_redis_without_the_admission_script_gets_it_loaded_again(
    gw: httpx.AsyncClient, creds: Creds, redis_client: aioredis.Redis
) -> None:
    await redis_client.script_flush()  # as after a Redis restart or failover
    response = await gw.post(LIMITED, json=order(), headers=_auth(creds.acme_keys[0]))
    assert response.status_code == 202, response.text
    assert response.headers["ratelimit"].startswith('"tight-60s";r=4;')
