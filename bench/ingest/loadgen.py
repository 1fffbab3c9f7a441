"""Drive an HTTP server with wrk and bench/ingest/orders.lua; parse what it reports.

wrk (C, epoll, Lua-scripted) costs far less CPU per request than the servers under
test, so it is not the bottleneck; its own CPU is measured (wait4) and reported anyway.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import msgspec

from bench.ingest.body import API_KEY, order_template

__all__ = ["LoadGenError", "WrkLatency", "WrkReport", "WrkRun", "require_wrk", "run_wrk"]

SCRIPT = Path(__file__).with_name("orders.lua")
MARK = "BENCH_RESULT "


class LoadGenError(Exception):
    """wrk is missing or failed; the message says what to do."""


class WrkLatency(msgspec.Struct, frozen=True):
    p50: int  # microseconds
    p90: int
    p99: int
    p999: int
    max: int
    mean: float


class WrkErrors(msgspec.Struct, frozen=True):
    connect: int
    read: int
    write: int
    status: int  # responses with status >= 400 (also counted in statuses)
    timeout: int


class WrkReport(msgspec.Struct, frozen=True):
    requests: int
    duration_us: int
    bytes: int
    errors: WrkErrors
    statuses: dict[str, int]
    latency_us: WrkLatency
    threads: int


class WrkRun(msgspec.Struct, frozen=True):
    report: WrkReport
    cpu_s: float  # user + system CPU seconds wrk used


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise LoadGenError(
            "wrk is not installed: run `apt-get install -y wrk` (bench/ingest/run.sh does it "
            "for you), or get it from your distribution's packages"
        )
    return path


def run_wrk(
    *,
    ports: list[int],
    connections: int,
    threads: int,
    seconds: float,
    run_id: str,
    max_requests: int,
    timeout_s: float = 5.0,
) -> WrkRun:
    """One wrk run against 127.0.0.1 on `ports` (threads are spread over the ports)."""
    wrk = require_wrk()
    with tempfile.TemporaryDirectory(prefix="omnihub-bench-wrk-") as tmp:
        body_file = Path(tmp) / "body.json"
        body_file.write_text(order_template())
        out_file = Path(tmp) / "out.txt"
        env = {
            **os.environ,
            "BENCH_BODY_FILE": str(body_file),
            "BENCH_API_KEY": API_KEY,
            "BENCH_RUN": run_id,
            "BENCH_PORTS": ",".join(map(str, ports)),
            "BENCH_MAX_PER_THREAD": str(max(1, max_requests // threads)),
        }
        command = [
            wrk, "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s",
            "--timeout", f"{timeout_s:g}s", "-s", str(SCRIPT), f"http://127.0.0.1:{ports[0]}",
        ]  # fmt: skip
        with out_file.open("wb") as out:
            proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        text = out_file.read_text()
    lines = [line for line in text.splitlines() if line.startswith(MARK)]
    if proc.returncode != 0 or not lines:
        raise LoadGenError(f"wrk failed (exit {proc.returncode}):\n{text[-2000:]}")
    report = msgspec.json.decode(lines[-1].removeprefix(MARK), type=WrkReport)
    return WrkRun(report=report, cpu_s=usage.ru_utime + usage.ru_stime)
