"""What the connector tests share: small configurations on disk, envelopes, the broker."""

from __future__ import annotations

import asyncio
import contextlib
import textwrap
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aio_pika
import redis.asyncio as aioredis
from aio_pika.abc import AbstractIncomingMessage

from connectors import Worker, WorkerOptions, create_worker
from omnihub.broker import Publisher, declare_topology, plan_topology
from omnihub.config import HubConfig, load_config
from omnihub.envelope import Envelope, new_message_id
from omnihub.naming import Names
from omnihub.settings import Settings
from omnihub.telemetry.tracing import TraceParent
from tests.support.connections import connect_broker
from tests.support.journeys import TestJourneys

FAST_RETRY = (
    "{attempts: 3, initial_delay: 50ms, max_delay: 200ms, multiplier: 2.0, jitter: 0.2, "
    "retry_after_cap: 2s}"
)

ERP_TARGET = """
erp:
  kind: erp
  base_url: {url}
  timeout: 2s
  prefetch: 8
  concurrency: 4
  breaker: {breaker}
  {extra}
"""


def write_config(
    directory: Path,
    *,
    targets: str,
    deliveries: str,
    retry: str = FAST_RETRY,
    delivery_limit: int = 20,
    env: dict[str, str] | None = None,
    tables: str = "",
) -> HubConfig:
    """routes.yaml (deliveries only) and policies/ in ``directory``; returns it loaded."""
    (directory / "policies").mkdir(parents=True, exist_ok=True)
    (directory / "routes.yaml").write_text(
        "routes: {}\ndeliveries:\n" + textwrap.indent(textwrap.dedent(deliveries).strip(), "  ")
    )
    (directory / "policies" / "targets.yaml").write_text(
        "targets:\n" + textwrap.indent(textwrap.dedent(targets).strip(), "  ") + "\n"
    )
    (directory / "policies" / "retry.yaml").write_text(f"retry_policies:\n  fast: {retry}\n")
    (directory / "policies" / "broker.yaml").write_text(
        f"broker:\n  delivery_limit: {delivery_limit}\n"
    )
    if tables:
        (directory / "policies" / "tables.yaml").write_text(
            "tables:\n" + textwrap.indent(textwrap.dedent(tables).strip(), "  ") + "\n"
        )
    return load_config(directory, env=env or {})


def erp_config(
    directory: Path,
    url: str,
    *,
    extra: str = "",
    breaker: str = "{failures: 3, cool_down: 500ms}",
    delivery_limit: int = 20,
    retry: str = FAST_RETRY,
) -> HubConfig:
    return write_config(
        directory,
        targets=ERP_TARGET.format(url=url, extra=extra, breaker=breaker),
        deliveries="""
        orders-to-erp:
          {target: erp, events: [order.created], operation: sales_order.create, retry: fast}
        """,
        delivery_limit=delivery_limit,
        retry=retry,
        env={"ERP_CLIENT_SECRET": "s3cret-client-value"},
    )


def envelope(
    payload: Any,
    *,
    event: str = "order.created",
    partner: str = "acme-market",
    at: datetime | None = None,
) -> Envelope:
    now = at or datetime.now(UTC)
    return Envelope(
        id=new_message_id(),
        event=event,
        route="orders",
        partner=partner,
        api_version="v1",
        occurred_at=now,
        received_at=now,
        traceparent=TraceParent.start().header(),
        business_key=payload.get("order_number") if isinstance(payload, dict) else None,
        payload=payload,
    )


_DECLARED: list[tuple[str, str, HubConfig, tuple[str, ...]]] = []


def declared(settings: Settings, config: HubConfig, ladders: Sequence[str] = ()) -> None:
    """Remember queues a test makes, so that `delete_declared` removes them afterwards."""
    _DECLARED.append((settings.amqp_url, settings.prefix, config, tuple(ladders)))


async def delete_declared() -> None:
    """Delete every queue tests declared: quorum queues are not free for the broker."""
    entries = list(_DECLARED)
    _DECLARED.clear()
    names: dict[str, set[str]] = {}
    for url, prefix, config, ladders in entries:
        plan = plan_topology(config, Names(prefix), ladders=ladders)
        names.setdefault(url, set()).update(q.name for q in plan.queues)
    for url, queues in names.items():
        with contextlib.suppress(Exception):
            connection = await connect_broker(url, timeout=5)
            try:
                channel = await connection.channel()
                for queue in sorted(queues):
                    await channel.queue_delete(queue)
            finally:
                await connection.close()


@contextlib.asynccontextmanager
async def running(
    config: HubConfig, settings: Settings, target: str = "erp", **kwargs: Any
) -> AsyncIterator[Worker]:
    """A started worker (``create_worker`` keyword arguments pass through)."""
    kwargs.setdefault("options", WorkerOptions(probe_poll_s=0.1, shutdown_timeout_s=5))
    declared(settings, config, [target])
    worker = create_worker(config, settings, target, **kwargs)
    try:  # a start that fails half-way is stopped too (its connection closed), as hub.runner does
        await worker.start()
        yield worker
    finally:
        await worker.stop()


def journeys(client: aioredis.Redis, settings: Settings) -> TestJourneys:
    """The run's journey store (PostgreSQL); `client` is no longer used by it."""
    return TestJourneys(settings)


async def publish(settings: Settings, config: HubConfig, envelopes: Sequence[Envelope]) -> None:
    """Declare the topology and publish with confirms, as the gateway does."""
    declared(settings, config)

    async def declare(connection: aio_pika.abc.AbstractConnection) -> None:
        await declare_topology(connection, plan_topology(config, settings.names))

    publisher = Publisher(settings.amqp_url, settings.names.events_exchange, on_connect=declare)
    try:
        for env in envelopes:
            await publisher.publish(env)
    finally:
        await publisher.close()


async def publish_raw(settings: Settings, queue: str, body: bytes) -> None:
    connection = await connect_broker(settings.amqp_url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        await channel.default_exchange.publish(
            aio_pika.Message(body, message_id="raw-1"), routing_key=queue, mandatory=True
        )
    finally:
        await connection.close()


async def depth(settings: Settings, queue: str) -> int:
    connection = await connect_broker(settings.amqp_url)
    try:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, passive=True)
        return int(declared.declaration_result.message_count or 0)
    finally:
        await connection.close()


async def wait_depth(settings: Settings, queue: str, n: int, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (current := await depth(settings, queue)) != n:
        if loop.time() > deadline:
            raise AssertionError(f"{queue} holds {current} messages, not {n}, after {timeout}s")
        await asyncio.sleep(0.05)


async def drain(settings: Settings, queue: str) -> list[AbstractIncomingMessage]:
    """Take every message out of ``queue`` (acked)."""
    connection = await connect_broker(settings.amqp_url)
    out: list[AbstractIncomingMessage] = []
    try:
        channel = await connection.channel()
        q = await channel.get_queue(queue)
        while (message := await q.get(no_ack=True, fail=False)) is not None:
            out.append(message)
    finally:
        await connection.close()
    return out


async def wait_for(predicate: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"not met within {timeout}s: {what or predicate}")
        await asyncio.sleep(0.05)
