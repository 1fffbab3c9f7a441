"""Nothing accepted is lost: worker processes killed with SIGKILL mid-delivery, the
broker connection cut, a graceful stop with deliveries in flight.

Real processes where it matters: `python -m hub.cli.main worker` is killed with
SIGKILL twice while 1,000 orders flow through a real gateway; the sandbox runs as its own
process too (`python -m sandbox`), so the worker is the only thing that dies.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import httpx
import msgspec

from omnihub.config import load_config
from omnihub.settings import Settings
from sandbox.control import SandboxClient
from sandbox.testing import SandboxServer, sandbox_process
from tests.connectors.harness import (
    declared,
    depth,
    envelope,
    erp_config,
    publish,
    running,
    wait_for,
)
from tests.support.configs import edit, example_copy
from tests.support.hub import running_gateway
from tests.support.orders import AUTH, order
from tests.support.tcpproxy import TcpProxy

ORDERS = 1000


def start_worker(config_dir: Path, settings: Settings, erp_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "OMNIHUB_AMQP_URL": settings.amqp_url,
        "OMNIHUB_REDIS_URL": settings.redis_url,
        "OMNIHUB_PREFIX": settings.prefix,
        "OMNIHUB_ERP_URL": erp_url,
    }
    command = [sys.executable, "-m", "hub.cli.main", "worker", "--target", "erp"]
    return subprocess.Popen(
        [*command, "--config", str(config_dir)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert process.returncode == -signal.SIGKILL


async def test_1000_orders_while_the_worker_is_sigkilled_twice_arrive_exactly_once(
    tmp_path: Path, settings: Settings
) -> None:
    config_dir = example_copy(tmp_path)
    edit(config_dir / "policies" / "tiers.yaml", '["50/second", "2000/minute"]', '["10000/second"]')
    with sandbox_process() as erp_url, SandboxClient(erp_url) as control:
        control.set_mode("erp", latency_ms=20)  # deliveries are in flight when it dies
        config = load_config(config_dir, env={"OMNIHUB_ERP_URL": erp_url})
        declared(settings, config, ["erp"])
        recorded = 0

        def refresh() -> int:
            nonlocal recorded
            recorded = control.stats("erp").recorded
            return recorded

        accepted: list[str] = []
        async with (
            running_gateway(config, settings) as url,
            httpx.AsyncClient(base_url=url, timeout=30) as client,
        ):

            async def send(numbers: range) -> None:
                for n in numbers:
                    r = await client.post("/v1/orders", json=order(f"K-{n}"), headers=AUTH)
                    assert r.status_code == 202, r.text
                    accepted.append(r.json()["message_id"])

            senders = [asyncio.create_task(send(range(i, ORDERS, 10))) for i in range(10)]
            worker = start_worker(config_dir, settings, erp_url)
            try:
                await wait_for(lambda: refresh() >= 150, 60, "150 delivered")
                kill(worker)
                first_kill_at = recorded
                worker = start_worker(config_dir, settings, erp_url)
                await wait_for(lambda: refresh() >= first_kill_at + 250, 60, "more delivered")
                kill(worker)
                worker = start_worker(config_dir, settings, erp_url)
                await asyncio.gather(*senders)
                await wait_for(lambda: refresh() >= ORDERS, 90, "all delivered")
                await asyncio.sleep(1.0)  # a late duplicate would show now
            finally:
                worker.send_signal(signal.SIGTERM)
                worker.wait(20)
        records = control.records("erp")
        stats = control.stats("erp")
    keys = [r.idempotency_key for r in records]
    assert len(accepted) == ORDERS
    assert len(keys) == ORDERS  # no double effect: one record per order
    assert set(keys) == set(accepted)
    assert {r.status for r in records} == {201}
    assert stats.duplicates >= 1  # it did die mid-delivery: redeliveries were de-duplicated
    assert await depth(settings, settings.names.dead_letter_queue("erp")) == 0


async def test_the_worker_reconnects_by_itself_after_losing_the_broker(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    config = erp_config(tmp_path, sandbox.base_url)
    proxy = TcpProxy("127.0.0.1", urlparse(settings.amqp_url).port or 5672)
    await proxy.start()
    vhost = settings.amqp_url.rsplit("/", 1)[1]
    proxied = msgspec.structs.replace(
        settings, amqp_url=f"amqp://guest:guest@127.0.0.1:{proxy.port}/{vhost}"
    )
    before = [envelope(order(f"C-{i}")) for i in range(20)]
    after = [envelope(order(f"D-{i}")) for i in range(20)]
    sandbox.control.set_mode("erp", latency_ms=30)
    try:
        async with running(config, proxied):
            await publish(settings, config, before)
            await wait_for(lambda: sandbox.control.stats("erp").recorded >= 5)
            await proxy.stop()  # every connection to the broker is cut, mid-delivery
            await publish(settings, config, after)  # the broker itself is fine
            await asyncio.sleep(1.0)
            await proxy.start()
            await wait_for(lambda: sandbox.control.stats("erp").recorded >= 40, 30, "all 40")
            await asyncio.sleep(0.5)
    finally:
        await proxy.stop()
    keys = sorted(r.idempotency_key or "" for r in sandbox.control.records("erp"))
    assert keys == sorted(e.id for e in before + after)


async def test_graceful_stop_finishes_a_delivery_in_flight(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    config = erp_config(tmp_path, sandbox.base_url)
    sandbox.control.set_mode("erp", latency_ms=800)
    async with running(config, settings) as worker:
        await publish(settings, config, [envelope(order("G-1"))])
        await wait_for(lambda: sandbox.control.stats("erp").received == 1)
        await worker.stop(timeout=5)
        assert worker.delivered == 1
    assert len(sandbox.control.records("erp", status=201)) == 1
    assert await depth(settings, settings.names.target_queue("erp")) == 0


async def test_graceful_stop_requeues_what_does_not_finish_in_time(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    config = erp_config(tmp_path, sandbox.base_url)
    env = envelope(order("G-2"))
    sandbox.control.set_mode("erp", latency_ms=3000)
    async with running(config, settings) as worker:
        await publish(settings, config, [env])
        await wait_for(lambda: sandbox.control.stats("erp").received == 1)
        await worker.stop(timeout=0.2)
        assert worker.delivered == 0
    assert await depth(settings, settings.names.target_queue("erp")) == 1  # back in the queue
    sandbox.control.clear_mode("erp")
    async with running(config, settings) as again:
        await wait_for(lambda: again.delivered == 1)
    await asyncio.sleep(3.0)  # the slow first request finishes now: answered as a replay
    keys = [r.idempotency_key for r in sandbox.control.records("erp")]
    assert keys == [env.id]
