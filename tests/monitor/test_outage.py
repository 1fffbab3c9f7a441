"""An ERP outage with 200 orders, end to end: gateway -> broker -> worker -> sandbox ERP
(answering 503), the monitor running with SLAs compressed to seconds, the sandbox as
the alert webhook receiver, and a real Prometheus scraping the monitor with the shipped
alert rules. One grouped exception, one alert per webhook, the Prometheus alert firing;
after recovery, one resolved notification."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import textwrap
from pathlib import Path

import httpx

from omnihub.config import HubConfig, load_config
from omnihub.journey import JourneyDatabase
from omnihub.monitor import ExceptionStore, ExceptionView, Monitor
from omnihub.monitor.breaker_state import breaker_opened_at
from omnihub.settings import Settings
from sandbox.testing import SandboxServer
from tests.connectors.harness import ERP_TARGET, running
from tests.gateway.journey_support import Keys, journey_config
from tests.support.configs import REPO
from tests.support.hub import running_app, running_gateway
from tests.support.orders import order
from tests.support.prometheus import running_prometheus

ORDERS = 200


def outage_config(directory: Path, sandbox_url: str, keys: Keys, alert_secret: str) -> HubConfig:
    """The journey tests' hub (orders route, the ERP, partners acme and ops), with a
    breaker that opens after 5 failures, retries that outlast the outage, and SLAs and
    alerts compressed to seconds."""
    journey_config(directory, sandbox_url, keys)
    targets = ERP_TARGET.format(
        url=sandbox_url, extra="", breaker="{failures: 5, cool_down: 300ms}"
    )
    (directory / "policies" / "targets.yaml").write_text(
        "targets:\n" + textwrap.indent(textwrap.dedent(targets).strip(), "  ") + "\n"
    )
    (directory / "policies" / "retry.yaml").write_text(
        "retry_policies:\n  fast: {attempts: 20, initial_delay: 100ms, max_delay: 300ms}\n"
    )
    (directory / "policies" / "monitor.yaml").write_text(
        textwrap.dedent(
            f"""
            slas:
              orders-in-erp: {{kind: delivery, delivery: orders-to-erp, within: 1s}}
            alerts:
              check_every: 300ms
              escalate_counts: [1000]
              escalate_ages: [1h]
              webhooks:
                chat: {{url: "{sandbox_url}/alerts/chat", format: slack}}
                signed:
                  url: "{sandbox_url}/partner/webhooks/ops"
                  format: generic
                  secret: ${{env:ALERT_SECRET}}
            """
        )
    )
    env = {"ERP_CLIENT_SECRET": "s3cret-client-value", "ALERT_SECRET": alert_secret}
    return load_config(directory, env=env)


def _rules_copy(workdir: Path) -> Path:
    """The shipped rules with `for:` shortened to one second (the test cannot wait 2m)."""
    text = (REPO / "deploy" / "prometheus" / "alerts.yml").read_text()
    rules = workdir / "alerts.yml"
    rules.write_text("\n".join(
        line.split("for:")[0] + "for: 1s" if line.strip().startswith("for:") else line
        for line in text.splitlines()
    ))  # fmt: skip
    return rules


async def _open(store: ExceptionStore) -> list[ExceptionView]:
    return await store.listing(status=("open",))


async def _until(what: str, check: object, timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():  # type: ignore[operator]
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not within {timeout}s: {what}")
        await asyncio.sleep(0.1)


async def test_an_erp_outage_is_one_exception_one_alert_and_one_resolution(
    tmp_path: Path, own_settings: Settings, sandbox: SandboxServer
) -> None:
    settings = own_settings
    keys = Keys()
    alert_secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    config = outage_config(tmp_path, sandbox.base_url, keys, alert_secret)
    sandbox.control.set_subscription("ops", secret=alert_secret)  # verifies the signature
    sandbox.control.set_mode("erp", fixed_status=503)
    database = JourneyDatabase(settings.postgres_url, pool_size=1)
    store = ExceptionStore(database)
    monitor = Monitor(config, settings)
    workdir = tmp_path / "prometheus"
    workdir.mkdir()
    async with (
        running_gateway(config, settings) as gateway,
        running(config, settings, "erp"),
        httpx.AsyncClient(base_url=gateway, timeout=10) as client,
        running_app(monitor.metrics.asgi_app(), lifespan="off") as metrics_url,
    ):
        watching = asyncio.create_task(monitor.run())
        try:
            with running_prometheus(
                {"omnihub-monitor": metrics_url.removeprefix("http://")},
                workdir,
                rules=_rules_copy(workdir),
            ) as prometheus:
                gate = asyncio.Semaphore(16)

                async def send(n: int) -> None:
                    async with gate:
                        answer = await client.post(
                            "/v1/orders",
                            json=order(f"OUT-{n:04d}"),
                            headers=keys.bearer(keys.acme),
                        )
                        assert answer.status_code == 202, answer.text

                await asyncio.gather(*(send(n) for n in range(ORDERS)))

                async def grouped() -> bool:
                    found = await _open(store)
                    return len(found) == 1 and found[0].count == ORDERS

                await _until(f"one exception counting {ORDERS} orders", grouped)
                (exception,) = await _open(store)
                assert exception.cause == "target_down"
                assert (exception.target, exception.partner) == ("erp", "*")
                assert exception.impact == "order"
                assert "OUT-0000" in exception.business_keys or exception.business_keys
                assert "omnihub dlq" not in exception.action  # nothing to replay: they wait

                def firing() -> list[str]:
                    return [
                        a["labels"]["alertname"]
                        for a in prometheus.alerts()
                        if a["state"] == "firing"
                    ]

                async def alert_fires() -> bool:
                    return "OmnihubTargetDown" in firing()

                await _until("Prometheus fires OmnihubTargetDown", alert_fires)
                assert await breaker_opened_at(monitor.redis, settings.names, "erp") is not None
                metrics = (await client.get(f"{metrics_url}/metrics")).text
                assert 'omnihub_exceptions_open{cause="target_down",impact="order"} 1.0' in metrics

                listed = await client.get("/admin/exceptions", headers=keys.bearer(keys.ops))
                assert listed.status_code == 200
                assert [(e["id"], e["count"]) for e in listed.json()] == [(exception.id, ORDERS)]
                refused = await client.get("/admin/exceptions", headers=keys.bearer(keys.acme))
                assert refused.status_code == 403

                chat = sandbox.control.records("alerts")
                assert len(chat) == 1, [r.body for r in chat]
                assert chat[0].body["text"].startswith("[OPEN] target down at erp")

                sandbox.control.clear_mode("erp")  # the ERP is back

                async def delivered() -> bool:
                    return len(sandbox.control.records("erp", status=201)) == ORDERS

                await _until(f"{ORDERS} orders in the ERP", delivered)

                async def resolved() -> bool:
                    return len(sandbox.control.records("alerts")) == 2

                await _until("the resolution is alerted", resolved)
                assert await breaker_opened_at(monitor.redis, settings.names, "erp") is None
        finally:
            monitor.stop()
            await watching
    chat = sandbox.control.records("alerts")
    assert [r.body["text"].split("]")[0] for r in chat] == ["[OPEN", "[RESOLVED"]
    signed = sandbox.control.records("partner")
    assert [r.status for r in signed] == [200, 200]  # the signature verified both times
    assert [json.loads(json.dumps(r.body))["type"] for r in signed] == [
        "exception.opened",
        "exception.resolved",
    ]
    assert await _open(store) == []
    (done,) = await store.listing(status=("resolved",))
    assert (done.resolved_by, done.count) == ("monitor", ORDERS)
    await database.close()
