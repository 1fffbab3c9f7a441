"""End-to-end latency: from the request the partner sends to the target receiving it.

On a copy of the example configuration (tiers raised, `BenchEnvironment`) with the ERP
at the responder: ``omnihub gateway`` (one process) and ``omnihub worker --target erp``
(one process, everything on) as the CLI runs them, on the run's own prefix.

1. The full path's maximum: wrk floods the gateway (64 connections) while the
   responder counts what the worker delivers; the maximum is deliveries/s over the
   flood (the queue is then drained before going on).
2. For each fraction (25, 50, 75 %): an open loop at that fraction of the maximum
   (`bench/ingest/openloop.py`): request ``i`` is due at ``start + i / rate``, the 202's
   message id is kept, and the responder stamps each arrival by Idempotency-Key (the
   message id). Latency = arrival - *intended* send time (so a stall is not hidden);
   the 202 latency (answer - intended) and the delivery leg (arrival - 202) beside it.
"""

from __future__ import annotations

import math
import time
import uuid
from pathlib import Path

import msgspec

from bench.common import hub_env as common_hub_env
from bench.common import worker_processes
from bench.delivery.target import Responder
from bench.ingest.body import order_request
from bench.ingest.environment import BenchEnvironment
from bench.ingest.loadgen import run_wrk
from bench.ingest.openloop import Sample, run_async, run_open_loop, summary
from bench.ingest.scenarios import (
    Load,
    OpenLoopResult,
    Scenario,
    delete_topology,
    run_open_loop_scenario,
)
from bench.ingest.servers import servers
from bench.ingest.source import Source

__all__ = ["EndToEnd", "Level", "ingest_open_loop", "run_end_to_end"]


class Level(msgspec.Struct, frozen=True, kw_only=True):
    fraction: float
    rate: float  # offered req/s
    sent: int
    accepted: int  # 202s
    delivered: int  # of the accepted, received by the responder
    e2e_ms: dict[str, float]  # arrival - intended
    ingest_ms: dict[str, float]  # 202 - intended
    leg_ms: dict[str, float]  # arrival - 202


class EndToEnd(msgspec.Struct, frozen=True, kw_only=True):
    ingest_max: float  # 202/s during the flood
    full_max: float  # deliveries/s during the flood
    levels: list[Level]


def _message_id(sample: Sample) -> str | None:
    if sample.status != 202:
        return None
    data = msgspec.json.decode(sample.body)
    mid = data.get("message_id") if isinstance(data, dict) else None
    return mid if isinstance(mid, str) else None


def level_of(
    fraction: float, rate: float, samples: list[Sample], arrivals: dict[str, float]
) -> Level:
    """The figures of one open-loop level from its samples and the responder's stamps."""
    e2e, ingest, leg = [], [], []
    accepted = 0
    for sample in samples:
        mid = _message_id(sample)
        if mid is None:
            continue
        accepted += 1
        ingest.append((sample.done - sample.intended) * 1000)
        arrived = arrivals.get(mid)
        if arrived is not None:
            e2e.append((arrived - sample.intended) * 1000)
            leg.append((arrived - sample.done) * 1000)
    return Level(
        fraction=fraction,
        rate=rate,
        sent=len(samples),
        accepted=accepted,
        delivered=len(e2e),
        e2e_ms=summary(e2e),
        ingest_ms=summary(ingest),
        leg_ms=summary(leg),
    )


def _wait_settled(target: Responder, expected: int | None, timeout: float) -> int:
    """Until the responder has ``expected`` requests, or (None) its count stops moving for
    2 s; returns the count (short of ``expected`` when the timeout came first)."""
    deadline = time.monotonic() + timeout
    last, still = -1, 0
    while time.monotonic() < deadline:
        count = target.count()
        if expected is not None and count >= expected:
            return count
        still = still + 1 if count == last else 0
        if expected is None and still >= 10:
            return count
        last = count
        time.sleep(0.2)
    return target.count()


def run_end_to_end(
    env: BenchEnvironment,
    target: Responder,
    repo: Path,
    out_dir: Path,
    *,
    seconds: float,
    fractions: list[float],
) -> EndToEnd:
    hub_env = {
        **common_hub_env(env.settings),
        "OMNIHUB_CONFIG": str(env.config_dir),
        "OMNIHUB_ERP_URL": target.url,
        "PYTHONPATH": str(repo),
    }
    try:
        with (
            servers("gateway", 1, hub_env, out_dir / "e2e-gateway.log", repo) as gateway,
            (out_dir / "e2e-worker.log").open("wb") as log,
            worker_processes(env.config_dir, env.settings, "erp", extra_env=hub_env, log=log),
        ):
            return _measure(env, target, gateway.ports[0], seconds, fractions)
    finally:
        delete_topology(Source(root=repo, revision="worktree"), env)


def _measure(
    env: BenchEnvironment, target: Responder, port: int, seconds: float, fractions: list[float]
) -> EndToEnd:
    run = f"bench-{env.run_id}-e2e-{uuid.uuid4().hex[:6]}"
    # warm-up: the worker starts consuming, connections and caches are made
    run_async(
        run_open_loop(
            "127.0.0.1", port, rate=50, seconds=2, make_request=order_request(f"{run}-w", port)
        )
    )
    if _wait_settled(target, 100, 180) < 100:  # the worker starts slowly on a busy host
        raise RuntimeError("the worker delivered none of the warm-up in 180 s; see its log")
    target.reset()
    flood = run_wrk(
        ports=[port], connections=64, threads=2, seconds=seconds, run_id=f"{run}-f",
        max_requests=10**7,
    )  # fmt: skip
    wall = flood.report.duration_us / 1e6
    full_max = target.count() / wall
    if full_max == 0:
        raise RuntimeError("nothing delivered during the flood; see the worker's log")
    ingest_max = flood.report.statuses.get("202", 0) / wall
    print(f"e2e: flood {ingest_max:,.0f} accepted/s, {full_max:,.0f} delivered/s", flush=True)
    _wait_settled(target, None, 600)  # the queue the flood left behind
    levels = []
    for fraction in fractions:
        target.reset()
        rate = full_max * fraction
        samples = run_async(
            run_open_loop(
                "127.0.0.1", port, rate=rate, seconds=seconds,
                make_request=order_request(f"{run}-{fraction:g}", port),
            )
        )  # fmt: skip
        accepted = sum(1 for s in samples if s.status == 202)
        _wait_settled(target, accepted, 60)
        level = level_of(fraction, rate, samples, target.received())
        levels.append(level)
        e2e = level.e2e_ms
        print(
            f"e2e: {fraction:.0%} = {rate:,.0f} req/s: p50 {e2e['p50']:.1f} ms, "
            f"p99 {e2e['p99']:.1f} ms ({level.delivered} of {level.accepted} delivered)",
            flush=True,
        )
    return EndToEnd(ingest_max=ingest_max, full_max=full_max, levels=levels)


def fmt(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"


def ingest_open_loop(
    env: BenchEnvironment, repo: Path, out_dir: Path, *, seconds: float, fraction: float
) -> OpenLoopResult:
    """``omnihub gateway`` x1: its maximum, then an open loop at ``fraction`` of it
    (`bench.ingest.scenarios.run_open_loop_scenario`, on the code in ``repo``)."""
    source = Source(root=repo, revision="worktree")
    load = Load(seconds=seconds, warmup=min(3.0, seconds))
    try:
        return run_open_loop_scenario(
            Scenario("full", "gateway", 1), source, env, load, out_dir, fraction=fraction
        )
    finally:
        delete_topology(source, env)
