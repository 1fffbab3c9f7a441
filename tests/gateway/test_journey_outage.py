"""PostgreSQL stops while orders flow (a server of the test's own): every order is still
accepted and delivered, journeys resume when it is back, and what the bounded buffers
could not hold is counted."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import msgspec
import pytest

from gateway import create_app
from omnihub.journey import JourneyDatabase, JourneyQueries, Stage
from omnihub.settings import Settings
from omnihub.telemetry import HubMetrics
from sandbox.testing import SandboxServer, running_sandbox
from tests.connectors.harness import delete_declared, running, wait_for
from tests.gateway.journey_support import Keys, journey_config
from tests.support.hub import running_app
from tests.support.orders import order
from tests.support.private_postgres import PrivatePostgres, private_postgres

BUFFER = 60  # rows per process: the gateway's 60 messages (one row each), the worker's 20 (3)
DURING = 80


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    with private_postgres() as server:
        yield server


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox() as server:
        yield server


def _sample(metrics: HubMetrics, name: str) -> float:
    return metrics.registry.get_sample_value(name, {"part": "gateway"}) or 0.0


async def test_orders_flow_through_a_postgresql_outage_and_journeys_resume(
    tmp_path: Path,
    settings: Settings,
    postgres: PrivatePostgres,
    sandbox: SandboxServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    keys = Keys()
    config = journey_config(tmp_path, sandbox.base_url, keys)
    hub = msgspec.structs.replace(settings, postgres_url=postgres.url(), journey_buffer=BUFFER)
    metrics = HubMetrics()  # the gateway's (served on its operator port)
    acme = Keys.bearer(keys.acme)

    async def status(client: httpx.AsyncClient, mid: str) -> str | None:
        answer = await client.get(f"/v1/messages/{mid}", headers=acme)
        return answer.json()["status"] if answer.status_code == 200 else None

    async def send(client: httpx.AsyncClient, prefix: str, n: int) -> list[str]:
        answers = await asyncio.gather(
            *(
                client.post("/v1/orders", json=order(f"{prefix}-{i}"), headers=acme)
                for i in range(n)
            )
        )
        assert [a.status_code for a in answers] == [202] * n, [a.text for a in answers]
        return [a.json()["message_id"] for a in answers]

    async def delivered_journey(client: httpx.AsyncClient, mid: str, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while await status(client, mid) != "delivered":
            assert loop.time() < deadline, f"no delivered journey for {mid} in {timeout}s"
            await asyncio.sleep(0.1)

    def erp_records() -> int:
        return len(sandbox.control.records("erp", status=201))

    try:
        async with (
            running_app(create_app(config, hub, metrics=metrics)) as url,
            running(config, hub, "erp") as worker,
            httpx.AsyncClient(base_url=url, timeout=30) as client,
        ):
            before = await send(client, "PGB", 5)
            await wait_for(lambda: erp_records() == 5, what="5 delivered before the outage")
            for mid in before:
                await delivered_journey(client, mid, 10)

            await asyncio.to_thread(postgres.stop)
            during = await send(client, "PGD", DURING)
            await wait_for(lambda: erp_records() == 5 + DURING, what="delivered during it")
            unreadable = await client.get(f"/v1/messages/{during[0]}", headers=acme)
            dropped_gateway = _sample(metrics, "omnihub_journey_rows_dropped_total")
            dropped_worker = worker.journeys.writer.dropped

            await asyncio.to_thread(postgres.start)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 20
            while (
                _sample(metrics, "omnihub_journey_rows_waiting") or worker.journeys.writer.waiting
            ):
                assert loop.time() < deadline, "the buffered journeys were not written in 20 s"
                await asyncio.sleep(0.2)  # the writers reconnect by themselves
            after = await send(client, "PGA", 5)
            await wait_for(lambda: erp_records() == 10 + DURING, what="delivered after it")
            for mid in after:
                await delivered_journey(client, mid, 10)
    finally:
        await delete_declared()

    keys_seen = [r.idempotency_key for r in sandbox.control.records("erp", status=201)]
    assert sorted(keys_seen) == sorted(before + during + after)  # each once
    assert unreadable.status_code == 503
    # 80 messages into buffers of 60 rows: the gateway drops 20 (one row each), the worker
    # 60 messages' 3 rows each; counted
    assert dropped_gateway == 20 and dropped_worker == 180
    logged = [r.getMessage() for r in caplog.records if r.name == "omnihub.journey"]
    assert any(line.startswith("journey rows dropped (the buffer is full)") for line in logged)
    database = JourneyDatabase(postgres.url(), pool_size=1)
    try:
        kept = [await JourneyQueries(database).get(mid) for mid in during]
    finally:
        await database.close()
    published = [j for j in kept if j and any(e.stage is Stage.PUBLISHED for e in j.entries)]
    delivered = [j for j in kept if j and any(e.stage is Stage.DELIVERED for e in j.entries)]
    assert len(published) == 60 and len(delivered) == 20  # what waited was written later
