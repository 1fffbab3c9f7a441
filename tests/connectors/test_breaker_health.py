"""Target down: the breaker opens, the queue holds, nothing is dead-lettered, then resumes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from connectors import BreakerState, WorkerOptions
from omnihub.config.model import Lane
from omnihub.settings import Settings
from sandbox.testing import SandboxServer
from tests.connectors.harness import depth, envelope, erp_config, publish, running, wait_for
from tests.support.orders import order


async def held(settings: Settings, config_rungs: range) -> int:
    names = settings.names
    queues = [names.target_queue("erp", Lane.PRIORITY)]
    queues += [names.retry_queue("erp", Lane.PRIORITY, k) for k in config_rungs]
    return sum([await depth(settings, q) for q in queues])


async def test_target_down_opens_the_breaker_the_queue_holds_and_all_arrive_after_recovery(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    from omnihub.broker.topology import rungs_for

    config = erp_config(tmp_path, sandbox.base_url, breaker="{failures: 3, cool_down: 300ms}")
    rungs = rungs_for([config.retry_policies["fast"]])
    dlq = settings.names.dead_letter_queue("erp")
    sandbox.control.set_mode("erp", down=True)
    envs = [envelope(order(f"B-{i}")) for i in range(20)]
    options = WorkerOptions(health_port=0, probe_poll_s=0.1)
    async with running(config, settings, options=options) as worker:
        assert worker.health is not None
        health_url = f"http://127.0.0.1:{worker.health.port}"
        await publish(settings, config, envs)
        await wait_for(lambda: worker.breaker.state is not BreakerState.CLOSED, what="open")
        async with httpx.AsyncClient(base_url=health_url) as client:
            status = (await client.get("/health")).json()
            metrics = (await client.get("/metrics")).text
        assert status["status"] == "degraded"
        assert status["breaker"]["state"] in ("open", "half_open")
        assert status["consuming"] is False
        assert 'omnihub_breaker_state{target="erp"}' in metrics
        await asyncio.sleep(2.0)  # down for a while: probes fail, retries are not spent
        assert await depth(settings, dlq) == 0
        assert await held(settings, rungs) >= 19  # at most one probe in flight
        assert worker.breaker.times_opened >= 2  # it probed, and opened again
        dropped_while_open = sandbox.control.stats("erp").dropped
        assert dropped_while_open < 20  # it did not hammer the target with every message
        sandbox.control.clear_mode("erp")
        await wait_for(
            lambda: len(sandbox.control.records("erp", status=201)) == 20, 15, "all delivered"
        )
        assert worker.breaker.state is BreakerState.CLOSED
        async with httpx.AsyncClient(base_url=health_url) as client:
            status = (await client.get("/health")).json()
        assert status["status"] == "ok" and status["consuming"] is True
    assert await depth(settings, dlq) == 0
    keys = [r.idempotency_key or "" for r in sandbox.control.records("erp")]
    assert sorted(keys) == sorted(e.id for e in envs)


async def test_health_endpoint_reports_counts_and_unknown_paths_are_404(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    config = erp_config(tmp_path, sandbox.base_url)
    async with running(config, settings, options=WorkerOptions(health_port=0)) as worker:
        assert worker.health is not None
        await publish(settings, config, [envelope(order("HC-1"))])
        await wait_for(lambda: worker.delivered == 1)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{worker.health.port}") as c:
            status = (await c.get("/health")).json()
            missing = await c.get("/nope")
            metrics = (await c.get("/metrics")).text
    assert status["target"] == "erp" and status["status"] == "ok"
    assert status["counts"]["delivered"] == 1
    assert status["breaker"]["state"] == "closed"
    assert missing.status_code == 404
    assert 'omnihub_deliveries_total{outcome="delivered",target="erp"} 1.0' in metrics
