"""The raw limit: a minimal aio-pika publisher with confirms, N publishes in flight.

Declares the hub's own topology under a prefix (the events topic exchange, the target's
quorum queue bound by ``order.created``, the archive stream bound by ``#``), then
publishes an encoded envelope of the gateway's size with the gateway's message
properties, each awaited for its confirm, from ``inflight`` concurrent tasks. Runs in a
process of its own and prints one JSON `RunResult`:

    python -m bench.ingest.raw_publisher --amqp-url URL --prefix P --config DIR
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import aio_pika
import msgspec
import uvloop

from bench.common import delete_hub_topology
from bench.ingest.body import SAMPLE_NUMBER, order
from bench.ingest.cpu import (
    cpu_by_pid,
    cpu_delta,
    machine_busy_seconds,
    machine_steal_seconds,
    pids_listening,
)
from bench.ingest.results import CpuShare, RunResult
from omnihub.broker import declare_topology, envelope_message, plan_topology
from omnihub.config import load_config
from omnihub.envelope import Envelope, encode_envelope, new_message_id
from omnihub.naming import Names
from omnihub.telemetry.tracing import TraceParent
from transforms.model import Order

__all__ = [
    "declare_hub_topology",
    "envelope_for_order",
    "publish_for",
    "purge_hub_queues",
]


def envelope_for_order() -> Envelope:
    """What the gateway publishes for the benchmark's order (same size, same properties)."""
    payload = msgspec.json.decode(msgspec.json.encode(order(SAMPLE_NUMBER)), type=Order)
    now = datetime.now(UTC)
    return Envelope(
        id=new_message_id(),
        event="order.created",
        route="orders",
        partner="acme-market",
        api_version="v1",
        occurred_at=now,
        received_at=now,
        traceparent=TraceParent.start().header(),
        idempotency_key=SAMPLE_NUMBER,
        scopes=("orders:write",),
        payload=payload,
    )


async def declare_hub_topology(amqp_url: str, prefix: str, config_dir: str) -> None:
    """Declare the topology the gateway would declare for this prefix."""
    connection = await aio_pika.connect(amqp_url)
    try:
        await declare_topology(connection, plan_topology(load_config(config_dir), Names(prefix)))
    finally:
        await connection.close()


async def purge_hub_queues(amqp_url: str, prefix: str, config_dir: str) -> None:
    """Empty the topology's quorum queues, so every scenario starts from empty queues."""
    topology = plan_topology(load_config(config_dir), Names(prefix))
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        for spec in topology.queues:
            if spec.arguments.get("x-queue-type") == "stream":
                continue  # streams cannot be purged; appending does not slow with their size
            queue = await channel.get_queue(spec.name, ensure=False)
            await queue.purge()
    finally:
        await connection.close()


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def publish_for(
    amqp_url: str, prefix: str, *, seconds: float, warmup: float, inflight: int
) -> RunResult:
    envelope = envelope_for_order()
    body = encode_envelope(envelope)
    connection = await aio_pika.connect(amqp_url)
    channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
    exchange = await channel.get_exchange(Names(prefix).events_exchange, ensure=False)
    latencies: list[float] = []
    failures: dict[str, int] = {}
    measuring = False
    stop_at = time.monotonic() + warmup + seconds

    async def worker() -> None:
        while time.monotonic() < stop_at:
            message = envelope_message(envelope, body)
            started = time.perf_counter()
            try:
                await exchange.publish(message, routing_key="order.created", mandatory=True)
            except Exception as exc:  # counted and reported, like an HTTP error status
                name = type(exc).__name__
                failures[name] = failures.get(name, 0) + 1
                continue
            if measuring:
                latencies.append(time.perf_counter() - started)

    services = (pids_listening(urlsplit(amqp_url).port or 5672), pids_listening(6379))
    tasks = [asyncio.create_task(worker()) for _ in range(inflight)]
    await asyncio.sleep(warmup)
    measuring = True
    began, own0 = time.monotonic(), _own_cpu()
    broker0, redis0 = cpu_by_pid(services[0]), cpu_by_pid(services[1])
    machine0 = machine_busy_seconds()
    steal0 = machine_steal_seconds()
    await asyncio.sleep(max(0.0, stop_at - time.monotonic()))
    measuring = False
    wall = time.monotonic() - began
    own1, broker1, redis1 = _own_cpu(), cpu_by_pid(services[0]), cpu_by_pid(services[1])
    machine1 = machine_busy_seconds()
    steal1 = machine_steal_seconds()
    await asyncio.gather(*tasks)
    await connection.close()
    latencies.sort()

    def pct(q: float) -> float:
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    return RunResult(
        name=f"raw aio-pika publisher, {inflight} in flight",
        kind="raw",
        processes=1,
        requests=len(latencies),
        seconds=wall,
        p50_ms=pct(0.50),
        p99_ms=pct(0.99),
        max_ms=latencies[-1] * 1000 if latencies else 0.0,
        statuses={"confirmed": len(latencies)},
        socket_errors=failures,
        cpu=CpuShare(
            subject=(own1 - own0) / wall,
            loadgen=0.0,
            broker=cpu_delta(broker0, broker1) / wall,
            redis=cpu_delta(redis0, redis1) / wall,
            machine=(machine1 - machine0) / wall,
            steal=(steal1 - steal0) / wall,
        ),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest.raw_publisher")
    parser.add_argument("--amqp-url", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--config", required=True, help="configuration directory of the hub")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--inflight", type=int, default=64)
    parser.add_argument(
        "--declare-only", action="store_true", help="declare the topology, publish nothing"
    )
    parser.add_argument("--purge-only", action="store_true", help="empty the topology's queues")
    parser.add_argument("--delete-only", action="store_true", help="delete the topology")
    args = parser.parse_args(argv)
    if args.declare_only:
        uvloop.run(declare_hub_topology(args.amqp_url, args.prefix, args.config))
        return 0
    if args.purge_only:
        uvloop.run(purge_hub_queues(args.amqp_url, args.prefix, args.config))
        return 0
    if args.delete_only:
        uvloop.run(delete_hub_topology(args.amqp_url, load_config(args.config), Names(args.prefix)))
        return 0

    async def run() -> RunResult:
        await declare_hub_topology(args.amqp_url, args.prefix, args.config)
        return await publish_for(
            args.amqp_url,
            args.prefix,
            seconds=args.seconds,
            warmup=args.warmup,
            inflight=args.inflight,
        )

    result = uvloop.run(run())
    sys.stdout.write(msgspec.json.encode(result).decode() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
