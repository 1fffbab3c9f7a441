"""RabbitMQ restarted once (`rabbitmqctl stop_app` / `start_app`) while orders flow.

The gateway answers 503 during the outage and reconnects by itself, the worker process
reconnects by itself, and every order that got a 202 reaches the sandbox ERP exactly once.
This restarts the test machine's broker: it runs alone, and waits for the broker to be
fully back before it ends.
"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from pathlib import Path

import httpx

from omnihub.config import load_config
from omnihub.settings import Settings
from sandbox.control import SandboxClient
from sandbox.testing import sandbox_process
from tests.connectors.harness import declared, depth, wait_for
from tests.connectors.test_crash_safety import start_worker
from tests.support.configs import edit, example_copy
from tests.support.hub import running_gateway
from tests.support.orders import AUTH, order
from tests.support.services import Vhost

MAX_ORDERS = 3000  # bounded: senders stop one second after the broker is back


async def restart_broker() -> None:
    await asyncio.to_thread(Vhost._ctl, "stop_app")
    await asyncio.sleep(2.0)  # the outage: partners keep sending
    await asyncio.to_thread(Vhost._ctl, "start_app")
    await asyncio.to_thread(Vhost._ctl, "await_startup")


async def test_orders_survive_a_broker_restart_exactly_once(
    tmp_path: Path, settings: Settings
) -> None:
    config_dir = example_copy(tmp_path)
    edit(config_dir / "policies" / "tiers.yaml", '["50/second", "2000/minute"]', '["10000/second"]')
    with sandbox_process() as erp_url, SandboxClient(erp_url) as control:
        config = load_config(config_dir, env={"OMNIHUB_ERP_URL": erp_url})
        declared(settings, config, ["erp"])
        statuses: Counter[int] = Counter()
        accepted: list[str] = []
        async with (
            running_gateway(config, settings) as url,
            httpx.AsyncClient(base_url=url, timeout=30) as client,
        ):
            done = asyncio.Event()

            async def send(numbers: range) -> None:
                for n in numbers:
                    if done.is_set():
                        return
                    r = await client.post("/v1/orders", json=order(f"R-{n}"), headers=AUTH)
                    statuses[r.status_code] += 1
                    if r.status_code == 202:
                        accepted.append(r.json()["message_id"])
                    else:
                        assert r.status_code == 503, r.text
                        assert r.headers["retry-after"]
                        await asyncio.sleep(0.05)

            worker = start_worker(config_dir, settings, erp_url)
            try:
                senders = [asyncio.create_task(send(range(i, MAX_ORDERS, 8))) for i in range(8)]
                await wait_for(lambda: control.stats("erp").recorded >= 60, 60, "60 delivered")
                await restart_broker()
                await asyncio.sleep(1.0)
                done.set()
                await asyncio.gather(*senders)
                after = len(accepted)
                # The gateway is back without a restart: the next orders are accepted.
                for n in range(5):
                    r = await client.post("/v1/orders", json=order(f"A-{n}"), headers=AUTH)
                    assert r.status_code == 202, r.text
                    accepted.append(r.json()["message_id"])
                expected = set(accepted)
                await wait_for(
                    lambda: expected <= {r.idempotency_key for r in control.records("erp")},
                    90,
                    "every accepted order delivered",
                )
                await asyncio.sleep(1.0)  # a late duplicate would show now
            finally:
                worker.send_signal(signal.SIGTERM)
                worker.wait(20)
        records = control.records("erp")
    keys = [r.idempotency_key for r in records]
    assert statuses[503] >= 1, statuses  # the outage was seen by partners
    assert after > 0 and len(accepted) == after + 5
    assert len(keys) == len(set(keys))  # exactly once: no key recorded twice
    assert set(accepted) <= set(keys)  # every 202 arrived
    assert await depth(settings, settings.names.dead_letter_queue("erp")) == 0
