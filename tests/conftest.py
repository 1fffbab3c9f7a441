"""Fixtures for tests that talk to the real RabbitMQ and Redis.

Each test run gets its own RabbitMQ vhost and Redis key prefix, removed at the end.
Tests that need neither (pure transforms, config) do not touch them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlparse

import pytest
import redis.asyncio as aioredis

from omnihub.settings import Settings
from tests.support.services import AMQP_HOST, AMQP_PORT, REDIS_URL, Vhost, require, run_id


@pytest.fixture(scope="session")
def run_name() -> str:
    return run_id()


@pytest.fixture(scope="session")
def vhost(run_name: str) -> Iterator[Vhost]:
    require("RabbitMQ", AMQP_HOST, AMQP_PORT)
    Vhost.delete_stale()
    vh = Vhost(f"omnihub-test-{run_name}")
    vh.create()
    try:
        yield vh
    finally:
        vh.delete()


@pytest.fixture(scope="session")
def redis_prefix(run_name: str) -> Iterator[str]:
    parsed = urlparse(REDIS_URL)
    require("Redis", parsed.hostname or "127.0.0.1", parsed.port or 6379)
    prefix = f"omnihub-test-{run_name}"
    yield prefix
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


_counter = {"n": 0}


@pytest.fixture
def settings(vhost: Vhost, redis_prefix: str) -> Settings:
    """Settings with a prefix of this test's own inside the run's vhost."""
    _counter["n"] += 1
    return Settings(
        amqp_url=vhost.url,
        redis_url=REDIS_URL,
        prefix=f"{redis_prefix}-{_counter['n']}",
        publish_timeout_s=3.0,
        retry_after_s=2,
    )


@pytest.fixture
async def redis_client(redis_prefix: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        yield client
    finally:
        await client.aclose()
