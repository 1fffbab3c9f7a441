"""Fixtures for tests that talk to the real RabbitMQ, Redis and PostgreSQL.

Each test run gets its own RabbitMQ vhost, Redis key prefix and PostgreSQL database
(the journey store), removed at the end.
Tests that need neither (pure transforms, config) do not touch them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlparse

import pytest
import redis.asyncio as aioredis

from omnihub.settings import Settings
from tests.support.janitor import QueueJanitor
from tests.support.services import (
    AMQP_HOST,
    AMQP_PORT,
    POSTGRES_URL,
    REDIS_URL,
    TestDatabase,
    Vhost,
    require,
    run_id,
)
from tests.support.timeouts import pytest_timeout_set_timer  # noqa: F401  (a hook)


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


@pytest.fixture(scope="session")
def postgres_url(run_name: str) -> Iterator[str]:
    """The URL of this run's own journey database."""
    parsed = urlparse(POSTGRES_URL)
    require("PostgreSQL", parsed.hostname or "127.0.0.1", parsed.port or 5432)
    TestDatabase.drop_stale()
    database = TestDatabase(f"omnihub_test_{run_name.replace('-', '_')}")
    database.create()
    try:
        yield database.url
    finally:
        database.drop()


_counter = {"n": 0}


@pytest.fixture(scope="session")
def queue_janitor(vhost: Vhost) -> Iterator[QueueJanitor]:
    janitor = QueueJanitor(vhost)
    try:
        yield janitor
    finally:
        janitor.close()


@pytest.fixture
def settings(
    vhost: Vhost, redis_prefix: str, postgres_url: str, queue_janitor: QueueJanitor
) -> Iterator[Settings]:
    """Settings with a prefix of this test's own inside the run's vhost; the test's queues
    are deleted soon after it ends (tests/support/janitor.py says why)."""
    _counter["n"] += 1
    prefix = f"{redis_prefix}-{_counter['n']}"
    yield Settings(
        amqp_url=vhost.url,
        redis_url=REDIS_URL,
        postgres_url=postgres_url,
        prefix=prefix,
        publish_timeout_s=3.0,
        retry_after_s=2,
    )
    queue_janitor.finished(prefix)


@pytest.fixture
async def redis_client(redis_prefix: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        yield client
    finally:
        await client.aclose()
