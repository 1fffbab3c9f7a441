"""A real `omnihub dev` for the console's screenshots and benchmark: a copy of the example
configuration, a name prefix and a PostgreSQL database of its own (dropped at the end),
free ports; orders sent through its gateway like a partner sends them."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from bench.ingest.body import API_KEY as DEMO_KEY
from bench.ingest.body import order
from bench.ingest.environment import raise_tiers
from omnihub.settings import Settings

__all__ = ["ADMIN_KEY", "DEMO_KEY", "Hub", "order", "running_dev", "send_orders"]

ROOT = Path(__file__).resolve().parents[2]
ADMIN_KEY = "ohk_demo_ops_Hq4Zt8Vn2Lm6Xc1Rb9Kw3Pd7"  # the example configuration's admin key
BANNER = "omnihub dev is running"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _free_run(n: int) -> int:
    """The first of ``n`` free ports in a row (the workers' health ports in dev)."""
    while True:
        base = _free_port()
        try:
            with contextlib.ExitStack() as stack:
                for i in range(n):
                    s = stack.enter_context(socket.socket())
                    s.bind(("127.0.0.1", base + i))
            return base
        except OSError:
            continue


@dataclass
class Hub:
    gateway: str
    console: str
    sandbox: str
    settings: Settings


async def _send_all(gateway: str, numbers: list[str], concurrency: int) -> int:
    auth = {"Authorization": f"Bearer {DEMO_KEY}"}
    accepted = 0
    queue: asyncio.Queue[str] = asyncio.Queue()
    for n in numbers:
        queue.put_nowait(n)

    async def one(client: httpx.AsyncClient) -> None:
        nonlocal accepted
        while not queue.empty():
            number = queue.get_nowait()
            answer = await client.post("/v2/orders", json=order(number), headers=auth)
            while answer.status_code == 429:  # throttled: wait as told, send it again
                await asyncio.sleep(float(answer.headers.get("retry-after", "1")))
                answer = await client.post("/v2/orders", json=order(number), headers=auth)
            accepted += answer.status_code == 202

    async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
        await asyncio.gather(*(one(client) for _ in range(concurrency)))
    return accepted


def send_orders(hub: Hub, numbers: list[str], concurrency: int = 16) -> int:
    """Send each order once; the number accepted (202)."""
    return asyncio.run(_send_all(hub.gateway, numbers, concurrency))


def erp_mode(hub: Hub, mode: dict[str, Any] | None) -> None:
    url = f"{hub.sandbox}/_sandbox/erp/mode"
    answer = httpx.put(url, json=mode) if mode else httpx.delete(url)
    answer.raise_for_status()


def _drop_database(url: str) -> None:
    name = str(conninfo_to_dict(url)["dbname"])
    maintenance = make_conninfo(url, dbname="postgres")
    with contextlib.suppress(psycopg.Error), psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _delete_queues(settings: Settings, config_dir: Path) -> None:
    from omnihub.broker import plan_topology
    from omnihub.config import load_config

    async def run() -> None:
        import aio_pika

        config = load_config(config_dir)
        plan = plan_topology(config, settings.names, ladders=list(config.targets))
        connection = await aio_pika.connect(settings.amqp_url)
        async with connection:
            channel = await connection.channel()
            for queue in plan.queues:
                with contextlib.suppress(Exception):
                    await channel.queue_delete(queue.name)
            with contextlib.suppress(Exception):
                await channel.exchange_delete(settings.names.events_exchange)

    asyncio.run(run())


@contextlib.contextmanager
def running_dev(*, unthrottled: bool = False) -> Iterator[Hub]:
    """``unthrottled``: every rate-limit tier raised, to populate the hub quickly."""
    base = Settings.from_env()
    run = secrets.token_hex(3)
    settings = Settings(
        amqp_url=base.amqp_url,
        redis_url=base.redis_url,
        postgres_url=make_conninfo(base.postgres_url, dbname=f"omnihub_bench_console_{run}"),
        prefix=f"bench-console-{run}",
    )
    workdir = Path(tempfile.mkdtemp(prefix="omnihub-console-"))
    shutil.copy(ROOT / "routes.yaml", workdir / "routes.yaml")
    shutil.copytree(ROOT / "policies", workdir / "policies")
    shutil.copytree(ROOT / "pipeline-tests" / "fixtures", workdir / "pipeline-tests" / "fixtures")
    if unthrottled:
        raise_tiers(workdir / "policies")
    ports = {p: _free_port() for p in ("port", "operator-port", "sandbox-port", "console-port")}
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMNIHUB_")}
    env |= {
        "OMNIHUB_AMQP_URL": settings.amqp_url,
        "OMNIHUB_REDIS_URL": settings.redis_url,
        "OMNIHUB_POSTGRES_URL": settings.postgres_url,
        "OMNIHUB_PREFIX": settings.prefix,
        "OMNIHUB_WORKER_HEALTH_PORT": str(_free_run(8)),  # the overview charts breakers
        "OMNIHUB_ACCESS_LOG": "off",
    }
    argv = [sys.executable, "-m", "hub.cli.main", "dev", "--config", str(workdir)]
    for name, port in ports.items():
        argv += [f"--{name}", str(port)]
    log = (workdir / "dev.log").open("w")
    proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while BANNER not in (workdir / "dev.log").read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("omnihub dev did not start:\n" + (workdir / "dev.log").read_text())
            time.sleep(0.2)
        yield Hub(
            gateway=f"http://127.0.0.1:{ports['port']}",
            console=f"http://127.0.0.1:{ports['console-port']}",
            sandbox=f"http://127.0.0.1:{ports['sandbox-port']}",
            settings=settings,
        )
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        _delete_queues(settings, workdir)
        _drop_database(settings.postgres_url)
        shutil.rmtree(workdir, ignore_errors=True)
