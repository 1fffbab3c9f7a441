"""Run one scenario (the full path, the baseline, or the raw publisher) and measure it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import msgspec

from bench.ingest.body import order_request
from bench.ingest.cpu import (
    cpu_by_pid,
    cpu_delta,
    machine_busy_seconds,
    machine_steal_seconds,
    pids_listening,
)
from bench.ingest.environment import HIGH_LIMIT, BenchEnvironment
from bench.ingest.loadgen import run_wrk
from bench.ingest.openloop import latencies_ms, run_async, run_open_loop, summary
from bench.ingest.results import CpuShare, RunResult
from bench.ingest.servers import ServerGroup, servers
from bench.ingest.source import Source

__all__ = [
    "Load",
    "OpenLoopResult",
    "PublisherError",
    "Scenario",
    "delete_topology",
    "run_open_loop_scenario",
    "run_scenario",
]


class Load(msgspec.Struct, frozen=True, kw_only=True):
    connections: int = 64
    seconds: float = 15.0
    warmup: float = 3.0
    max_requests: int = 300_000  # per scenario: a safety bound, far above what 15 s reach


class Scenario(msgspec.Struct, frozen=True):
    kind: str  # "full", "baseline" or "raw"
    server: str  # "gateway" (omnihub gateway), "uvloop", "granian", "baseline", "raw"
    processes: int = 1
    fast_paths: str = "1"  # the gateway's OMNIHUB_FAST_PATHS: "1" all on, "0" all off, a list

    @property
    def slug(self) -> str:
        paths = "" if self.fast_paths == "1" else f"-paths-{self.fast_paths.replace(',', '+')}"
        return f"{self.kind}-{self.server}-{self.processes}{paths}"

    @property
    def title(self) -> str:
        titles = {
            "gateway": "full path: `omnihub gateway` (uvicorn)",
            "uvloop": "full path: gateway app on uvicorn + uvloop",
            "granian": "full path: gateway app on granian",
            "baseline": "FastAPI + slowapi + aio-pika (uvicorn)",
            "raw": "raw limit: aio-pika publisher, confirms",
        }
        if self.kind == "raw":
            return titles["raw"]
        paths = {"1": "", "0": ", public APIs"}.get(
            self.fast_paths, f", fast paths: {self.fast_paths}"
        )
        return f"{titles[self.server]} x{self.processes}{paths}"


def _threads(ports: int, connections: int) -> int:
    """wrk threads: 2 for one port (two cores), else one per port (each thread, one port)."""
    return min(connections, max(2, ports))


def _measured(
    scenario: Scenario, group: ServerGroup, env: BenchEnvironment, load: Load, run_id: str
) -> Callable[[], RunResult]:
    ports = group.ports if scenario.server != "granian" else group.ports * scenario.processes
    threads = _threads(len(ports), load.connections)
    connections = load.connections - load.connections % threads

    def measure() -> RunResult:
        run_wrk(
            ports=ports,
            connections=connections,
            threads=threads,
            seconds=load.warmup,
            run_id=f"{run_id}-w",
            max_requests=load.max_requests,
        )
        broker = pids_listening(urlsplit(env.amqp_url).port or 5672)
        redis = pids_listening(urlsplit(env.redis_url).port or 6379)
        subject = group.pids
        before = (cpu_by_pid(subject), cpu_by_pid(broker), cpu_by_pid(redis))
        machine0 = machine_busy_seconds()
        steal0 = machine_steal_seconds()
        wrk = run_wrk(
            ports=ports,
            connections=connections,
            threads=threads,
            seconds=load.seconds,
            run_id=run_id,
            max_requests=load.max_requests,
        )
        after = (cpu_by_pid(subject), cpu_by_pid(broker), cpu_by_pid(redis))
        machine1 = machine_busy_seconds()
        steal1 = machine_steal_seconds()
        report = wrk.report
        wall = report.duration_us / 1e6
        errors = report.errors
        return RunResult(
            name=scenario.title,
            kind=scenario.kind,
            processes=scenario.processes,
            requests=report.requests,
            seconds=wall,
            p50_ms=report.latency_us.p50 / 1000,
            p99_ms=report.latency_us.p99 / 1000,
            max_ms=report.latency_us.max / 1000,
            statuses=report.statuses,
            socket_errors={
                "connect": errors.connect,
                "read": errors.read,
                "write": errors.write,
                "timeout": errors.timeout,
            },
            cpu=CpuShare(
                subject=cpu_delta(before[0], after[0]) / wall,
                loadgen=wrk.cpu_s / wall,
                broker=cpu_delta(before[1], after[1]) / wall,
                redis=cpu_delta(before[2], after[2]) / wall,
                machine=(machine1 - machine0) / wall,
                steal=(steal1 - steal0) / wall,
            ),
            capped=report.requests >= load.max_requests - threads,
        )

    return measure


def _server_env(scenario: Scenario, env: BenchEnvironment, prefix: str) -> dict[str, str]:
    if scenario.server == "baseline":
        return {
            "BENCH_AMQP_URL": env.amqp_url,
            "BENCH_REDIS_URL": env.redis_url,
            "BENCH_PREFIX": prefix,
            "BENCH_RATE": HIGH_LIMIT,
        }
    return {
        "OMNIHUB_FAST_PATHS": scenario.fast_paths,
        "OMNIHUB_AMQP_URL": env.amqp_url,
        "OMNIHUB_REDIS_URL": env.redis_url,
        "OMNIHUB_POSTGRES_URL": env.postgres_url,
        "OMNIHUB_PREFIX": prefix,
        "OMNIHUB_CONFIG": str(env.config_dir),
    }


class PublisherError(Exception):
    """The raw publisher (or the topology declaration) failed; its stderr is in the message."""


def _raw_publisher(
    source: Source, env: BenchEnvironment, prefix: str, *args: str, timeout: float
) -> str:
    command = [
        sys.executable, "-m", "bench.ingest.raw_publisher", "--amqp-url", env.amqp_url,
        "--prefix", prefix, "--config", str(env.config_dir), *args,
    ]  # fmt: skip
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=source.root,
        env={**os.environ, "PYTHONPATH": str(source.root)},
    )
    if done.returncode != 0:
        raise PublisherError(f"{' '.join(command[2:4])} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def _raw(source: Source, env: BenchEnvironment, load: Load, prefix: str) -> RunResult:
    out = _raw_publisher(
        source, env, prefix, "--seconds", f"{load.seconds:g}", "--warmup", f"{load.warmup:g}",
        "--inflight", str(load.connections), timeout=load.warmup + load.seconds + 120,
    )  # fmt: skip
    return msgspec.json.decode(out.strip().splitlines()[-1], type=RunResult)


def delete_topology(source: Source, env: BenchEnvironment) -> None:
    """Remove the run's queues and exchange from the broker."""
    _raw_publisher(source, env, env.prefix, "--delete-only", timeout=120)


def run_scenario(
    scenario: Scenario,
    source: Source,
    env: BenchEnvironment,
    load: Load,
    out_dir: Path,
    *,
    during: Callable[[ServerGroup], Callable[[], None]] | None = None,
) -> RunResult:
    """Run `scenario` against the run's topology, emptied first. `during(group)` may start
    something (a profiler) before the load; the callable it returns is called after it.

    All scenarios share one topology (one prefix): the hub's topology holds some twenty
    quorum queues, and a topology per scenario would put a hundred and more on a small
    broker at once.
    """
    prefix = env.prefix
    _raw_publisher(source, env, prefix, "--declare-only", timeout=120)
    _raw_publisher(source, env, prefix, "--purge-only", timeout=120)
    if scenario.kind == "raw":
        return _raw(source, env, load, prefix)
    log = out_dir / f"{scenario.slug}.log"
    server_env = {**_server_env(scenario, env, prefix), "PYTHONPATH": str(source.root)}
    with servers(scenario.server, scenario.processes, server_env, log, source.root) as g:
        finish = during(g) if during is not None else None
        try:
            # Idempotency keys must never repeat (a repeat is answered from Redis, not
            # published): a fresh id per measured run.
            keys = f"bench-{env.run_id}-{scenario.slug}-{uuid.uuid4().hex[:6]}"
            result = _measured(scenario, g, env, load, keys)()
        finally:
            if finish is not None:
                finish()
        time.sleep(0.2)
    return result


class OpenLoopResult(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    max_rate: float  # req/s of the closed loop (wrk) just before
    fraction: float
    rate: float  # offered, req/s
    sent: int
    answered: int
    statuses: dict[str, int]
    latency_ms: dict[str, float]  # p50 / p90 / p99 / max, from the intended send times


def run_open_loop_scenario(
    scenario: Scenario, source: Source, env: BenchEnvironment, load: Load, out_dir: Path,
    *, fraction: float,
) -> OpenLoopResult:  # fmt: skip
    """The scenario's maximum in a closed loop (wrk, as `run_scenario`), then, on the same
    servers, an open loop at ``fraction`` of it for as long (`bench/ingest/openloop.py`)."""
    prefix = env.prefix
    _raw_publisher(source, env, prefix, "--declare-only", timeout=120)
    _raw_publisher(source, env, prefix, "--purge-only", timeout=120)
    log = out_dir / f"{scenario.slug}-open.log"
    server_env = {**_server_env(scenario, env, prefix), "PYTHONPATH": str(source.root)}
    with servers(scenario.server, scenario.processes, server_env, log, source.root) as g:
        keys = f"bench-{env.run_id}-{scenario.slug}-{uuid.uuid4().hex[:6]}"
        closed = _measured(scenario, g, env, load, keys)()
        max_rate = closed.requests / closed.seconds
        rate = max_rate * fraction
        port = g.ports[0]
        samples = run_async(
            run_open_loop(
                "127.0.0.1", port, rate=rate, seconds=load.seconds,
                make_request=order_request(f"{keys}-open", port),
                connections=load.connections,
            )
        )  # fmt: skip
    statuses: dict[str, int] = {}
    for sample in samples:
        key = str(sample.status) if sample.status else "no answer"
        statuses[key] = statuses.get(key, 0) + 1
    return OpenLoopResult(
        name=scenario.title,
        max_rate=max_rate,
        fraction=fraction,
        rate=rate,
        sent=len(samples),
        answered=sum(1 for s in samples if s.status),
        statuses=statuses,
        latency_ms=summary(latencies_ms(samples)),
    )
