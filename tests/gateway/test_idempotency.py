"""Idempotency-Key: replay, reuse with another body, in-flight duplicates, per partner,
and a retry after a lost publisher confirm."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import httpx
import msgspec
import pytest
import redis.asyncio as aioredis

from gateway.ingest.admission import Admission, TierLimits
from gateway.ingest.idempotency_keys import IssuedIds, digest, fingerprint
from gateway.ingest.redis_batch import redis_commands
from omnihub.config import HubConfig
from omnihub.settings import Settings
from tests.gateway.edge import Creds, queued
from tests.support.connections import connect_broker
from tests.support.hub import running_gateway
from tests.support.orders import order
from tests.support.services import AMQP_HOST, AMQP_PORT
from tests.support.tcpproxy import TcpProxy


@pytest.fixture
async def gw(edge_config: HubConfig, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running_gateway(edge_config, settings) as url, httpx.AsyncClient(base_url=url) as c:
        yield c


def _auth(creds: Creds) -> dict[str, str]:
    return {"Authorization": f"Bearer {creds.acme_keys[0]}"}


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


async def test_a_key_a_dead_request_holds_is_taken_over_after_the_routes_lock(
    gw: httpx.AsyncClient,
    creds: Creds,
    settings: Settings,
    redis_client: aioredis.Redis,
    edge_config: HubConfig,
) -> None:
    """keyed-orders holds a key 1 s (`idempotency_lock`): the reservation of a request
    that never finished (its gateway died) answers 409 until then, and a retry after it
    takes the key over."""
    idem = str(uuid.uuid4())
    body = msgspec.json.encode(order("L-1"))
    route = edge_config.routes["keyed-orders"]
    commands = redis_commands(redis_client)
    try:
        dead = await Admission(redis_client, settings.names, commands).admit(
            "acme",
            TierLimits.parse("standard", edge_config.rate_limit_tiers["standard"]),
            idempotency_digest=digest("idem", idem),
            fingerprint=fingerprint("keyed-orders", "v1", body),
            lock_ms=int(route.idempotency_lock.total_seconds() * 1000),
            ttl_ms=int(route.idempotency_ttl.total_seconds() * 1000),
            now_ms=int(time.time() * 1000),
        )
    finally:
        await commands.close()
    assert dead.state == "new"
    headers = {**_headers(creds.acme_keys[0], idem), "Content-Type": "application/json"}
    held = await gw.post("/v1/keyed-orders", content=body, headers=headers)
    assert held.status_code == 409, held.text
    await asyncio.sleep(1.2)
    taken = await gw.post("/v1/keyed-orders", content=body, headers=headers)
    assert taken.status_code == 202, taken.text
    assert "idempotent-replayed" not in taken.headers


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


async def _sink_message_ids(settings: Settings) -> list[str]:
    connection = await connect_broker(settings.amqp_url)
    try:
        channel = await connection.channel()
        queue = await channel.get_queue(settings.names.target_queue("sink"), ensure=False)
        ids = []
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            ids.append(str(message.message_id))
        return ids
    finally:
        await connection.close()


async def test_a_retry_after_a_lost_confirm_publishes_under_the_same_message_id(
    edge_config: HubConfig, settings: Settings, creds: Creds
) -> None:
    """The broker routed the message but its confirm never came back: the partner got a
    503, and its retry with the same key must not become a second, different message."""
    proxy = TcpProxy(AMQP_HOST, AMQP_PORT)
    await proxy.start()
    vhost_path = settings.amqp_url.rsplit("/", 1)[1]
    proxied = msgspec.structs.replace(
        settings,
        amqp_url=f"amqp://guest:guest@127.0.0.1:{proxy.port}/{vhost_path}",
        publish_timeout_s=1.0,
    )
    headers = _headers(creds.acme_keys[0], str(uuid.uuid4()))
    async with running_gateway(edge_config, proxied) as url, httpx.AsyncClient(base_url=url) as c:
        assert (
            await c.post("/v2/orders", json=order("L-0"), headers=_auth(creds))
        ).status_code == 202
        proxy.mute_replies = True
        lost = await c.post("/v2/orders", json=order("L-1"), headers=headers)
        assert lost.status_code == 503, lost.text
        assert lost.headers["content-type"].startswith("application/problem+json")
        await proxy.stop()  # the connection whose confirm was lost goes
        proxy.mute_replies = False
        await proxy.start()
        for _ in range(50):  # the publisher reconnects after its interval
            retried = await c.post("/v2/orders", json=order("L-1"), headers=headers)
            if retried.status_code == 202:
                break
            assert retried.status_code == 503, retried.text
            await asyncio.sleep(0.1)
        assert retried.status_code == 202, retried.text
        replayed = await c.post("/v2/orders", json=order("L-1"), headers=headers)
    await proxy.stop()
    message_id = retried.json()["message_id"]
    assert replayed.json()["message_id"] == message_id
    ids = await _sink_message_ids(settings)
    assert len(ids) == 3, ids  # L-0, L-1 routed though unconfirmed, L-1 again
    assert ids[1:] == [message_id, message_id]  # one message id: targets see one order
    assert ids[0] != message_id


async def test_a_failed_request_without_a_publish_leaves_no_ids_behind(
    gw: httpx.AsyncClient, creds: Creds, redis_client: aioredis.Redis, settings: Settings
) -> None:
    idem = str(uuid.uuid4())
    headers = _headers(creds.acme_keys[0], idem)
    assert (await gw.post("/v2/orders", json={"bad": 1}, headers=headers)).status_code == 422
    await asyncio.sleep(0.2)  # the release is written in the background
    key = settings.names.idempotency_key("acme-market", digest("idem", idem))
    assert await redis_client.exists(key) == 0


def test_issued_ids_of_a_keyed_request_are_the_same_on_every_attempt() -> None:
    first = IssuedIds.derived("acme", "k" * 40, "f" * 32, 1_765_000_000_123)
    ids = [first.next(), first.next()]
    again = IssuedIds.derived("acme", "k" * 40, "f" * 32, 1_765_000_000_123)
    assert [again.next(), again.next()] == ids and ids[0] != ids[1]  # one per part
    for mid in ids:  # a UUIDv7 of the first attempt's millisecond
        assert (mid[14], int(mid[:8] + mid[9:13], 16)) == ("7", 1_765_000_000_123)
        assert uuid.UUID(mid).variant == uuid.RFC_4122
    others = [
        IssuedIds.derived("gamma", "k" * 40, "f" * 32, 1_765_000_000_123),
        IssuedIds.derived("acme", "j" * 40, "f" * 32, 1_765_000_000_123),
        IssuedIds.derived("acme", "k" * 40, "e" * 32, 1_765_000_000_123),  # another body
    ]
    assert all(o.next() not in ids for o in others)
    random_ids = IssuedIds()
    assert random_ids.next() != IssuedIds().next()  # no key: nothing to derive from
    assert first.count == 2
