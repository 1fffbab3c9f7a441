"""RabbitMQ restarted once (`rabbitmqctl stop_app` / `start_app`) while orders flow.

The gateway answers 503 during the outage and reconnects by itself, the worker process
reconnects by itself, and every order that got a 202 reaches the sandbox ERP exactly once.
Partners retry a 503 with the same Idempotency-Key; a publish whose confirm the outage cut
off may have been routed anyway, and its retry carries the same message id, so the ERP
still records each order once.
The broker restarted is a node of this test's own (`tests/support/private_broker.py`),
so the rest of the suite keeps its broker.
"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from pathlib import Path

import httpx
import msgspec

from omnihub.config import load_config
from omnihub.settings import Settings
from sandbox.control import SandboxClient
from sandbox.testing import sandbox_process
from tests.connectors.harness import depth, wait_for
from tests.connectors.test_crash_safety import start_worker
from tests.support.configs import edit, example_copy
from tests.support.hub import running_gateway
from tests.support.orders import AUTH, order
from tests.support.private_broker import PrivateBroker, private_broker

MAX_ORDERS = 3000  # bounded: senders stop one second after the broker is back
OUTAGE_S = 2.0
RETRY_AFTER_S = 0.25  # shorter than the Retry-After the gateway sends, to keep it quick


async def restart(broker: PrivateBroker) -> None:
    await asyncio.to_thread(broker.stop_app)
    await asyncio.sleep(OUTAGE_S)  # the outage: partners keep sending
    await asyncio.to_thread(broker.start_app)


async def test_orders_survive_a_broker_restart_exactly_once(
    tmp_path: Path, settings: Settings
) -> None:
    config_dir = example_copy(tmp_path)
    edit(config_dir / "policies" / "tiers.yaml", '["50/second", "2000/minute"]', '["10000/second"]')
    with (
        private_broker() as broker,
        sandbox_process() as erp_url,
        SandboxClient(erp_url) as control,
    ):
        settings = msgspec.structs.replace(settings, amqp_url=broker.url)
        config = load_config(config_dir, env={"OMNIHUB_ERP_URL": erp_url})
        statuses: Counter[int] = Counter()
        problems: list[httpx.Response] = []
        accepted: list[str] = []
        async with (
            running_gateway(config, settings) as url,
            httpx.AsyncClient(base_url=url, timeout=30) as client,
        ):
            done = asyncio.Event()

            async def send(numbers: range) -> None:
                """A partner: each order until it gets its 202, retried on a 503 with the
                same Idempotency-Key, as the problem says."""
                for n in numbers:
                    if done.is_set():
                        return
                    headers = {**AUTH, "Idempotency-Key": f"R-{n}"}
                    while True:
                        r = await client.post("/v1/orders", json=order(f"R-{n}"), headers=headers)
                        statuses[r.status_code] += 1
                        if r.status_code == 202:
                            accepted.append(r.json()["message_id"])
                            break
                        problems.append(r)
                        await asyncio.sleep(RETRY_AFTER_S)

            worker = start_worker(config_dir, settings, erp_url)
            try:
                senders = [asyncio.create_task(send(range(i, MAX_ORDERS, 8))) for i in range(8)]
                await wait_for(lambda: control.stats("erp").recorded >= 60, 60, "60 delivered")
                await restart(broker)
                await asyncio.sleep(1.0)
                done.set()
                await asyncio.gather(*senders)
                during = len(accepted)
                # The gateway is back without a restart of its own: new orders are accepted.
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
                assert worker.poll() is None, "the worker exited instead of reconnecting"
            finally:
                worker.send_signal(signal.SIGTERM)
                worker.wait(20)
        records = control.records("erp")
        dead_letters = await depth(settings, settings.names.dead_letter_queue("erp"))
    keys = [r.idempotency_key for r in records]
    assert statuses[503] >= 1, statuses  # partners saw the outage
    assert set(statuses) <= {202, 503}, statuses
    for r in problems:
        assert r.headers["content-type"].startswith("application/problem+json"), r.headers
        assert int(r.headers["retry-after"]) > 0
    assert during > 0 and len(accepted) == during + 5
    assert len(keys) == len(set(keys)), "an order reached the ERP twice"
    assert set(accepted) <= set(keys), "an order that got a 202 never arrived"
    assert set(keys) <= set(accepted), "a refused request became an order of its own"
    numbers = [r.body["order_number"] for r in records]
    assert len(numbers) == len(set(numbers)), "an order number reached the ERP twice"
    assert dead_letters == 0
