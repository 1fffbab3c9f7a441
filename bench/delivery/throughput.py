"""Delivery throughput: the worker (all middleware, then one off at a time) against the
bare consume -> POST -> ack loop, each draining the same pre-published envelopes into the
responder, interleaved in rounds.

Every scenario of a round starts from ``messages`` order envelopes published into the
erp target's lane queue (with confirms, 64 in flight), then drains them; the figure is
messages / wall time and the process CPU time per message. A ratio is taken per round
(the host's speed drifts within a run) and the median of the rounds' ratios reported.
"""

from __future__ import annotations

import asyncio
import statistics
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import aio_pika
import msgspec

from bench.delivery.loops import Drain, run_baseline, run_worker
from bench.delivery.target import Responder
from connectors.options import SWITCHABLE_MIDDLEWARE
from omnihub.broker import Publisher, declare_topology, plan_topology
from omnihub.config import HubConfig, load_config
from omnihub.envelope import Envelope
from omnihub.ids import new_message_id
from omnihub.settings import Settings
from omnihub.tracecontext import TraceParent

__all__ = [
    "SCENARIOS",
    "ScenarioRuns",
    "cleanup",
    "fill",
    "median",
    "ratio_to",
    "run_rounds",
    "write_config",
]

# scenario name -> middleware left out ("baseline" is the bare loop)
SCENARIOS: dict[str, frozenset[str] | None] = {
    "baseline": None,
    "worker": frozenset(),
    **{f"worker without {name}": frozenset({name}) for name in sorted(SWITCHABLE_MIDDLEWARE)},
}


class ScenarioRuns(msgspec.Struct):
    name: str
    drains: list[Drain] = msgspec.field(default_factory=list)

    def rates(self, messages: int) -> list[float]:
        return [messages / d.seconds for d in self.drains]

    def cpu_ms(self, messages: int) -> list[float]:
        return [d.cpu_s * 1000 / messages for d in self.drains]


def write_config(directory: Path, url: str, prefetch: int, concurrency: int) -> HubConfig:
    (directory / "policies").mkdir()
    (directory / "routes.yaml").write_text(
        textwrap.dedent("""
        routes: {}
        deliveries:
          orders-to-erp:
            {target: erp, events: [order.created], operation: sales_order.create, retry: std}
        """)
    )
    (directory / "policies" / "hub.yaml").write_text(
        textwrap.dedent(f"""
        targets:
          erp: {{kind: erp, base_url: '{url}', prefetch: {prefetch},
                concurrency: {concurrency}}}
        retry_policies:
          std: {{attempts: 5, initial_delay: 1s, max_delay: 1m, retry_after_cap: 1m}}
        """)
    )
    return load_config(directory, env={})


def _order(n: int) -> dict[str, object]:
    return {
        "order_number": f"BENCH-{n}",
        "channel": "web",
        "currency": "EUR",
        "lines": [{"line_number": 1, "sku": "SKU-1", "quantity": {"value": "1"}}],
    }


async def fill(settings: Settings, config: HubConfig, n: int) -> None:
    async def declare(connection: aio_pika.abc.AbstractConnection) -> None:
        await declare_topology(connection, plan_topology(config, settings.names))

    publisher = Publisher(settings.amqp_url, settings.names.events_exchange, on_connect=declare)
    now = datetime.now(UTC)

    def envelope(i: int) -> Envelope:
        return Envelope(
            id=new_message_id(),
            event="order.created",
            route="orders",
            partner="bench",
            api_version="v1",
            occurred_at=now,
            received_at=now,
            traceparent=TraceParent.start().header(),
            payload=_order(i),
        )

    try:
        for start in range(0, n, 64):
            batch = range(start, min(n, start + 64))
            await asyncio.gather(*(publisher.publish(envelope(i)) for i in batch))
    finally:
        await publisher.close()


async def cleanup(settings: Settings, config: HubConfig) -> None:
    connection = await aio_pika.connect(settings.amqp_url)
    try:
        channel = await connection.channel()
        for spec in plan_topology(config, settings.names).queues:
            await channel.queue_delete(spec.name)
        await channel.exchange_delete(settings.names.events_exchange)
    finally:
        await connection.close()


async def run_rounds(
    settings: Settings,
    config: HubConfig,
    target: Responder,
    *,
    messages: int,
    rounds: int,
    prefetch: int,
    concurrency: int,
) -> list[ScenarioRuns]:
    queue = settings.names.target_queue("erp")
    runs = {name: ScenarioRuns(name) for name in SCENARIOS}
    try:
        for r in range(rounds):
            for name, without in SCENARIOS.items():
                target.reset()
                await fill(settings, config, messages)
                if without is None:
                    drain = await run_baseline(
                        settings, queue, target.url, messages, prefetch, concurrency
                    )
                else:
                    drain = await run_worker(settings, config, messages, without)
                got = target.count()
                if got < messages:
                    raise RuntimeError(f"{name}: the responder got {got} of {messages}")
                runs[name].drains.append(drain)
                print(
                    f"round {r + 1} {name:26} {messages / drain.seconds:7.0f} msg/s "
                    f"{drain.cpu_s * 1000 / messages:6.3f} ms CPU/msg",
                    flush=True,
                )
    finally:
        await cleanup(settings, config)
    return list(runs.values())


def ratio_to(runs: list[ScenarioRuns], name: str, reference: str, messages: int) -> list[float]:
    """Per-round ratios of ``name``'s rate to ``reference``'s."""
    by = {r.name: r.rates(messages) for r in runs}
    return [a / b for a, b in zip(by[name], by[reference], strict=True)]


def median(values: list[float]) -> float:
    return statistics.median(values)
