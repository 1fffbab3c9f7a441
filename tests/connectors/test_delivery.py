"""Delivery outcomes against the sandbox ERP over real sockets and the real RabbitMQ."""

from __future__ import annotations

import asyncio
from pathlib import Path

import redis.asyncio as aioredis

from connectors import Job, Middleware
from omnihub.broker import envelope_message
from omnihub.history import (
    DEAD_ERROR_HEADER,
    DEAD_REASON_HEADER,
    DELIVERY_HEADER,
    decode_history,
)
from omnihub.journey import Stage
from omnihub.settings import Settings
from sandbox.testing import SandboxServer
from tests.connectors.harness import (
    depth,
    drain,
    envelope,
    erp_config,
    journeys,
    publish,
    publish_raw,
    running,
    wait_depth,
    wait_for,
)
from tests.support.orders import order


def delivered(sandbox: SandboxServer) -> int:
    return len(sandbox.control.records("erp", status=201))


async def test_transient_failures_then_success_make_one_record_with_attempts_recorded(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer, redis_client: aioredis.Redis
) -> None:
    config = erp_config(tmp_path, sandbox.base_url)
    sandbox.control.set_mode("erp", fail_next=2)
    env = envelope(order("T-1"))
    async with running(config, settings) as worker:
        await publish(settings, config, [env])
        await wait_for(lambda: delivered(sandbox) == 1, what="delivered")
        await asyncio.sleep(0.3)  # a duplicate, if any, would arrive now
    records = sandbox.control.records("erp")
    assert [r.idempotency_key for r in records] == [env.id]
    assert sandbox.control.stats("erp").failures_served == 2
    assert worker.metrics.counts["retried"] == 2
    journey = await journeys(redis_client, settings).get(env.id)
    assert journey is not None
    attempts = [(e.attempt, e.status) for e in journey.entries if e.stage is Stage.ATTEMPT]
    assert attempts == [(1, 503), (2, 503), (3, 201)]
    assert journey.outcome == "delivered"
    assert await depth(settings, settings.names.dead_letter_queue("erp")) == 0


async def test_a_permanent_422_goes_to_the_dlq_at_once_with_the_reason(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    config = erp_config(tmp_path, sandbox.base_url)
    env = envelope(order("P-1", lines=[]))
    dlq = settings.names.dead_letter_queue("erp")
    async with running(config, settings):
        await publish(settings, config, [env])
        await wait_for(lambda: sandbox.control.stats("erp").received == 1)
        await asyncio.sleep(0.2)
        messages = await drain(settings, dlq)
    assert sandbox.control.stats("erp").received == 1  # not retried
    (message,) = messages
    assert message.body == envelope_message(env).body  # the envelope, unchanged
    assert message.message_id == env.id
    headers = message.headers
    reason = str(headers[DEAD_REASON_HEADER])
    assert "422" in reason and "lines" in reason
    assert headers[DEAD_ERROR_HEADER] == "RejectedByTarget"
    assert headers[DELIVERY_HEADER] == "orders-to-erp"
    (attempt,) = decode_history(headers)
    assert (attempt.n, attempt.status, attempt.outcome) == (1, 422, "permanent")
    assert "lines" in attempt.excerpt


async def test_after_the_last_retry_the_message_is_dead_lettered_with_every_attempt(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    config = erp_config(tmp_path, sandbox.base_url, breaker="{failures: 100, cool_down: 1s}")
    sandbox.control.set_mode("erp", fixed_status=502)
    env = envelope(order("R-1"))
    dlq = settings.names.dead_letter_queue("erp")
    async with running(config, settings):
        await publish(settings, config, [env])
        await wait_for(lambda: sandbox.control.stats("erp").received == 4, what="4 attempts")
        await asyncio.sleep(0.3)
        messages = await drain(settings, dlq)
    (message,) = messages
    assert "gave up after 4 attempts" in str(message.headers[DEAD_REASON_HEADER])
    history = decode_history(message.headers)
    assert [(a.n, a.status, a.error) for a in history] == [
        (n, 502, "TargetBusy") for n in (1, 2, 3, 4)
    ]
    assert all(a.latency_ms >= 0 and a.at.tzinfo is not None for a in history)


async def test_retry_after_is_honoured(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer, redis_client: aioredis.Redis
) -> None:
    config = erp_config(tmp_path, sandbox.base_url)
    sandbox.control.set_mode("erp", fixed_status=429, retry_after_s=1, fail_next=1)
    env = envelope(order("RA-1"))
    async with running(config, settings):
        await publish(settings, config, [env])
        await wait_for(lambda: delivered(sandbox) == 1, what="delivered")
    journey = await journeys(redis_client, settings).get(env.id)
    assert journey is not None
    first, second = [e.at for e in journey.entries if e.stage is Stage.ATTEMPT]
    waited = (second - first).total_seconds()
    assert 0.95 <= waited < 2.5  # the policy alone would wait ~50 ms


class CrashOn(Middleware):
    """A bug in the worker that only this message triggers."""

    def __init__(self, order_number: str) -> None:
        self.order_number = order_number

    async def before_attempt(self, job: Job) -> None:
        if job.envelope is not None and job.envelope.payload["order_number"] == self.order_number:
            raise RuntimeError("simulated worker crash")


async def test_a_poison_message_is_parked_by_the_delivery_limit(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    config = erp_config(tmp_path, sandbox.base_url, delivery_limit=2)
    poison, good = envelope(order("POISON")), envelope(order("GOOD"))
    dlq = settings.names.dead_letter_queue("erp")
    async with running(config, settings, middleware=[CrashOn("POISON")]):
        await publish(settings, config, [poison, good])
        await wait_for(lambda: delivered(sandbox) == 1, what="good delivered")
        await wait_depth(settings, dlq, 1)
        messages = await drain(settings, dlq)
    (message,) = messages
    assert message.message_id == poison.id
    deaths = message.headers["x-death"]
    assert isinstance(deaths, list) and isinstance(deaths[0], dict)
    assert deaths[0]["reason"] == "delivery_limit"
    assert [r.idempotency_key for r in sandbox.control.records("erp")] == [good.id]


async def test_a_message_that_is_not_an_envelope_is_dead_lettered_unchanged(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    config = erp_config(tmp_path, sandbox.base_url)
    dlq = settings.names.dead_letter_queue("erp")
    async with running(config, settings):
        await publish_raw(settings, settings.names.target_queue("erp"), b"{not json")
        await wait_depth(settings, dlq, 1)
        (message,) = await drain(settings, dlq)
    assert message.body == b"{not json"
    assert message.headers[DEAD_ERROR_HEADER] == "UndeliverableMessage"
    assert sandbox.control.stats("erp").received == 0


async def test_every_delivery_carries_the_message_id_and_a_child_trace(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    config = erp_config(tmp_path, sandbox.base_url)
    env = envelope(order("H-1"))
    async with running(config, settings):
        await publish(settings, config, [env])
        await wait_for(lambda: delivered(sandbox) == 1)
    (record,) = sandbox.control.records("erp")
    assert record.headers["idempotency-key"] == env.id
    _, trace_id, span_id, _ = (record.traceparent or "").split("-")
    assert trace_id == env.trace_id
    assert span_id != env.traceparent.split("-")[2]  # a span of its own
