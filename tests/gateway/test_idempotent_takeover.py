"""A gateway killed between the publish and storing the response: the partner's retry
with the same Idempotency-Key, on another gateway, publishes under the same message id,
and the ERP gets the order once.

Real processes: two `omnihub gateway` processes, a worker delivering to the sandbox ERP.
The first gateway reaches RabbitMQ through a proxy that drops the broker's replies once
it is connected, so the order is routed (and delivered) but its confirm never comes back:
the gateway is SIGKILLed while it waits, before it can store the response or release the
key, which is what a crash in the middle of a request leaves behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import uuid
from pathlib import Path

import httpx
import msgspec
import redis.asyncio as aioredis

from gateway.ingest.idempotency_keys import digest
from omnihub.config import load_config
from omnihub.settings import Settings
from sandbox.control import SandboxClient
from sandbox.testing import sandbox_process
from tests.gateway.processes import gateway_process
from tests.support.configs import example_copy
from tests.support.hub import running_worker
from tests.support.orders import AUTH, order
from tests.support.services import AMQP_HOST, AMQP_PORT
from tests.support.tcpproxy import TcpProxy

PARTNER = "acme-market"  # the example configuration's demo key


async def _until(predicate: object, what: str, timeout: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():  # type: ignore[operator]
        assert loop.time() < deadline, f"not within {timeout:g} s: {what}"
        await asyncio.sleep(0.1)


async def _end_lock(redis_client: aioredis.Redis, key: str) -> bytes:
    """What the 60 s lock's passing does to a dead gateway's reservation, without the
    wait: the record (`-` fingerprint, lock end, first attempt's time) gets a lock end
    in the past. Returns the record as the crash left it."""
    record: bytes | None = await redis_client.get(key)
    assert record is not None and record.startswith(b"-"), record  # reserved, not completed
    head, _lock_end, first_ms = record.split(b"\n")
    await redis_client.set(key, b"\n".join([head, b"0", first_ms]), keepttl=True)
    return record


async def test_a_retry_after_the_gateway_died_mid_request_reaches_the_erp_once(
    tmp_path: Path, settings: Settings, redis_client: aioredis.Redis
) -> None:
    config_dir = example_copy(tmp_path)
    proxy = TcpProxy(AMQP_HOST, AMQP_PORT)
    await proxy.start()
    vhost_path = settings.amqp_url.rsplit("/", 1)[1]
    proxied = msgspec.structs.replace(
        settings, amqp_url=f"amqp://guest:guest@127.0.0.1:{proxy.port}/{vhost_path}"
    )
    idem = str(uuid.uuid4())
    keyed = {**AUTH, "Idempotency-Key": idem}
    record_key = settings.names.idempotency_key(PARTNER, digest("idem", idem))
    with sandbox_process() as erp_url, SandboxClient(erp_url) as erp:
        env = {"OMNIHUB_ERP_URL": erp_url, "OMNIHUB_PUBLISH_TIMEOUT_S": "120"}
        config = load_config(config_dir, env=env)
        async with (
            running_worker(config, settings, "erp"),
            gateway_process(config_dir, proxied, env) as (first_url, first),
            gateway_process(config_dir, settings, env) as (second_url, _),
            httpx.AsyncClient(timeout=30) as client,
        ):
            # Without a key two identical orders are two messages (and two ERP records).
            plain = [
                await client.post(f"{first_url}/v1/orders", json=order("T-0"), headers=AUTH)
                for _ in range(2)
            ]
            assert [r.status_code for r in plain] == [202, 202], plain[-1].text
            plain_ids = {r.json()["message_id"] for r in plain}
            assert len(plain_ids) == 2
            await _until(lambda: erp.stats("erp").recorded == 2, "the two unkeyed orders")

            proxy.mute_replies = True  # the broker still routes; its confirms are lost
            request = asyncio.create_task(
                client.post(f"{first_url}/v1/orders", json=order("T-1"), headers=keyed)
            )
            await _until(lambda: erp.stats("erp").recorded == 3, "the keyed order at the ERP")
            first.send_signal(signal.SIGKILL)  # published, delivered, nothing stored
            first.wait(10)
            assert first.returncode == -signal.SIGKILL
            with contextlib.suppress(httpx.TransportError):
                await request
            (delivered,) = [
                r for r in erp.records("erp") if r.idempotency_key not in plain_ids
            ]  # its Idempotency-Key towards the ERP is the message id

            # Within the lock the key is still held by the dead gateway's request: 409.
            held = await client.post(f"{second_url}/v1/orders", json=order("T-1"), headers=keyed)
            assert held.status_code == 409, held.text
            await _end_lock(redis_client, record_key)

            retried = await client.post(f"{second_url}/v1/orders", json=order("T-1"), headers=keyed)
            assert retried.status_code == 202, retried.text
            assert "idempotent-replayed" not in retried.headers  # published again...
            assert retried.json()["message_id"] == delivered.idempotency_key  # ...same id
            await _until(lambda: erp.stats("erp").duplicates == 1, "the copy de-duplicated")

            replayed = await client.post(
                f"{second_url}/v1/orders", json=order("T-1"), headers=keyed
            )
            assert replayed.headers["idempotent-replayed"] == "true"
            assert replayed.json()["message_id"] == delivered.idempotency_key
            reused = await client.post(f"{second_url}/v1/orders", json=order("T-2"), headers=keyed)
            assert reused.status_code == 422, reused.text

            status_url = f"{second_url}/v1/messages/{delivered.idempotency_key}"
            for _ in range(200):  # journeys are written in the background
                journey = await client.get(status_url, headers=AUTH)
                if journey.status_code == 200 and journey.json()["status"] == "delivered":
                    break
                await asyncio.sleep(0.1)
            assert journey.status_code == 200, journey.text  # one journey, under the first id
            assert journey.json()["status"] == "delivered", journey.text
        records = erp.records("erp")
        stats = erp.stats("erp")
    await proxy.stop()
    keys = [r.idempotency_key for r in records]
    assert len(keys) == 3 and set(keys) == {*plain_ids, delivered.idempotency_key}
    assert stats.recorded == 3 and stats.duplicates == 1  # the order reached the ERP once
