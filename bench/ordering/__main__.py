"""``python -m bench.ordering``: ordered delivery throughput with N worker processes, as a
ratio of unordered delivery in the same run.

One configuration, two deliveries to the sandbox ERP (``python -m sandbox``, its own
process): ``inventory.adjusted`` unordered (the lane queue) and ``inventory.counted``
ordered by SKU x location (intake -> partitions). Each round pre-publishes ``--messages``
events of one kind across ``--keys`` keys, starts ``--workers`` ``omnihub worker``
processes, and times the sandbox's first to last record; unordered and ordered alternate,
``--repeat`` rounds each, and every round's ratio is reported.

    python -m bench.ordering --messages 3000 --workers 2 --repeat 3
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aio_pika
import redis.asyncio as aioredis

from bench.delivery.__main__ import machine
from omnihub.broker import Publisher, declare_topology, plan_topology
from omnihub.config import HubConfig, load_config
from omnihub.envelope import Envelope, new_message_id
from omnihub.settings import Settings
from omnihub.telemetry.tracing import TraceParent
from sandbox.control import SandboxClient
from sandbox.testing import sandbox_process

EVENTS = {"unordered": "inventory.adjusted", "ordered": "inventory.counted"}


def write_config(directory: Path, erp_url: str, args: argparse.Namespace) -> HubConfig:
    (directory / "policies").mkdir()
    pipeline = """
        pipeline:
          - step: map
            label: erp-level
            template: {site: location_id, item: "lines[0].sku", quantity: "lines[0].quantity.value"}
    """
    (directory / "routes.yaml").write_text(
        textwrap.dedent(f"""
        routes: {{}}
        deliveries:
          adjustments:
            target: erp
            events: [inventory.adjusted]
            operation: inventory_adjustment.create
            retry: std
            {textwrap.indent(textwrap.dedent(pipeline).strip(), "            ").strip()}
          levels:
            target: erp
            events: [inventory.counted]
            operation: inventory_adjustment.create
            retry: std
            ordering: {{key: ["lines[0].sku", location_id]}}
            {textwrap.indent(textwrap.dedent(pipeline).strip(), "            ").strip()}
        """)
    )
    (directory / "policies" / "hub.yaml").write_text(
        textwrap.dedent(f"""
        targets:
          erp: {{kind: erp, base_url: '{erp_url}', prefetch: {args.prefetch},
                concurrency: {args.concurrency},
                ordered: {{partitions: {args.partitions}, prefetch: {args.prefetch}}}}}
        retry_policies:
          std: {{attempts: 5, initial_delay: 1s, max_delay: 1m, retry_after_cap: 1m}}
        """)
    )
    return load_config(directory, env={})


def event(kind: str, n: int, keys: int) -> Envelope:
    now = datetime.now(UTC)
    sku, location = n % keys // 20, n % keys % 20
    payload = {
        "event_id": f"B-{n}",
        "kind": "count_snapshot" if kind == "ordered" else "adjustment",
        "location_id": f"LOC-{location}",
        "occurred_at": (now + timedelta(microseconds=n)).isoformat(),
        "lines": [{"sku": f"SKU-{sku}", "quantity": {"value": str(n % 50 + 1)}}],
    }
    return Envelope(
        id=new_message_id(),
        event=EVENTS[kind],
        route="inventory",
        partner="bench",
        api_version="v1",
        occurred_at=now,
        received_at=now,
        traceparent=TraceParent.start().header(),
        payload=payload,
    )


async def fill(settings: Settings, kind: str, n: int, keys: int) -> None:
    publisher = Publisher(settings.amqp_url, settings.names.events_exchange)
    try:
        await asyncio.gather(
            *(
                asyncio.gather(*(publisher.publish(event(kind, i, keys)) for i in range(j, n, 8)))
                for j in range(8)
            )
        )
    finally:
        await publisher.close()


def start_workers(directory: Path, settings: Settings, n: int) -> list[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "OMNIHUB_AMQP_URL": settings.amqp_url,
        "OMNIHUB_REDIS_URL": settings.redis_url,
        "OMNIHUB_PREFIX": settings.prefix,
    }
    command = [sys.executable, "-m", "hub.cli.main", "worker", "--target", "erp"]
    return [
        subprocess.Popen(
            [*command, "--config", str(directory)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(n)
    ]


async def forget_keys(settings: Settings) -> None:
    """Delete the run's Redis keys (journeys, memberships) under its prefix."""
    client = aioredis.Redis.from_url(settings.redis_url)
    try:
        keys = [k async for k in client.scan_iter(match=f"{settings.prefix}:*", count=1000)]
        for i in range(0, len(keys), 1000):
            await client.delete(*keys[i : i + 1000])
    finally:
        await client.aclose()


def round_rate(control: SandboxClient, n: int, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while control.stats("erp").recorded < n:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {control.stats('erp').recorded} of {n} delivered")
        time.sleep(0.2)
    records = control.records("erp")
    seconds = (records[-1].received_at - records[0].received_at).total_seconds()
    return (n - 1) / seconds


async def main(args: argparse.Namespace) -> None:
    base = Settings.from_env()
    settings = Settings(
        amqp_url=base.amqp_url, redis_url=base.redis_url, prefix=f"bench-{uuid.uuid4().hex[:8]}"
    )
    rates: dict[str, list[float]] = {"unordered": [], "ordered": []}
    with (
        sandbox_process() as erp_url,
        SandboxClient(erp_url) as control,
        tempfile.TemporaryDirectory() as tmp,
    ):
        config = write_config(Path(tmp), erp_url, args)
        plan = plan_topology(config, settings.names, ladders=["erp"])
        connection = await aio_pika.connect(settings.amqp_url)
        await declare_topology(connection, plan)
        try:
            for _ in range(args.repeat):
                for kind in ("unordered", "ordered"):
                    control.reset()
                    await fill(settings, kind, args.messages, args.keys)
                    workers = start_workers(Path(tmp), settings, args.workers)
                    try:
                        rate = round_rate(control, args.messages, args.timeout)
                    finally:
                        for worker in workers:
                            worker.send_signal(signal.SIGTERM)
                        for worker in workers:
                            worker.wait(30)
                    rates[kind].append(rate)
                    print(f"{kind:9} {rate:8.0f} msg/s", flush=True)
        finally:
            channel = await connection.channel()
            for spec in plan.queues:
                await channel.queue_delete(spec.name)
            await channel.exchange_delete(settings.names.events_exchange)
            await connection.close()
            await forget_keys(settings)
    ratios = [o / u for u, o in zip(rates["unordered"], rates["ordered"], strict=True)]
    print()
    print(f"date: {datetime.now(UTC).isoformat(timespec='seconds')}")
    print(f"machine: {machine()}")
    print(
        f"messages: {args.messages}, keys: {args.keys}, workers: {args.workers}, "
        f"partitions: {args.partitions}, prefetch: {args.prefetch}, "
        f"concurrency: {args.concurrency}, repeat: {args.repeat}"
    )
    print("| delivery | msg/s per round |")
    print("|---|---|")
    for kind, values in rates.items():
        print(f"| {kind} | {', '.join(f'{r:.0f}' for r in values)} |")
    print(f"ordered / unordered per round: {', '.join(f'{r:.2f}' for r in ratios)}")
    print(f"median ratio: {statistics.median(ratios):.2f} (goal >= 0.6)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.ordering", description=__doc__)
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--keys", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--prefetch", type=int, default=64)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300)
    asyncio.run(main(parser.parse_args()))
