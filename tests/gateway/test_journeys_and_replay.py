"""Journeys, tracing and replay through the whole hub: gateway -> broker -> worker -> sandbox,
over real sockets, RabbitMQ and Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gateway import create_app
from omnihub.journey import Journey, Stage
from omnihub.settings import Settings
from omnihub.telemetry import tracing_from_env
from omnihub.telemetry.tracing import TraceParent
from sandbox.testing import SandboxServer, running_sandbox
from tests.connectors.harness import declared, delete_declared, journeys, running, wait_depth
from tests.connectors.harness import wait_for as wait_until
from tests.gateway.journey_support import Keys, journey_config
from tests.support.hub import running_app
from tests.support.journeys import TestJourneys
from tests.support.orders import order


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[SandboxServer]:
    with running_sandbox() as server:
        yield server


@pytest.fixture
async def sandbox(sandbox_server: SandboxServer) -> AsyncIterator[SandboxServer]:
    sandbox_server.control.reset()
    yield sandbox_server
    await delete_declared()


async def journey_with(
    store: TestJourneys, message_id: str, *stages: Stage, timeout: float = 10.0
) -> Journey:
    """The journey once it has every one of `stages` (journeys are written in the
    background, by the gateway and the worker each)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        journey = await store.get(message_id)
        if journey is not None and set(stages) <= {e.stage for e in journey.entries}:
            return journey
        if loop.time() > deadline:
            raise AssertionError(f"journey of {message_id} lacks {stages} after {timeout}s")
        await asyncio.sleep(0.05)


async def test_an_order_keeps_one_trace_id_from_partner_to_target_and_its_journey_is_complete(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer, redis_client: aioredis.Redis
) -> None:
    keys = Keys()
    config = journey_config(tmp_path, sandbox.base_url, keys)
    declared(settings, config, ["erp"])
    exporter = InMemorySpanExporter()
    gateway_tracing = tracing_from_env(
        "omnihub-gateway", env={}, processor=SimpleSpanProcessor(exporter)
    )
    worker_tracing = tracing_from_env(
        "omnihub-worker", env={}, processor=SimpleSpanProcessor(exporter)
    )
    partner_trace = TraceParent.start()
    app = create_app(config, settings, tracing=gateway_tracing)
    async with (
        running_app(app) as url,
        running(config, settings, "erp", tracing=worker_tracing),
        httpx.AsyncClient(base_url=url) as client,
    ):
        response = await client.post(
            "/v1/orders",
            json=order("TR-1"),
            headers={**Keys.bearer(keys.acme), "traceparent": partner_trace.header()},
        )
        assert response.status_code == 202, response.text
        message_id = response.json()["message_id"]
        await wait_until(lambda: len(sandbox.control.records("erp", status=201)) == 1)
        journey = await journey_with(
            journeys(redis_client, settings), message_id, Stage.PUBLISHED, Stage.DELIVERED
        )

    spans = exporter.get_finished_spans()
    services = {str(s.resource.attributes["service.name"]) for s in spans}
    assert services == {"omnihub-gateway", "omnihub-worker"}
    assert {format(s.context.trace_id, "032x") for s in spans} == {partner_trace.trace_id}
    assert response.json()["trace_id"] == partner_trace.trace_id
    [record] = sandbox.control.records("erp", status=201)
    assert TraceParent.parse(record.traceparent) is not None
    assert record.traceparent is not None and partner_trace.trace_id in record.traceparent
    stages = [e.stage for e in journey.entries]
    # 'published' is stamped when the publish went out, before the worker can take it
    assert stages == [Stage.RECEIVED, Stage.PUBLISHED, Stage.ATTEMPT, Stage.DELIVERED]
    published = journey.entries[1]
    assert published.detail == "confirmed" and published.latency_ms is not None
    assert published.latency_ms >= 0
    assert journey.meta.trace_id == partner_trace.trace_id
    assert journey.meta.business_key == "TR-1"
    assert journey.meta.partner == "acme" and journey.meta.route == "orders"


async def test_a_partner_asking_for_another_partners_message_gets_404(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer, redis_client: aioredis.Redis
) -> None:
    keys = Keys()
    config = journey_config(tmp_path, sandbox.base_url, keys)
    declared(settings, config)
    async with (
        running_app(create_app(config, settings)) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        posted = await client.post(
            "/v1/orders", json=order("ISO-1"), headers=Keys.bearer(keys.acme)
        )
        assert posted.status_code == 202, posted.text
        message_id = posted.json()["message_id"]
        await journey_with(journeys(redis_client, settings), message_id, Stage.PUBLISHED)

        own = await client.get(f"/v1/messages/{message_id}", headers=Keys.bearer(keys.acme))
        foreign = await client.get(f"/v1/messages/{message_id}", headers=Keys.bearer(keys.beta))
        unknown = await client.get("/v1/messages/no-such-id", headers=Keys.bearer(keys.beta))

    assert own.status_code == 200
    assert own.json()["status"] == "published"
    assert [s["stage"] for s in own.json()["journey"]] == ["received", "published"]
    assert foreign.status_code == 404
    assert foreign.headers["content-type"].startswith("application/problem+json")
    assert foreign.json()["type"] == unknown.json()["type"]
    assert "acme" not in foreign.text


async def test_admin_replay_of_a_dead_letter_through_the_api_delivers_once(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer, redis_client: aioredis.Redis
) -> None:
    keys = Keys()
    config = journey_config(tmp_path, sandbox.base_url, keys)
    store = journeys(redis_client, settings)
    sandbox.control.set_mode("erp", fixed_status=422)  # the ERP refuses everything
    async with (
        running_app(create_app(config, settings)) as url,
        running(config, settings, "erp"),
        httpx.AsyncClient(base_url=url, timeout=30) as client,
    ):
        posted = await client.post(
            "/v1/orders", json=order("DLQ-1"), headers=Keys.bearer(keys.acme)
        )
        assert posted.status_code == 202, posted.text
        message_id = posted.json()["message_id"]
        await wait_depth(settings, settings.names.dead_letter_queue("erp"), 1)
        sandbox.control.clear_mode("erp")  # the ERP is fixed

        refused = await client.get("/admin/dlq/erp", headers=Keys.bearer(keys.acme))
        listed = await client.get(
            "/admin/dlq/erp", params={"error": "RejectedByTarget"}, headers=Keys.bearer(keys.ops)
        )
        replayed = await client.post(
            f"/admin/dlq/erp/{message_id}/replay", headers=Keys.bearer(keys.ops)
        )
        await wait_until(lambda: len(sandbox.control.records("erp", status=201)) == 1)
        await asyncio.sleep(0.3)  # a duplicate, if any, would arrive now
        journey = await journey_with(store, message_id, Stage.DELIVERED)

    assert refused.status_code == 403
    assert listed.status_code == 200
    assert [d["message_id"] for d in listed.json()] == [message_id]
    assert replayed.status_code == 200, replayed.text
    assert replayed.json()["message_ids"] == [message_id]
    delivered = sandbox.control.records("erp", status=201)
    assert [r.idempotency_key for r in delivered] == [message_id]
    replay_entries = [e for e in journey.entries if e.stage is Stage.REPLAYED]
    assert [e.actor for e in replay_entries] == ["ops/ops-1"]


async def test_metrics_count_requests_by_route_partner_and_status_on_the_operator_port_only(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    keys = Keys()
    config = journey_config(tmp_path, sandbox.base_url, keys)
    declared(settings, config)
    app = create_app(config, settings)
    async with (
        running_app(app) as url,
        running_app(app.app.state.operator, lifespan="off") as operator_url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        for number in ("M-1", "M-2"):
            accepted = await client.post(
                "/v1/orders", json=order(number), headers=Keys.bearer(keys.acme)
            )
            assert accepted.status_code == 202
        invalid = await client.post("/v1/orders", json={}, headers=Keys.bearer(keys.beta))
        assert invalid.status_code == 422
        # ops has the admin scope, not orders:write: a 403, counted under ops
        forbidden = await client.post(
            "/v1/orders", json=order("M-3"), headers=Keys.bearer(keys.ops)
        )
        assert forbidden.status_code == 403
        on_partner_port = await client.get("/metrics", headers=Keys.bearer(keys.acme))
        metrics = await client.get(f"{operator_url}/metrics")

    assert on_partner_port.status_code == 404
    assert on_partner_port.headers["content-type"] == "application/problem+json"
    assert "acme" not in on_partner_port.text
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].count("charset=utf-8") == 1
    text = metrics.text
    assert 'omnihub_requests_total{partner="acme",route="orders",status="202"} 2.0' in text
    assert 'omnihub_requests_total{partner="beta",route="orders",status="422"} 1.0' in text
    assert 'omnihub_requests_total{partner="ops",route="orders",status="403"} 1.0' in text
    assert 'partner="-"' not in text
    assert "omnihub_publish_confirm_seconds_count 2.0" in text
    assert 'omnihub_request_seconds_count{route="orders"} 4.0' in text


async def test_admin_finds_journeys_by_business_key_and_discards_only_with_a_reason(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer, redis_client: aioredis.Redis
) -> None:
    keys = Keys()
    config = journey_config(tmp_path, sandbox.base_url, keys)
    store = journeys(redis_client, settings)
    sandbox.control.set_mode("erp", fixed_status=422)
    ops = Keys.bearer(keys.ops)
    async with (
        running_app(create_app(config, settings)) as url,
        running(config, settings, "erp"),
        httpx.AsyncClient(base_url=url, timeout=30) as client,
    ):
        posted = await client.post(
            "/v1/orders", json=order("KEY-7"), headers=Keys.bearer(keys.acme)
        )
        message_id = posted.json()["message_id"]
        await wait_depth(settings, settings.names.dead_letter_queue("erp"), 1)
        await journey_with(store, message_id, Stage.PUBLISHED, Stage.DEAD_LETTERED)
        by_key = await client.get("/admin/journeys/KEY-7", headers=ops)
        as_partner = await client.get("/admin/journeys/KEY-7", headers=Keys.bearer(keys.acme))
        no_reason = await client.post("/admin/dlq/erp/discard", json={"all": True}, headers=ops)
        discarded = await client.post(
            "/admin/dlq/erp/discard",
            json={"message_ids": [message_id], "reason": "test order"},
            headers=ops,
        )
        unknown_target = await client.get("/admin/dlq/nowhere", headers=ops)
        journey = await journey_with(store, message_id, Stage.DISCARDED)

    assert by_key.status_code == 200
    assert [j["meta"]["message_id"] for j in by_key.json()] == [message_id]
    assert as_partner.status_code == 403
    assert no_reason.status_code == 400
    assert no_reason.headers["content-type"].startswith("application/problem+json")
    assert discarded.status_code == 200, discarded.text
    assert discarded.json()["discarded"] == [message_id]
    assert unknown_target.status_code == 404
    assert journey.entries[-1].actor == "ops/ops-1"
    assert journey.entries[-1].detail == "test order"
