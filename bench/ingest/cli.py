"""``python -m bench.ingest``: the ingest benchmark in one command (about two and a half minutes).

In one run, on one topology emptied before each scenario: the raw publish limit, the full
path (``omnihub gateway``) with 1 and 2 processes, the FastAPI baseline with as many, and
optionally granian and a py-spy profile. Prints a table and writes docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from argparse import Namespace
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from bench.ingest.cpu import wait_until_quiet
from bench.ingest.environment import BenchEnvironment, ServiceUnavailable
from bench.ingest.loadgen import LoadGenError, require_wrk
from bench.ingest.machine import describe_machine
from bench.ingest.profile import ProfilerMissing, profiler_for, summarize
from bench.ingest.report import RunReport, render_text, write_docs
from bench.ingest.results import RunResult
from bench.ingest.scenarios import (
    Load,
    PublisherError,
    Scenario,
    delete_topology,
    run_open_loop_scenario,
    run_scenario,
)
from bench.ingest.servers import ServerStartError
from bench.ingest.source import REPO, Source, SourceError, measured_source

__all__ = ["main"]

EXIT_SETUP = 2  # something the benchmark needs is missing; the message says what


def _processes(text: str) -> list[int]:
    counts = [int(p) for p in text.split(",") if p.strip()]
    if not counts or any(c < 1 or c > 8 for c in counts):
        raise argparse.ArgumentTypeError("give process counts between 1 and 8, e.g. 1,2")
    return counts


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__)
    p.add_argument("--seconds", type=float, default=15.0, help="measured time per scenario")
    p.add_argument("--warmup", type=float, default=3.0, help="warm-up time per scenario")
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--max-requests", type=int, default=300_000, help="bound per scenario")
    p.add_argument(
        "--processes", type=_processes, default=[1, 2], help="gateway/baseline processes, e.g. 1,2"
    )
    p.add_argument(
        "--only",
        default="raw,full,public,baseline",
        help=(
            "scenarios: any of raw, full, public (fast paths off), public-redis, baseline, "
            "uvloop, granian (default: the first four)"
        ),
    )
    p.add_argument(
        "--source",
        default="HEAD",
        help="code to measure: a git revision (snapshot, default HEAD) or 'worktree'",
    )
    p.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run the plan this many times, interleaved; report each scenario's median run",
    )
    p.add_argument("--profile", action="store_true", help="also profile `omnihub gateway` x1")
    p.add_argument("--profile-seconds", type=float, default=15.0)
    p.add_argument(
        "--docs",
        type=Path,
        default=REPO / "docs" / "benchmarks.md",
        help="markdown file whose results section is rewritten",
    )
    p.add_argument(
        "--open-loop",
        type=float,
        metavar="FRACTION",
        help="instead of the scenarios: the full path x1's maximum (wrk), then an open loop "
        "at FRACTION of it (e.g. 0.5), latency from the intended send times; print only",
    )
    p.add_argument("--no-docs", action="store_true", help="print only; leave the docs alone")
    p.add_argument(
        "--from-results",
        type=Path,
        metavar="FILE",
        help="run nothing: print the table of a results file an earlier run wrote "
        "(bench/ingest/out/results-*.json) and write it into the docs",
    )
    p.add_argument(
        "--amqp-url",
        default="amqp://guest:guest@127.0.0.1:5672/",
        help="the broker, or a cluster's nodes comma-separated (bench.cluster sets it)",
    )
    p.add_argument("--out", type=Path, default=REPO / "bench" / "ingest" / "out")
    p.add_argument(
        "--quiet-wait",
        type=float,
        default=60.0,
        help="wait up to this many seconds for other work on the machine to calm down",
    )
    return p


def _scenarios(only: set[str], processes: list[int]) -> list[Scenario]:
    plan: list[Scenario] = []
    if "raw" in only:
        plan.append(Scenario("raw", "raw"))
    for n in processes:
        if "full" in only:
            plan.append(Scenario("full", "gateway", n))
        if "public" in only:  # the same gateway with every adapter's fast path off
            plan.append(Scenario("full", "gateway", n, fast_paths="0"))
        if "public-redis" in only:  # only Redis on its public API (the aiormq adapter on)
            plan.append(Scenario("full", "gateway", n, fast_paths="aiormq"))
        if "uvloop" in only:
            plan.append(Scenario("full", "uvloop", n))
        if "granian" in only:
            plan.append(Scenario("full", "granian", n))
        if "baseline" in only:
            plan.append(Scenario("baseline", "baseline", n))
    return plan


def _print_profile(out: Path) -> None:
    profile = summarize(out)
    print(f"\nprofile of one `omnihub gateway` process ({profile.samples} samples, {out}):")
    print("  by phase of the request path:")
    for phase, share in profile.phases:
        print(f"  {share:6.1%}  {phase}")
    print("  by library of the innermost frame:")
    for area, share in profile.areas:
        print(f"  {share:6.1%}  {area}")
    print("  functions, inclusive:")
    for name, share in profile.inclusive[:15]:
        print(f"  {share:6.1%}  {name}")
    print("  functions, exclusive:")
    for name, share in profile.exclusive[:15]:
        print(f"  {share:6.1%}  {name}")


def _median(runs: list[RunResult]) -> RunResult:
    """The run with the median req/s, carrying every run's req/s."""
    ordered = sorted(runs, key=lambda r: r.rps)
    middle = ordered[(len(ordered) - 1) // 2]
    if len(runs) == 1:
        return middle
    return msgspec.structs.replace(middle, rps_runs=tuple(round(r.rps, 1) for r in runs))


def _run_plan(
    plan: list[Scenario],
    source: Source,
    env: BenchEnvironment,
    load: Load,
    args: argparse.Namespace,
    started: datetime,
) -> tuple[float, list[RunResult]]:
    busy = wait_until_quiet(max_busy=0.5, timeout_s=args.quiet_wait)
    print(f"bench: machine busy before the run: {busy:.2f} cores")
    runs: dict[Scenario, list[RunResult]] = {s: [] for s in plan}
    for round_ in range(1, args.repeat + 1):
        for scenario in plan:
            wait_until_quiet(max_busy=0.5, timeout_s=min(args.quiet_wait, 15.0))
            label = f" (round {round_}/{args.repeat})" if args.repeat > 1 else ""
            print(f"bench: {scenario.title}{label} ...", flush=True)
            result = run_scenario(scenario, source, env, load, args.out)
            print(
                f"       {result.rps:,.0f} req/s, p50 {result.p50_ms:.1f} ms, "
                f"p99 {result.p99_ms:.1f} ms, errors {result.errors or 0}",
                flush=True,
            )
            runs[scenario].append(result)
    results = [_median(r) for r in runs.values()]
    if args.profile:
        raw_file = args.out / f"profile-{started:%Y%m%dT%H%M%S}.txt"
        print("bench: profiling `omnihub gateway` x1 with py-spy ...", flush=True)
        profiled = Load(connections=load.connections, seconds=args.profile_seconds, warmup=1.0)
        try:
            run_scenario(
                Scenario("full", "gateway", 1),
                source,
                env,
                profiled,
                args.out,
                during=profiler_for(raw_file),
            )
        except (ServerStartError, ProfilerMissing) as exc:
            # The figures above stand on their own; say why there is no profile.
            print(f"bench: no profile: {exc}", file=sys.stderr)
        else:
            _print_profile(raw_file)
    return busy, results


def _open_loop(source: Source, env: BenchEnvironment, load: Load, args: Namespace) -> int:
    scenario = Scenario("full", "gateway", 1)
    print(f"bench: code {source.revision}; open loop at {args.open_loop:.0%} of the maximum")
    try:
        result = run_open_loop_scenario(
            scenario, source, env, load, args.out, fraction=args.open_loop
        )
    finally:
        delete_topology(source, env)
    lat = result.latency_ms
    machine = describe_machine()
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    print(f"date: {when}; {machine.cores} cores ({machine.cpu_model})")
    print(
        f"{result.name}: closed loop ({load.connections} connections) {result.max_rate:,.0f} "
        f"req/s; open loop at {result.fraction:.0%}: {result.rate:,.0f} req/s offered for "
        f"{load.seconds:g} s, {result.answered:,} of {result.sent:,} answered "
        f"({', '.join(f'{k}: {v}' for k, v in sorted(result.statuses.items()))}); latency "
        f"from the intended send time: p50 {lat['p50']:.1f} ms, p90 {lat['p90']:.1f} ms, "
        f"p99 {lat['p99']:.1f} ms, max {lat['max']:.1f} ms (goal p99 <= 20 ms: "
        f"{'met' if lat['p99'] <= 20 else 'missed'})"
    )
    return 0


def _from_results(args: Namespace) -> int:
    """An earlier run's report, printed and written into the docs as that run would have."""
    try:
        report = msgspec.json.decode(args.from_results.read_bytes(), type=RunReport)
    except (OSError, msgspec.DecodeError) as exc:
        print(f"bench: cannot read the results file {args.from_results}: {exc}", file=sys.stderr)
        return EXIT_SETUP
    print(render_text(report))
    if not args.no_docs:
        write_docs(report, args.docs)
        print(f"\nbench: results of {report.started:%Y-%m-%d %H:%M} UTC written to {args.docs}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.from_results is not None:
        return _from_results(args)
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = only - {"raw", "full", "public", "public-redis", "baseline", "uvloop", "granian"}
    if unknown:
        print(f"bench: unknown scenario(s) {', '.join(sorted(unknown))}", file=sys.stderr)
        return EXIT_SETUP
    load = Load(
        connections=args.connections,
        seconds=args.seconds,
        warmup=args.warmup,
        max_requests=args.max_requests,
    )
    plan = _scenarios(only, args.processes)
    args.out.mkdir(parents=True, exist_ok=True)
    command = "python -m bench.ingest " + shlex.join(sys.argv[1:] if argv is None else argv)
    started = datetime.now(UTC)
    try:
        require_wrk()
        with (
            measured_source(args.source) as source,
            BenchEnvironment(config_from=source.root, amqp_url=args.amqp_url) as env,
        ):
            if args.open_loop is not None:
                return _open_loop(source, env, load, args)
            print(f"bench: code {source.revision}; prefix {env.prefix}; {len(plan)} scenarios")
            try:
                busy, results = _run_plan(plan, source, env, load, args, started)
            finally:
                delete_topology(source, env)
    except (
        LoadGenError,
        ServiceUnavailable,
        ServerStartError,
        PublisherError,
        ProfilerMissing,
        SourceError,
    ) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return EXIT_SETUP
    report = RunReport(
        command=command,
        started=started,
        revision=source.revision,
        machine=describe_machine(),
        load=load,
        busy_before=busy,
        results=results,
    )
    results_file = args.out / f"results-{started:%Y%m%dT%H%M%S}.json"
    results_file.write_bytes(msgspec.json.format(msgspec.json.encode(report)))
    print()
    print(render_text(report))
    print(f"\nbench: raw figures in {results_file}")
    if not args.no_docs:
        write_docs(report, args.docs)
        print(f"\nbench: results written to {args.docs}")
    return 0
