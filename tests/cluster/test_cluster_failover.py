"""2,000 orders through two gateways into a 3-node RabbitMQ cluster while the node that
leads the ERP's quorum queue is SIGKILLed (and later started again) and one gateway is
SIGKILLed: every order that got a 202 reaches the sandbox ERP, none twice, and the
workers' journeys in PostgreSQL (a database of this test's own) say each was delivered.

Everything runs as real processes on this machine: three RabbitMQ nodes of the test's own
(`tests/support/broker_cluster.py`), two `omnihub gateway`, two `omnihub worker --target
erp`, the sandbox. The partner side is a load balancer in miniature: requests alternate
between the gateways, a gateway that refuses connections is taken out, a 503 is retried
with the same Idempotency-Key. How long publishing stalled after each kill is printed
(`-s`) and written in docs/scaling.md.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections import Counter
from pathlib import Path

import httpx
import msgspec
import psycopg
import pytest

from omnihub.config.model import Lane
from omnihub.journey import Stage
from omnihub.settings import Settings
from sandbox.control import SandboxClient
from sandbox.testing import sandbox_process
from tests.cluster.processes import Gateway, HubProcess, worker
from tests.connectors.harness import wait_for
from tests.support.broker_cluster import BrokerCluster
from tests.support.configs import edit, example_copy
from tests.support.hub import process_env
from tests.support.orders import AUTH, order

ORDERS = 2000
SENDERS = 16
KILL_LEADER_AT = 400  # accepted orders
KILL_GATEWAY_AT = 900
RESTART_NODE_AT = 1300
RETRY_S = 0.2
TIMEOUT_S = 420  # the run takes about 2-3 minutes on 2 busy cores, the cluster's start included


class Partner:
    """Sends orders through whichever gateway is up and keeps what came back."""

    def __init__(self, gateways: list[Gateway], client: httpx.AsyncClient) -> None:
        self.gateways = gateways
        self.client = client
        self.down: set[int] = set()
        self.accepted: dict[str, str] = {}  # order number -> message id
        self.accepted_at: list[float] = []
        self.waited: list[tuple[float, float]] = []  # (first sent, 202) of each order
        self.unanswered: set[str] = set()  # a dead gateway held the key: never answered
        self.statuses: Counter[int | str] = Counter()

    async def send(self, n: int) -> None:
        loop = asyncio.get_running_loop()
        number = f"C-{n}"
        headers = {**AUTH, "Idempotency-Key": f"key-{number}"}
        choice = n % len(self.gateways)
        started = loop.time()
        deadline = started + 60
        while loop.time() < deadline:
            if choice in self.down:
                choice = (choice + 1) % len(self.gateways)
            url = self.gateways[choice].url
            try:
                r = await self.client.post(f"{url}/v1/orders", json=order(number), headers=headers)
            except httpx.TransportError as exc:
                self.statuses[type(exc).__name__] += 1
                self.down.add(choice)  # the balancer's health check, in one step
                continue
            self.statuses[r.status_code] += 1
            if r.status_code == 202:
                self.accepted[number] = r.json()["message_id"]
                self.accepted_at.append(loop.time())
                self.waited.append((started, loop.time()))
                return
            if r.status_code == 409:  # the killed gateway's reservation: a minute's lock
                self.unanswered.add(number)
                return
            assert r.status_code == 503, r.text
            await asyncio.sleep(RETRY_S)
        raise AssertionError(f"{number}: no 202 within 60 s ({self.statuses})")


def stall_after(times: list[float], event: float, window: float = 30.0) -> float:
    """The longest time without a 202 from ``event`` on (within ``window``)."""
    marks = [event, *sorted(t for t in times if event < t <= event + window)]
    return max((b - a for a, b in itertools.pairwise(marks)), default=window)


def delivered_journeys(postgres_url: str, target: str) -> set[str]:
    """Message ids whose journey holds a 'delivered' entry for ``target``."""
    with psycopg.connect(postgres_url, connect_timeout=5) as conn:
        rows = conn.execute(
            "SELECT DISTINCT message_id FROM journey_entries WHERE stage = %s AND target = %s",
            (Stage.DELIVERED.value, target),
        ).fetchall()
    return {str(message_id) for (message_id,) in rows}


def slowest_around(waited: list[tuple[float, float]], event: float) -> float:
    """The longest a partner waited (retries included) for an order in flight at ``event``."""
    return max((end - start for start, end in waited if start <= event <= end), default=0.0)


@pytest.mark.timeout(TIMEOUT_S)
async def test_2000_orders_survive_a_killed_queue_leader_and_a_killed_gateway(
    tmp_path: Path, cluster: BrokerCluster, own_settings: Settings
) -> None:
    config_dir = example_copy(tmp_path)
    edit(config_dir / "policies" / "tiers.yaml", '["50/second", "2000/minute"]', '["10000/second"]')
    edit(
        config_dir / "policies" / "broker.yaml",
        "delivery_limit: 20",
        "delivery_limit: 20\n  quorum_replicas: 3",
    )
    settings = msgspec.structs.replace(own_settings, amqp_url=cluster.url)
    queue = settings.names.target_queue("erp", Lane.PRIORITY)
    logs = tmp_path / "logs"
    logs.mkdir()
    parts: list[HubProcess] = []
    with sandbox_process() as erp_url, SandboxClient(erp_url) as control:
        env = process_env(settings, {"OMNIHUB_ERP_URL": erp_url})
        gateways = [Gateway(f"gateway-{i}", config_dir, env, logs) for i in (1, 2)]
        workers = [worker(f"worker-erp-{i}", "erp", config_dir, env, logs) for i in (1, 2)]
        parts += [*gateways, *workers]
        try:
            await asyncio.gather(*(g.ready() for g in gateways))
            leader = cluster.leader(queue)
            members = cluster.members()
            async with httpx.AsyncClient(timeout=30) as client:
                partner = Partner(gateways, client)
                numbers = iter(range(ORDERS))
                events: dict[str, float] = {}
                loop = asyncio.get_running_loop()
                restart: asyncio.Future[None] | None = None

                async def sender() -> None:
                    nonlocal restart
                    for n in numbers:
                        await partner.send(n)
                        count = len(partner.accepted)
                        if count >= KILL_LEADER_AT and "leader" not in events:
                            events["leader"] = loop.time()
                            leader.kill()
                        elif count >= KILL_GATEWAY_AT and "gateway" not in events:
                            events["gateway"] = loop.time()
                            gateways[0].kill()
                        elif count >= RESTART_NODE_AT and restart is None:
                            events["restart"] = loop.time()
                            restart = asyncio.ensure_future(asyncio.to_thread(leader.start))

                try:
                    await asyncio.gather(*(sender() for _ in range(SENDERS)))
                except AssertionError as exc:  # say where the queues stood, for the diagnosis
                    queues = cluster.running().ctl(
                        "list_queues", "name", "type", "leader", "online", "--no-table-headers"
                    )
                    raise AssertionError(f"{exc}\nqueues now:\n{queues}") from exc
                assert restart is not None
                await restart
            expected = set(partner.accepted.values())
            await wait_for(
                lambda: expected <= {r.idempotency_key for r in control.records("erp")},
                120,
                "every accepted order delivered",
            )
            await asyncio.sleep(1.0)  # a late duplicate would show now
            for part in workers:
                assert part.alive(), f"{part.name} died:\n{part.tail()}"
            assert gateways[1].alive(), gateways[1].tail()
            back = cluster.members()
        finally:
            for part in parts:
                part.stop()
        records = control.records("erp")
    journeys = delivered_journeys(settings.postgres_url, "erp")  # workers flush when stopped
    print(
        f"\ncluster failover: {len(partner.accepted)} accepted, {len(partner.unanswered)} "
        f"unanswered, statuses {dict(partner.statuses)}; after each event, the longest time "
        "without a 202 / the longest wait of an order in flight then: "
        + ", ".join(
            f"{name} {stall_after(partner.accepted_at, at):.2f} s"
            f" / {slowest_around(partner.waited, at):.2f} s"
            for name, at in events.items()
        )
    )
    keys = [r.idempotency_key for r in records]
    numbers_seen = [r.body["order_number"] for r in records]
    assert len(keys) == len(set(keys)), "a message reached the ERP twice"
    assert len(numbers_seen) == len(set(numbers_seen)), "an order reached the ERP twice"
    assert expected <= set(keys), "an order that got a 202 never arrived"
    assert set(numbers_seen) <= set(partner.accepted) | partner.unanswered
    assert len(partner.accepted) + len(partner.unanswered) == ORDERS
    assert len(partner.accepted) >= ORDERS - 64, "more unanswered than the killed gateway held"
    assert back == members, f"the restarted node did not rejoin: {sorted(back)}"
    missing = {str(uuid.UUID(m)) for m in expected} - journeys
    assert not missing, f"{len(missing)} delivered orders without a 'delivered' journey entry"
