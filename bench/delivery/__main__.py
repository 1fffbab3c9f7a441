"""``python -m bench.delivery``: what one worker process delivers when the target is not
the bottleneck, what each middleware costs, and the end-to-end latency of the full path.

In one run, against the responder (`bench/delivery/responder.py` under granian, measured
alone first with wrk):

1. throughput (`throughput.py`): the bare consume -> POST -> ack loop, the worker with
   everything on, and the worker without each middleware in turn, in ``--rounds``
   interleaved rounds of ``--messages`` each; msg/s and process CPU per message;
2. end-to-end (`endtoend.py`): the full path's maximum, then open loops at
   ``--fractions`` of it, latency from the intended send time to the responder's arrival;
3. ingest (`bench/ingest`'s open loop): ``omnihub gateway`` x1's maximum in a closed loop,
   then an open loop at 50 % of it, latency from the intended send time to the 202.

Services from OMNIHUB_AMQP_URL / _REDIS_URL / _POSTGRES_URL (defaults: localhost).

    python -m bench.delivery --messages 4000 --rounds 3 --seconds 10

Prints a Markdown report (for docs/benchmarks.md); raw logs in bench/delivery/out/.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench.common import run_settings
from bench.delivery.endtoend import EndToEnd, fmt, ingest_open_loop, run_end_to_end
from bench.delivery.target import Responder, measure_alone, responder
from bench.delivery.throughput import ScenarioRuns, median, ratio_to, run_scenarios, write_config
from bench.ingest.environment import BenchEnvironment
from bench.ingest.openloop import run_async
from bench.ingest.scenarios import OpenLoopResult
from omnihub.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def _sh(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()


def _throughput_report(runs: list[ScenarioRuns], messages: int) -> list[str]:
    lines = [
        "| consumer | msg/s (median; rounds) | CPU ms/msg (median) | / bare loop (per round) |",
        "|---|---:|---:|---:|",
    ]
    for r in runs:
        rates, cpu = r.rates(messages), r.cpu_ms(messages)
        ratios = ratio_to(runs, r.name, "baseline", messages)
        lines.append(
            f"| {r.name} | {median(rates):,.0f} ({', '.join(f'{x:,.0f}' for x in rates)}) "
            f"| {median(cpu):.3f} | {median(ratios):.2f} "
            f"({', '.join(f'{x:.2f}' for x in ratios)}) |"
        )
    worker = median(ratio_to(runs, "worker", "baseline", messages))
    lines.append("")
    lines.append(
        f"worker / bare loop: {worker:.2f} (goal >= 0.7: {'met' if worker >= 0.7 else 'missed'})"
    )
    by = {r.name: median(r.cpu_ms(messages)) for r in runs}
    costs = ", ".join(
        f"{name.removeprefix('worker without ')} {by['worker'] - cpu:+.3f}"
        for name, cpu in by.items()
        if name.startswith("worker without ")
    )
    lines.append(f"CPU ms/msg each middleware costs (worker - worker without it): {costs}")
    lines.append(
        f"worker / bare loop by CPU per message (bare loop's ms/msg / worker's, what the rates "
        f"would be where each had a core of its own): {by['baseline'] / by['worker']:.2f}"
    )
    return lines


def _e2e_report(e2e: EndToEnd) -> list[str]:
    lines = [
        f"full path maximum (wrk flood, 64 connections): {e2e.full_max:,.0f} delivered/s "
        f"({e2e.ingest_max:,.0f} accepted/s)",
        "",
        "| offered | req/s | delivered | end-to-end p50 / p90 / p99 / max ms "
        "| 202 p50 / p99 ms | 202 -> target p50 / p99 ms |",
        "|---|---:|---:|---|---|---|",
    ]
    for lv in e2e.levels:
        e, i, g = lv.e2e_ms, lv.ingest_ms, lv.leg_ms
        lines.append(
            f"| {lv.fraction:.0%} | {lv.rate:,.0f} | {lv.delivered:,} of {lv.accepted:,} "
            f"| {fmt(e['p50'])} / {fmt(e['p90'])} / {fmt(e['p99'])} / {fmt(e['max'])} "
            f"| {fmt(i['p50'])} / {fmt(i['p99'])} | {fmt(g['p50'])} / {fmt(g['p99'])} |"
        )
    half = [lv for lv in e2e.levels if lv.fraction == 0.5]
    if half:
        e = half[0].e2e_ms
        met = e["p50"] <= 10 and e["p99"] <= 50
        lines.append("")
        lines.append(
            f"at 50 %: p50 {fmt(e['p50'])} ms, p99 {fmt(e['p99'])} ms "
            f"(goal p50 <= 10, p99 <= 50: {'met' if met else 'missed'})"
        )
    return lines


def _ingest_report(result: OpenLoopResult, seconds: float) -> list[str]:
    lat = result.latency_ms
    statuses = ", ".join(f"{k}: {v:,}" for k, v in sorted(result.statuses.items()))
    met = "met" if lat["p99"] <= 20 else "missed"
    return [
        f"Ingest open loop (`omnihub gateway` x1, example configuration): closed loop "
        f"(wrk, 64 connections) {result.max_rate:,.0f} req/s; open loop at "
        f"{result.fraction:.0%} = {result.rate:,.0f} req/s for {seconds:g} s, "
        f"{result.answered:,} of {result.sent:,} answered ({statuses})",
        "",
        "| p50 ms | p90 ms | p99 ms | max ms |",
        "|---:|---:|---:|---:|",
        f"| {fmt(lat['p50'])} | {fmt(lat['p90'])} | {fmt(lat['p99'])} | {fmt(lat['max'])} |",
        "",
        f"ingest p99 at 50 %: {fmt(lat['p99'])} ms (goal <= 20: {met})",
    ]


def _environment() -> BenchEnvironment:
    """The run's names on the services of the environment (OMNIHUB_*_URL)."""
    base = Settings.from_env()
    return BenchEnvironment(
        config_from=REPO,
        amqp_url=base.amqp_url,
        redis_url=base.redis_url,
        postgres_url=base.postgres_url,
    )


async def _throughput(args: argparse.Namespace, target: Responder) -> list[ScenarioRuns]:
    settings = run_settings("delivery")
    with tempfile.TemporaryDirectory() as tmp:
        config = write_config(Path(tmp), target.url, args.prefetch, args.concurrency)
    return await run_scenarios(
        settings,
        config,
        target,
        messages=args.messages,
        rounds=args.rounds,
        prefetch=args.prefetch,
        concurrency=args.concurrency,
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out = REPO / "bench" / "delivery" / "out"
    out.mkdir(parents=True, exist_ok=True)
    command = "python -m bench.delivery " + shlex.join(sys.argv[1:] if argv is None else argv)
    started = datetime.now(UTC)
    revision = _sh("git", "-C", str(REPO), "rev-parse", "--short", "HEAD")
    report = [
        f"Run {started:%Y-%m-%d %H:%M} UTC, code at `{revision}`:",
        "",
        "```sh",
        command,
        "```",
        "",
        f"- machine: `nproc` {_sh('nproc')}; "
        + "; ".join(
            " ".join(line.split())
            for line in _sh("lscpu").splitlines()
            if line.split(":")[0].strip()
            in {"Model name", "Thread(s) per core", "Hypervisor vendor"}
        ),
        f"- host load before the run (`uptime`): {_sh('uptime')}",
    ]
    with responder(out / "responder.log") as target:
        alone = measure_alone(target, args.responder_seconds)
        report.append(f"- responder alone (wrk, 64 connections): {alone:,.0f} req/s")
        print("\n".join(report[-2:]), flush=True)
        if "throughput" in args.only:
            runs = run_async(_throughput(args, target))
            report += [
                "",
                f"Throughput: {args.messages:,} messages per drain, prefetch {args.prefetch}, "
                f"concurrency {args.concurrency}, {args.rounds} interleaved rounds",
                "",
                *_throughput_report(runs, args.messages),
            ]
        if "e2e" in args.only:
            with _environment() as env:
                e2e = run_end_to_end(
                    env, target, REPO, out, seconds=args.seconds, fractions=args.fractions
                )
            report += ["", "End-to-end (gateway x1, worker x1, example configuration):", ""]
            report += _e2e_report(e2e)
    if "ingest" in args.only:
        with _environment() as env:
            ingest = ingest_open_loop(env, REPO, out, seconds=args.seconds, fraction=0.5)
        report += ["", *_ingest_report(ingest, args.seconds)]
    report.append(f"- host load after the run (`uptime`): {_sh('uptime')}")
    print()
    print("\n".join(report))
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.delivery", description=__doc__)
    p.add_argument("--messages", type=int, default=4000, help="messages per drain")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--prefetch", type=int, default=64)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--seconds", type=float, default=10.0, help="flood and each open loop")
    p.add_argument(
        "--fractions",
        type=lambda s: [float(x) for x in s.split(",")],
        default=[0.25, 0.5, 0.75],
        help="open-loop rates as fractions of the full path's maximum",
    )
    p.add_argument("--responder-seconds", type=float, default=5.0)
    p.add_argument(
        "--only",
        type=lambda s: set(s.split(",")),
        default={"throughput", "e2e", "ingest"},
        help="throughput,e2e,ingest (default all three)",
    )
    return p


if __name__ == "__main__":
    sys.exit(main())
