"""What the delivery and ordering benchmarks share.

- ``run_settings(tag)``: the run's own names: prefix ``bench-<tag>-<hex>`` (queues,
  exchange, Redis keys) and journey database ``omnihub_bench_<tag>_<hex>``;
  ``cleanup(settings, config)`` deletes all of it afterwards.
- ``write_hub_config``: a configuration directory with the given deliveries and targets
  and the retry policy ``std``.
- ``envelope`` and ``publish``: what a partner's accepted event becomes, pre-published to
  the run's exchange (with confirms).
- ``worker_processes``: ``omnihub worker`` processes as the CLI runs them, stopped after.
- ``run_rounds``: scenarios interleaved in rounds (the host's speed drifts within a run,
  so figures are compared within a round).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import re
import signal
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TypeVar

import aio_pika
import psycopg
import redis.asyncio as aioredis
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from omnihub.broker import Publisher, declare_topology, plan_topology
from omnihub.config import HubConfig, load_config
from omnihub.envelope import Envelope, new_message_id
from omnihub.naming import Names
from omnihub.settings import Settings
from omnihub.telemetry.tracing import TraceParent

__all__ = [
    "bench_database",
    "cleanup",
    "delete_hub_topology",
    "delete_topology",
    "drop_database",
    "envelope",
    "hub_env",
    "machine",
    "publish",
    "run_rounds",
    "run_settings",
    "worker_processes",
    "write_hub_config",
]

T = TypeVar("T")

BENCH_DATABASE = re.compile(r"omnihub_bench_[a-z0-9_]+")


def run_settings(tag: str) -> Settings:
    """Settings of the services in the environment, with names of the run's own."""
    base = Settings.from_env()
    run = f"{tag}-{uuid.uuid4().hex[:8]}"
    return Settings(
        amqp_url=base.amqp_url,
        redis_url=base.redis_url,
        postgres_url=make_conninfo(base.postgres_url, dbname=bench_database(run)),
        prefix=f"bench-{run}",
    )


def bench_database(run: str) -> str:
    return "omnihub_bench_" + re.sub(r"[^a-z0-9]+", "_", run.lower())


def hub_env(settings: Settings) -> dict[str, str]:
    """The OMNIHUB_* variables that put a hub process on the run's names."""
    return {
        "OMNIHUB_AMQP_URL": settings.amqp_url,
        "OMNIHUB_REDIS_URL": settings.redis_url,
        "OMNIHUB_POSTGRES_URL": settings.postgres_url,
        "OMNIHUB_PREFIX": settings.prefix,
    }


def write_hub_config(directory: Path, *, deliveries: str, targets: str) -> HubConfig:
    """``routes.yaml`` (no routes, ``deliveries``) and ``policies/hub.yaml`` (``targets``
    and the retry policy ``std``) in ``directory``; both YAML mappings, as text."""
    (directory / "policies").mkdir()
    body = textwrap.indent(textwrap.dedent(deliveries).strip(), "  ")
    (directory / "routes.yaml").write_text(f"routes: {{}}\ndeliveries:\n{body}\n")
    body = textwrap.indent(textwrap.dedent(targets).strip(), "  ")
    (directory / "policies" / "hub.yaml").write_text(
        f"targets:\n{body}\n"
        "retry_policies:\n"
        "  std: {attempts: 5, initial_delay: 1s, max_delay: 1m, retry_after_cap: 1m}\n"
    )
    return load_config(directory, env={})


def envelope(event: str, route: str, payload: dict[str, object]) -> Envelope:
    """An accepted event of partner ``bench`` (API v1), received now, with a new trace."""
    now = datetime.now(UTC)
    return Envelope(
        id=new_message_id(),
        event=event,
        route=route,
        partner="bench",
        api_version="v1",
        occurred_at=now,
        received_at=now,
        traceparent=TraceParent.start().header(),
        payload=payload,
    )


async def publish(
    settings: Settings, config: HubConfig, envelopes: Iterable[Envelope], *, in_flight: int = 64
) -> None:
    """Publish with confirms, ``in_flight`` at a time, after declaring the topology."""

    async def declare(connection: aio_pika.abc.AbstractConnection) -> None:
        await declare_topology(connection, plan_topology(config, settings.names))

    publisher = Publisher(settings.amqp_url, settings.names.events_exchange, on_connect=declare)
    try:
        batch: list[Envelope] = []
        for envelope in envelopes:
            batch.append(envelope)
            if len(batch) == in_flight:
                await asyncio.gather(*(publisher.publish(e) for e in batch))
                batch.clear()
        await asyncio.gather(*(publisher.publish(e) for e in batch))
    finally:
        await publisher.close()


async def cleanup(settings: Settings, config: HubConfig) -> None:
    """Delete the run's queues (retry ladders included), exchange, Redis keys, database."""
    await delete_topology(settings, config)
    client = aioredis.Redis.from_url(settings.redis_url)
    try:
        keys = [k async for k in client.scan_iter(match=f"{settings.prefix}:*", count=1000)]
        for i in range(0, len(keys), 1000):
            await client.delete(*keys[i : i + 1000])
    finally:
        await client.aclose()
    await asyncio.to_thread(drop_database, settings.postgres_url)


async def delete_topology(settings: Settings, config: HubConfig) -> None:
    """Delete the queues (retry ladders included) and the exchange the hub declares."""
    await delete_hub_topology(settings.amqp_url, config, settings.names)


async def delete_hub_topology(amqp_url: str, config: HubConfig, names: Names) -> None:
    """Delete the queues (retry ladders included) and the exchange of the hub's topology
    under `names` (a queue that was never declared is no error)."""
    plan = plan_topology(config, names, ladders=list(config.targets))
    connection = await aio_pika.connect(amqp_url, timeout=5)
    try:
        channel = await connection.channel()
        for spec in plan.queues:
            await channel.queue_delete(spec.name)
        await channel.exchange_delete(plan.exchange)
    finally:
        await connection.close()


def drop_database(url: str) -> None:
    """Drop the bench database named in ``url`` (refuses any other name)."""
    name = str(conninfo_to_dict(url).get("dbname") or "")
    if not BENCH_DATABASE.fullmatch(name):
        raise ValueError(f"not a bench database: {name!r} (omnihub_bench_* only)")
    maintenance = make_conninfo(url, dbname="postgres")
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextlib.contextmanager
def worker_processes(
    config_dir: Path,
    settings: Settings,
    target: str,
    count: int = 1,
    *,
    extra_env: dict[str, str] | None = None,
    log: IO[bytes] | None = None,
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``count`` ``omnihub worker --target`` processes; SIGTERM and wait on the way out."""
    env = {**os.environ, **hub_env(settings), **(extra_env or {})}
    command = [sys.executable, "-m", "hub.cli.main", "worker", "--target", target]
    out = log if log is not None else subprocess.DEVNULL
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(count):
            procs.append(
                subprocess.Popen(
                    [*command, "--config", str(config_dir)], env=env, stdout=out, stderr=out
                )
            )
        yield procs
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def run_rounds(
    scenarios: Sequence[str],
    rounds: int,
    one: Callable[[str], Awaitable[T]],
    *,
    show: Callable[[T], str] = str,
) -> dict[str, list[T]]:
    """``one(scenario)`` for every scenario in order, ``rounds`` times; each result
    printed as it comes (``show``) and returned per scenario, in round order."""
    results: dict[str, list[T]] = {name: [] for name in scenarios}
    width = max((len(name) for name in scenarios), default=0)
    for r in range(rounds):
        for name in scenarios:
            result = await one(name)
            results[name].append(result)
            print(f"round {r + 1} {name:{width}} {show(result)}", flush=True)
    return results


def machine() -> str:
    cpu = platform.processor() or "unknown cpu"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{cpu}, {os.cpu_count()} cpus, Python {platform.python_version()}"
