"""``python -m bench.delivery``: messages/s delivered to the sandbox ERP by one omnihub
worker, against a minimal consume → POST → ack loop, in the same run.

Both drain the same number of pre-published order envelopes from a lane queue into the
sandbox (``python -m sandbox`` in its own process), alternately, ``--repeat`` times each;
the best run of each counts. The worker runs with everything on: retry policy and
history, W3C tracing, journeys (PostgreSQL), breaker, metrics.

    python -m bench.delivery --messages 3000 --repeat 3
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import tempfile
import textwrap
import uuid
from datetime import UTC, datetime
from pathlib import Path

import aio_pika

from bench.delivery.loops import run_baseline, run_worker
from omnihub.broker import Publisher, declare_topology, plan_topology
from omnihub.config import HubConfig, load_config
from omnihub.envelope import Envelope, new_message_id
from omnihub.settings import Settings
from omnihub.telemetry.tracing import TraceParent
from sandbox.control import SandboxClient
from sandbox.testing import sandbox_process


def machine() -> str:
    cpu = platform.processor() or "unknown cpu"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{cpu}, {os.cpu_count()} cpus, Python {platform.python_version()}"


def write_config(directory: Path, erp_url: str, prefetch: int, concurrency: int) -> HubConfig:
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
          erp: {{kind: erp, base_url: '{erp_url}', prefetch: {prefetch},
                concurrency: {concurrency}}}
        retry_policies:
          std: {{attempts: 5, initial_delay: 1s, max_delay: 1m, retry_after_cap: 1m}}
        """)
    )
    return load_config(directory, env={})


def order(n: int) -> dict[str, object]:
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
    try:
        for i in range(n):
            await publisher.publish(
                Envelope(
                    id=new_message_id(),
                    event="order.created",
                    route="orders",
                    partner="bench",
                    api_version="v1",
                    occurred_at=now,
                    received_at=now,
                    traceparent=TraceParent.start().header(),
                    payload=order(i),
                )
            )
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


async def main(args: argparse.Namespace) -> None:
    base = Settings.from_env()
    settings = Settings(
        amqp_url=base.amqp_url, redis_url=base.redis_url, prefix=f"bench-{uuid.uuid4().hex[:8]}"
    )
    queue = settings.names.target_queue("erp")
    results: dict[str, list[float]] = {"baseline": [], "worker": []}
    with sandbox_process() as erp_url, SandboxClient(erp_url) as control:
        with tempfile.TemporaryDirectory() as tmp:
            config = write_config(Path(tmp), erp_url, args.prefetch, args.concurrency)
        try:
            for _ in range(args.repeat):
                for name in ("baseline", "worker"):
                    control.reset()
                    await fill(settings, config, args.messages)
                    if name == "baseline":
                        seconds = await run_baseline(
                            settings, queue, erp_url, args.messages, args.prefetch, args.concurrency
                        )
                    else:
                        seconds = await run_worker(settings, config, args.messages)
                    assert control.stats("erp").recorded == args.messages
                    results[name].append(args.messages / seconds)
                    print(f"{name:9} {args.messages / seconds:8.0f} msg/s", flush=True)
        finally:
            await cleanup(settings, config)
    best = {name: max(rates) for name, rates in results.items()}
    print()
    print(f"date: {datetime.now(UTC).isoformat(timespec='seconds')}")
    print(f"machine: {machine()}")
    print(
        f"messages: {args.messages}, repeat: {args.repeat}, prefetch: {args.prefetch}, "
        f"concurrency: {args.concurrency}"
    )
    print("| consumer | best msg/s | all runs |")
    print("|---|---|---|")
    for name, rates in results.items():
        print(f"| {name} | {best[name]:.0f} | {', '.join(f'{r:.0f}' for r in rates)} |")
    print(f"worker / baseline: {best['worker'] / best['baseline']:.0%}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.delivery", description=__doc__)
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--prefetch", type=int, default=64)
    parser.add_argument("--concurrency", type=int, default=32)
    asyncio.run(main(parser.parse_args()))
