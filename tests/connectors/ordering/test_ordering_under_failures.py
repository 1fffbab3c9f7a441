"""The issue's scenario: 20,000 inventory snapshots across 500 SKU x location keys from 8
concurrent producers, arriving shuffled; the ERP answers 500 to 10 % of requests; two
worker processes share the ordered partitions and one is killed with SIGKILL mid-flow
(a new one joins). For every key the ERP's final level is the newest snapshot, and the
sequence of snapshots it saw per key never goes backwards. Beside them, a ninth producer
sends 500 sales (deltas: five on each of 100 keys, in order): every one arrives, and each
key's sales in the order they were accepted.

The producers publish straight to the broker through the hub's own `Publisher` (what
the gateway calls after a 202's checks): the point is delivery order, and 20,000 HTTP
requests through a gateway would triple the run time without adding to it
(tests/connectors/test_crash_safety.py covers the gateway -> worker path under SIGKILL).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis

from omnihub.broker import Publisher, declare_topology, plan_topology
from omnihub.envelope import Envelope
from omnihub.settings import Settings
from sandbox.control import SandboxClient
from sandbox.testing import sandbox_process
from tests.connectors.harness import declared, depth, wait_for
from tests.connectors.ordering.support import inventory, ordered_config, seq_of
from tests.support.connections import connect_broker
from tests.support.ports import free_port

SKUS, LOCATIONS, VERSIONS, PRODUCERS = 25, 20, 40, 8  # 500 keys x 40 = 20,000 updates
SALE_SKUS, SALES = 5, 5  # and 5 sales on each of 100 of those keys
RETRY = (
    "{attempts: 10, initial_delay: 50ms, max_delay: 400ms, multiplier: 2.0, jitter: 0.2, "
    "retry_after_cap: 1s}"
)


def level(sku: int, location: int, seq: int) -> int:
    return (sku * 31 + location * 7 + seq * 13) % 997


def start_worker(
    config_dir: Path, settings: Settings, log: Path, health_port: int
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "OMNIHUB_AMQP_URL": settings.amqp_url,
        "OMNIHUB_REDIS_URL": settings.redis_url,
        "OMNIHUB_PREFIX": settings.prefix,
        "OMNIHUB_WORKER_HEALTH_PORT": str(health_port),
    }
    command = [sys.executable, "-m", "hub.cli.main", "worker", "--target", "erp"]
    with log.open("ab") as out:
        return subprocess.Popen(
            [*command, "--config", str(config_dir)], env=env, stdout=out, stderr=out
        )


def held(ports: list[int]) -> list[list[int]] | None:
    """The partitions each worker holds, once every partition has exactly one holder."""
    try:
        split = [
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).json()["ordered_partitions"]
            for port in ports
        ]
    except (httpx.HTTPError, ValueError, KeyError):
        return None
    return split if sorted(p for h in split for p in h) == list(range(8)) else None


def shared(ports: list[int]) -> bool:
    split = held(ports)
    return split is not None and all(split)


def sales_recorded(control: SandboxClient) -> int:
    return sum(1 for r in control.records("erp") if r.body["kind"] == "sale")


async def produce(settings: Settings, envelopes: list[Envelope]) -> None:
    publisher = Publisher(settings.amqp_url, settings.names.events_exchange)
    try:
        for env in envelopes:
            await publisher.publish(env)
    finally:
        await publisher.close()


@pytest.mark.timeout(600)  # waits up to 420 s for the last delivery
async def test_newest_snapshot_wins_per_key_under_failures_and_a_sigkill(
    tmp_path: Path, settings: Settings, redis_client: aioredis.Redis
) -> None:
    rng = random.Random(19)
    updates = [
        inventory(f"SKU-{s}", f"LOC-{loc}", seq, level(s, loc, seq))
        for s in range(SKUS)
        for loc in range(LOCATIONS)
        for seq in range(1, VERSIONS + 1)
    ]
    rng.shuffle(updates)  # every key's versions arrive out of order
    # Deltas on 100 of the keys, five each, from one more producer in order: they are
    # never skipped, and each key's sales reach the ERP in that order.
    sales = [
        inventory(f"SKU-{s}", f"LOC-{loc}", n, 1, kind="sale")
        for n in range(1, SALES + 1)
        for s in range(SALE_SKUS)
        for loc in range(LOCATIONS)
    ]
    with sandbox_process() as erp_url, SandboxClient(erp_url) as control:
        config = ordered_config(
            tmp_path, erp_url, partitions=8, prefetch=256, retry=RETRY, concurrency=16
        )
        declared(settings, config, ["erp"])
        connection = await connect_broker(settings.amqp_url)
        await declare_topology(connection, plan_topology(config, settings.names, ladders=["erp"]))
        await connection.close()
        control.set_mode("erp", error_rate=0.1, fixed_status=500, seed=19)
        versions = settings.names.ordering_versions_key("erp", "levels-to-erp")
        newest = await inventory_version(VERSIONS)

        async def newest_delivered() -> int:
            values = await redis_client.hvals(versions)
            return sum(1 for v in values if float(v) >= newest)

        done = 0
        logs = Path(os.environ.get("OMNIHUB_TEST_WORKER_LOG", os.devnull))
        ports = [free_port() for _ in range(3)]
        workers = [start_worker(tmp_path, settings, logs, port) for port in ports[:2]]
        try:
            # The two workers split the partitions between them (ordered throughput grows
            # with workers), each held by one of them.
            await wait_for(lambda: shared(ports[:2]), 30, "partitions split")
            producers = [
                asyncio.create_task(produce(settings, batch))
                for batch in [updates[i::PRODUCERS] for i in range(PRODUCERS)] + [sales]
            ]
            await wait_for(lambda: control.stats("erp").recorded >= 300, 120, "300 delivered")
            victim = workers.pop(0)
            victim.send_signal(signal.SIGKILL)
            victim.wait(10)
            assert victim.returncode == -signal.SIGKILL
            killed_at = control.stats("erp").recorded
            workers.append(start_worker(tmp_path, settings, logs, ports[2]))
            await asyncio.gather(*producers)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 420
            while (done := await newest_delivered()) < SKUS * LOCATIONS:
                assert loop.time() < deadline, f"{done} keys have their newest snapshot"
                await asyncio.sleep(0.5)
            await wait_for(lambda: sales_recorded(control) == len(sales), 60, "every sale")
            # The survivor and the newcomer share the partitions again.
            await wait_for(lambda: shared(ports[1:]), 30, "partitions split after the kill")
            await asyncio.sleep(1.0)  # a late, stale delivery would arrive now
            records = control.records("erp")
            stats = control.stats("erp")
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                worker.wait(30)
    assert killed_at < len(records)  # it died mid-flow
    assert stats.failures_served > 0 and {r.status for r in records} == {201}
    seen: dict[tuple[str, str], list[int]] = defaultdict(list)
    sold: dict[tuple[str, str], list[int]] = defaultdict(list)
    last_level: dict[tuple[str, str], int] = {}
    for record in records:
        key = (record.body["item"], record.body["site"])
        if record.body["kind"] == "sale":
            sold[key].append(seq_of(record.body))
            continue
        seen[key].append(seq_of(record.body))
        last_level[key] = int(record.body["quantity"])
    assert len(sold) == SALE_SKUS * LOCATIONS
    assert all(s == list(range(1, SALES + 1)) for s in sold.values()), sold
    assert len(seen) == SKUS * LOCATIONS
    backwards = {k: s for k, s in seen.items() if s != sorted(s)}
    assert not backwards, f"per-key sequences went backwards: {list(backwards.items())[:3]}"
    assert all(s[-1] == VERSIONS for s in seen.values())
    for (sku, loc), got in last_level.items():
        assert got == level(int(sku[4:]), int(loc[4:]), VERSIONS), (sku, loc)
    assert await depth(settings, settings.names.dead_letter_queue("erp")) == 0
    assert await depth(settings, settings.names.ordered_intake_queue("erp")) == 0
    for i in range(8):
        assert await depth(settings, settings.names.ordered_partition_queue("erp", i)) == 0


async def inventory_version(seq: int) -> float:
    from omnihub.config.ordering import version_number

    return version_number(inventory("X", "Y", seq, 0).payload["occurred_at"])
