"""Redis through Sentinel: a gateway whose Redis master is SIGKILLed carries on with the
promoted replica, and what was replicated before the failover (an idempotency record)
is still there. Master, replica and sentinel are processes of this test's own
(`tests/support/redis_sentinel.py`)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx
import msgspec
import pytest

from omnihub.config import load_config
from omnihub.redis_client import close_redis, connect_redis
from omnihub.settings import Settings, sentinel_address
from tests.support.configs import example_copy
from tests.support.hub import running_gateway
from tests.support.orders import AUTH, order
from tests.support.redis_sentinel import MASTER_NAME, sentinel_redis


def test_sentinel_addresses_are_host_and_port_with_26379_by_default() -> None:
    assert sentinel_address("10.0.0.5:26380") == ("10.0.0.5", 26380)
    assert sentinel_address(" sentinel-1 ") == ("sentinel-1", 26379)
    assert sentinel_address("[::1]:26379") == ("::1", 26379)
    with pytest.raises(ValueError, match="not host:port"):
        sentinel_address("sentinel:port")


def test_the_sentinel_settings_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {"OMNIHUB_REDIS_SENTINELS": "s1:26379, s2:26379", "OMNIHUB_REDIS_SENTINEL_MASTER": "hub"}
    )
    assert settings.redis_sentinels == ("s1:26379", "s2:26379")
    assert settings.redis_sentinel_master == "hub"
    assert Settings.from_env({}).redis_sentinels == ()
    with pytest.raises(ValueError, match="OMNIHUB_REDIS_SENTINELS: 's1:x' is not host:port"):
        Settings.from_env({"OMNIHUB_REDIS_SENTINELS": "s1:x"})


def test_a_bad_broker_or_sentinel_setting_stops_the_cli_in_one_line() -> None:
    for env in ({"OMNIHUB_AMQP_URL": " , "}, {"OMNIHUB_REDIS_SENTINELS": "s1:port"}):
        done = subprocess.run(
            [sys.executable, "-m", "hub.cli.main", "worker", "--target", "erp"],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and "cannot start: OMNIHUB_" in done.stderr


async def _post_until_accepted(client: httpx.AsyncClient, number: str) -> httpx.Response:
    headers = {**AUTH, "Idempotency-Key": f"key-{number}"}
    for _ in range(150):
        r = await client.post("/v1/orders", json=order(number), headers=headers)
        if r.status_code == 202:
            return r
        assert r.status_code == 503, r.text  # Redis unreachable while the sentinel decides
        await asyncio.sleep(0.1)
    raise AssertionError(f"{number}: no 202 within 15 s of the failover")


async def test_the_gateway_follows_a_failover_and_keeps_replicated_idempotency_records(
    tmp_path: Path, settings: Settings
) -> None:
    config = load_config(example_copy(tmp_path), env={})
    with sentinel_redis() as setup:
        settings = msgspec.structs.replace(
            settings,
            redis_url="redis://127.0.0.1:1/0",  # only its database number counts now
            redis_sentinels=setup.sentinels,
            redis_sentinel_master=MASTER_NAME,
        )
        redis = connect_redis(settings)
        try:
            async with (
                running_gateway(config, settings) as url,
                httpx.AsyncClient(base_url=url, timeout=10) as client,
            ):
                first = await _post_until_accepted(client, "S-1")
                await asyncio.sleep(0.3)  # the stored response is written in the background
                await redis.set(f"{settings.prefix}:marker", "1")
                assert await redis.wait(1, 5000) == 1  # the replica has all of it
                setup.kill_master()
                await asyncio.to_thread(setup.wait_master, setup.replica_port, 30)
                again = await _post_until_accepted(client, "S-1")
                assert again.headers.get("idempotent-replayed") == "true"
                assert again.json()["message_id"] == first.json()["message_id"]
                fresh = await _post_until_accepted(client, "S-2")
                assert fresh.headers.get("idempotent-replayed") is None
            assert await redis.get(f"{settings.prefix}:marker") == b"1"
        finally:
            await close_redis(redis)
