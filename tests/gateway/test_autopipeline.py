"""Redis commands of concurrent requests share round trips, in the order they were issued."""

from __future__ import annotations

import asyncio
from urllib.parse import urlparse

import pytest
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import NoScriptError, RedisError, ResponseError

from gateway.ingest.autopipeline import AutoPipeline, _Link
from tests.support.ports import free_port
from tests.support.services import REDIS_URL
from tests.support.tcpproxy import TcpProxy


async def test_concurrent_commands_get_their_own_replies_in_fewer_round_trips(
    redis_client: aioredis.Redis, redis_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline = AutoPipeline(redis_client)
    key = f"{redis_prefix}:autopipe:counter"
    trips = 0
    real = _Link.write

    def counted(link, batch):  # type: ignore[no-untyped-def]
        nonlocal trips
        trips += 1
        real(link, batch)

    monkeypatch.setattr(_Link, "write", counted)
    replies = await asyncio.gather(*(pipeline.execute("INCR", key) for _ in range(200)))
    await pipeline.close()
    assert sorted(replies) == list(range(1, 201))
    assert replies == sorted(replies)  # issued in this order, run in this order
    assert trips < 20


async def test_a_batch_goes_out_while_the_one_before_awaits_its_replies(
    redis_client: aioredis.Redis, redis_prefix: str
) -> None:
    redis_at = urlparse(REDIS_URL)
    proxy = TcpProxy(redis_at.hostname or "127.0.0.1", redis_at.port or 6379)
    await proxy.start()
    client = aioredis.Redis(host="127.0.0.1", port=proxy.port, socket_timeout=0.5)
    pipeline = AutoPipeline(client)
    key = f"{redis_prefix}:autopipe:second"
    try:
        assert await pipeline.execute("PING") == b"PONG"
        proxy.mute_replies = True  # the first batch's replies never come back
        first = asyncio.create_task(pipeline.execute("PING"))
        await asyncio.sleep(0.05)
        second = asyncio.create_task(pipeline.execute("SET", key, "written"))
        for _ in range(50):  # not held back behind the first batch's round trip
            if await redis_client.get(key) == b"written":
                break
            await asyncio.sleep(0.01)
        assert await redis_client.get(key) == b"written"
        results = await asyncio.gather(first, second, return_exceptions=True)
        assert all(isinstance(r, RedisError) for r in results), results
    finally:
        await pipeline.close()
        await client.aclose()
        await proxy.stop()


async def test_an_error_reply_fails_only_its_own_command(
    redis_client: aioredis.Redis, redis_prefix: str
) -> None:
    pipeline = AutoPipeline(redis_client)
    key = f"{redis_prefix}:autopipe:text"
    await redis_client.set(key, "not a number")
    results = await asyncio.gather(
        pipeline.execute("GET", key),
        pipeline.execute("INCR", key),
        pipeline.execute("STRLEN", key),
        pipeline.execute("EVALSHA", "0" * 40, 0),
        return_exceptions=True,
    )
    await pipeline.close()
    assert results[0] == b"not a number"
    assert isinstance(results[1], ResponseError)
    assert "not an integer" in str(results[1])
    assert results[2] == len("not a number")
    assert isinstance(results[3], NoScriptError)  # as redis-py raises it: admission loads


async def test_a_resp3_false_reply_is_a_reply_not_the_end_of_the_buffer() -> None:
    client = aioredis.Redis.from_url(REDIS_URL, protocol=3)
    pipeline = AutoPipeline(client)
    try:
        replies = await asyncio.gather(
            pipeline.execute("EVAL", "redis.setresp(3) return false", 0),
            pipeline.execute("PING"),
        )
        assert replies == [False, b"PONG"]
    finally:
        await pipeline.close()
        await client.aclose()


async def test_background_writes_land_before_later_reads(
    redis_client: aioredis.Redis, redis_prefix: str
) -> None:
    pipeline = AutoPipeline(redis_client)
    key = f"{redis_prefix}:autopipe:stored"
    pipeline.send("SET", key, "response")
    pipeline.send("PEXPIRE", key, 60_000)
    assert await pipeline.execute("GET", key) == b"response"
    await pipeline.close()


async def test_a_background_write_rides_with_the_next_command_or_goes_alone_soon(
    redis_client: aioredis.Redis, redis_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline = AutoPipeline(redis_client)
    writes: list[int] = []
    real = _Link.write

    def counted(link, batch):  # type: ignore[no-untyped-def]
        writes.append(len(batch))
        real(link, batch)

    monkeypatch.setattr(_Link, "write", counted)
    key = f"{redis_prefix}:autopipe:later"
    try:
        assert await pipeline.execute("PING") == b"PONG"
        pipeline.send("SET", key, "alone")
        await asyncio.sleep(0.05)
        assert await redis_client.get(key) == b"alone"  # nothing else came: it went alone
        pipeline.send("SET", key, "with company")
        assert await pipeline.execute("GET", key) == b"with company"
        assert writes == [1, 1, 2]
    finally:
        await pipeline.close()


async def test_an_unreachable_redis_fails_every_command_and_counts_background_writes() -> None:
    dead = aioredis.Redis(
        host="127.0.0.1", port=free_port(), socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
    )
    failures: list[None] = []
    pipeline = AutoPipeline(dead, on_send_failure=lambda: failures.append(None))
    pipeline.send("SET", "k", "v")
    with pytest.raises(RedisError):
        await pipeline.execute("GET", "k")
    await pipeline.close()
    await dead.aclose()
    assert failures == [None]


async def test_a_lost_connection_is_made_anew_for_the_next_batch(
    redis_client: aioredis.Redis, redis_prefix: str
) -> None:
    own = aioredis.Redis.from_url(REDIS_URL)
    pipeline = AutoPipeline(own)
    key = f"{redis_prefix}:autopipe:again"
    assert await pipeline.execute("SET", key, "1")
    name = f"{redis_prefix}-autopipe"
    await pipeline.execute("CLIENT", "SETNAME", name)
    clients = await redis_client.client_list()
    (mine,) = [c for c in clients if c.get("name") == name]
    await redis_client.client_kill_filter(_id=mine["id"])
    try:  # a write to the closed socket is retried; a failed read fails the batch
        value = await pipeline.execute("GET", key)
    except RedisError:
        value = await pipeline.execute("GET", key)
    assert value == b"1"
    await pipeline.close()
    await own.aclose()


async def test_a_redis_that_stops_answering_fails_the_batch_at_the_socket_timeout() -> None:
    redis_at = urlparse(REDIS_URL)
    proxy = TcpProxy(redis_at.hostname or "127.0.0.1", redis_at.port or 6379)
    await proxy.start()
    client = aioredis.Redis(host="127.0.0.1", port=proxy.port, socket_timeout=0.3)
    pipeline = AutoPipeline(client)
    try:
        assert await pipeline.execute("PING") == b"PONG"
        proxy.mute_replies = True  # Redis gets the commands; no answer comes back
        loop = asyncio.get_running_loop()
        started = loop.time()
        results = await asyncio.gather(
            *(pipeline.execute("PING") for _ in range(5)), return_exceptions=True
        )
        assert all(isinstance(r, RedisError) for r in results), results
        assert "did not answer in time" in str(results[0])
        assert 0.3 <= loop.time() - started < 2.0  # one deadline for the batch
        proxy.mute_replies = False
        assert await pipeline.execute("PING") == b"PONG"  # a new connection
    finally:
        await pipeline.close()
        await client.aclose()
        await proxy.stop()
