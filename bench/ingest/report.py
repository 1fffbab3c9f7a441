"""Render a run's figures: a console summary and the markdown results in docs/benchmarks.md.

docs/benchmarks.md keeps hand-written analysis; the harness rewrites only the text between
the ``results`` markers and adds one line between the ``history`` markers per run.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import msgspec

from bench.ingest.machine import Machine
from bench.ingest.results import RunResult
from bench.ingest.scenarios import Load

__all__ = ["GOALS", "Goals", "RunReport", "render_markdown", "render_text", "write_docs"]

RESULTS = ("<!-- bench:ingest:results:start -->", "<!-- bench:ingest:results:end -->")
HISTORY = ("<!-- bench:ingest:history:start -->", "<!-- bench:ingest:history:end -->")


class Goals(msgspec.Struct, frozen=True):
    vs_raw: float = 0.6  # full path req/s >= 0.6 x raw publish limit
    vs_baseline: float = 2.5  # full path req/s >= 2.5 x FastAPI baseline
    p99_ms: float = 50.0


GOALS = Goals()


class RunReport(msgspec.Struct, frozen=True):
    command: str
    started: datetime
    revision: str
    machine: Machine
    load: Load
    busy_before: float  # cores busy on the machine just before the run (others' work)
    results: list[RunResult]


def _errors(r: RunResult) -> str:
    errors = r.errors
    return ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) if errors else "0"


def _baseline_for(full: RunResult, results: list[RunResult]) -> RunResult | None:
    bases = [r for r in results if r.kind == "baseline"]
    same = [r for r in bases if r.processes == full.processes]
    found = same or bases
    return found[0] if found else None


def _round_ratios(full: RunResult, ref: RunResult) -> list[float] | None:
    """full / ref of each round, when both ran the same rounds (`--repeat`)."""
    if len(full.rps_runs) < 2 or len(full.rps_runs) != len(ref.rps_runs):
        return None
    return [f / r if r else 0.0 for f, r in zip(full.rps_runs, ref.rps_runs, strict=True)]


def _ratio(full: RunResult, ref: RunResult | None) -> float | None:
    """full / ref: with rounds, the median of each round's ratio. A round measures both
    within a few minutes, on the host as it was then; the ratio of the two medians may
    pair a fast round of one with a slow round of the other when the host drifts."""
    if ref is None or not ref.rps:
        return None
    rounds = _round_ratios(full, ref)
    if rounds:
        return sorted(rounds)[(len(rounds) - 1) // 2]
    return full.rps / ref.rps


def _ratio_text(full: RunResult, ref: RunResult | None, value: float | None) -> str:
    if value is None or ref is None:
        return "n/a"
    rounds = _round_ratios(full, ref)
    if rounds:
        listed = ", ".join(f"{x:.2f}" for x in rounds)
        return f"{value:.2f} (rounds: {listed}; of the medians: {full.rps / ref.rps:.2f})"
    return f"{value:.2f}"


def _goal_rows(report: RunReport) -> list[tuple[str, str, str, str, str]]:
    raw = next((r for r in report.results if r.kind == "raw"), None)
    rows = []
    for full in (r for r in report.results if r.kind == "full"):
        base = _baseline_for(full, report.results)
        to_raw, to_base = _ratio(full, raw), _ratio(full, base)
        vs_raw = _ratio_text(full, raw, to_raw)
        vs_base = _ratio_text(full, base, to_base)
        if base is not None and to_base is not None:
            vs_base += f" (vs x{base.processes})"
        met = [
            to_raw is not None and to_raw >= GOALS.vs_raw,
            to_base is not None and to_base >= GOALS.vs_baseline,
            full.p99_ms <= GOALS.p99_ms,
        ]
        verdict = " / ".join("yes" if m else "no" for m in met)
        rows.append((full.name, vs_raw, vs_base, f"{full.p99_ms:.1f}", verdict))
    return rows


def _cpu_per_request(r: RunResult) -> str:
    """CPU milliseconds the subject spent per request: steadier than req/s on a busy box."""
    return f"{r.cpu.subject * 1000 / r.rps:.2f}" if r.rps else "n/a"


def _table(results: list[RunResult]) -> list[str]:
    lines = [
        "| scenario | req/s | p50 ms | p99 ms | max ms | errors | subject CPU ms/req | "
        "CPU cores: subject / wrk / broker / redis / other (of it steal) |",
        "|---|---:|---:|---:|---:|---|---:|---|",
    ]
    for r in results:
        c = r.cpu
        capped = " (stopped by the request bound)" if r.capped else ""
        if r.rps_runs:
            capped += f" (runs: {', '.join(f'{x:,.0f}' for x in r.rps_runs)})"
        lines.append(
            f"| {r.name} | {r.rps:,.0f}{capped} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | "
            f"{r.max_ms:.0f} | {_errors(r)} | {_cpu_per_request(r)} | "
            f"{c.subject:.2f} / {c.loadgen:.2f} / "
            f"{c.broker:.2f} / {c.redis:.2f} / {c.other:.2f} ({c.steal:.2f}) |"
        )
    return lines


def _rounds(report: RunReport) -> str:
    rounds = max((len(r.rps_runs) for r in report.results), default=0)
    if rounds <= 1:
        return ""
    return f", {rounds} interleaved rounds, the median round shown"


def render_markdown(report: RunReport) -> str:
    m, load = report.machine, report.load
    pk = m.packages
    lines = [
        f"Run {report.started:%Y-%m-%d %H:%M} UTC, code at `{report.revision}`:",
        "",
        "```sh",
        report.command,
        "```",
        "",
        f"- machine: {m.cores} cores ({m.cpu_model}), {m.ram_gib} GiB RAM, Linux {m.kernel}; "
        "broker, Redis, load generator and servers share it",
        f"- software: Python {m.python}, RabbitMQ {m.rabbitmq}, Redis {m.redis}, wrk {m.wrk}; "
        f"litestar {pk['litestar']}, uvicorn {pk['uvicorn']} (uvloop {pk['uvloop']}, httptools "
        f"{pk['httptools']}), granian {pk['granian']}, msgspec {pk['msgspec']}, aio-pika "
        f"{pk['aio-pika']}, redis-py {pk['redis']}, limits {pk['limits']}, fastapi "
        f"{pk['fastapi']}, slowapi {pk['slowapi']}",
        f"- load: {load.connections} connections (raw: {load.connections} publishes in flight), "
        f"{load.warmup:g} s warm-up then {load.seconds:g} s measured per scenario"
        f"{_rounds(report)}; machine busy before the run: {report.busy_before:.2f} cores",
        "",
        *_table(report.results),
        "",
        f"Goals: full path >= {GOALS.vs_raw} x raw, >= {GOALS.vs_baseline} x baseline, "
        f"p99 <= {GOALS.p99_ms:g} ms. With rounds, a ratio is the median of the rounds' "
        "ratios (each round runs every scenario once, back to back).",
        "",
        "| full path | full / raw | full / baseline | p99 ms | goals met (raw / baseline / p99) |",
        "|---|---:|---:|---:|---|",
        *(f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in _goal_rows(report)),
    ]
    return "\n".join(lines) + "\n"


def render_text(report: RunReport) -> str:
    width = max(len(r.name) for r in report.results) if report.results else 10
    out = [
        f"{'scenario':<{width}}  {'req/s':>7}  {'p50 ms':>7}  {'p99 ms':>7}  "
        "ms/req  cores: subject wrk broker redis other steal  errors"
    ]
    for r in report.results:
        c = r.cpu
        out.append(
            f"{r.name:<{width}}  {r.rps:>7,.0f}  {r.p50_ms:>7.1f}  {r.p99_ms:>7.1f}  "
            f"{_cpu_per_request(r):>6}         {c.subject:>7.2f} {c.loadgen:>3.2f} "
            f"{c.broker:>6.2f} {c.redis:>5.2f} {c.other:>5.2f} {c.steal:>5.2f}  {_errors(r)}"
        )
    out.append("")
    for name, vs_raw, vs_base, p99, verdict in _goal_rows(report):
        out.append(
            f"{name}: full/raw {vs_raw} (goal {GOALS.vs_raw}), full/baseline {vs_base} "
            f"(goal {GOALS.vs_baseline}), p99 {p99} ms (goal {GOALS.p99_ms:g}); met: {verdict}"
        )
    return "\n".join(out)


def _history_line(report: RunReport) -> str:
    raw = next((r for r in report.results if r.kind == "raw"), None)
    parts = [f"{r.name}: {r.rps:,.0f} req/s, p99 {r.p99_ms:.0f} ms" for r in report.results]
    ratio = ""
    fulls = [r for r in report.results if r.kind == "full"]
    if raw and raw.rps and fulls:
        best = max(fulls, key=lambda r: r.rps)
        ratio = f" (best full / raw = {best.rps / raw.rps:.2f})"
    return f"- {report.started:%Y-%m-%d %H:%M} `{report.revision}`: " + "; ".join(parts) + ratio


def _replace_between(text: str, markers: tuple[str, str], body: str, *, append: bool) -> str:
    start, end = markers
    if start not in text or end not in text:
        return f"{text.rstrip()}\n\n{start}\n{body}{end}\n"
    head, _, rest = text.partition(start)
    old, _, tail = rest.partition(end)
    new = (old.strip("\n") + "\n" + body) if append and old.strip() else body
    return f"{head}{start}\n{new.strip(chr(10))}\n{end}{tail}"


def write_docs(report: RunReport, path: Path) -> None:
    """Put the results into `path` between the markers, keeping everything else."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    text = _replace_between(text, RESULTS, render_markdown(report), append=False)
    text = _replace_between(text, HISTORY, _history_line(report) + "\n", append=True)
    path.write_text(text)
