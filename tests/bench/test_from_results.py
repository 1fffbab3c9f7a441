"""`python -m bench.ingest --from-results FILE`: an earlier run's report into the docs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest

from bench.ingest.cli import EXIT_SETUP, main
from bench.ingest.machine import Machine
from bench.ingest.report import RESULTS, RunReport
from bench.ingest.results import CpuShare, RunResult
from bench.ingest.scenarios import Load

PACKAGES = ("litestar", "uvicorn", "uvloop", "httptools", "granian", "msgspec", "aio-pika", "redis",
            "limits", "fastapi", "slowapi")  # fmt: skip
CPU = CpuShare(subject=0.7, loadgen=0.1, broker=0.5, redis=0.1, machine=1.5)


def _result(name: str, kind: str, rps: float, p99: float) -> RunResult:
    return RunResult(
        name=name, kind=kind, processes=1, requests=int(rps * 15), seconds=15.0,
        p50_ms=p99 / 2, p99_ms=p99, max_ms=p99 * 2, statuses={"202": int(rps * 15)},
        socket_errors={}, cpu=CPU,
    )  # fmt: skip


def _report() -> RunReport:
    return RunReport(
        command="python -m bench.ingest --processes 1",
        started=datetime(2026, 12, 7, 6, 30, tzinfo=UTC),
        revision="abc1234",
        machine=Machine(
            cores=2,
            cpu_model="Test CPU",
            ram_gib=8.0,
            kernel="6.1",
            python="3.11.7",
            rabbitmq="3.10.8",
            redis="7.0.15",
            wrk="4.1.0",
            packages=dict.fromkeys(PACKAGES, "1.0"),
        ),
        load=Load(),
        busy_before=0.01,
        results=[
            _result("raw aio-pika publisher", "raw", 6151.0, 32.4),
            _result("full path x1", "full", 3568.0, 34.7),
            _result("FastAPI baseline x1", "baseline", 1170.0, 118.8),
        ],
    )


def test_an_earlier_run_is_written_into_the_docs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results.json"
    results.write_bytes(msgspec.json.encode(_report()))
    docs = tmp_path / "benchmarks.md"
    start, end = RESULTS
    docs.write_text(f"# Benchmarks\n\nkept\n\n{start}\nold\n{end}\n")
    assert main(["--from-results", str(results), "--docs", str(docs)]) == 0
    text = docs.read_text()
    assert "old" not in text and "kept" in text
    assert "Run 2026-12-07 06:30 UTC, code at `abc1234`" in text
    assert "3,568" in text and "6,151" in text
    assert "0.58" in capsys.readouterr().out  # the table is printed too: 3,568 / 6,151


def test_a_file_that_is_not_a_report_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results.json"
    results.write_text('{"command": 1}')
    docs = tmp_path / "benchmarks.md"
    assert main(["--from-results", str(results), "--docs", str(docs)]) == EXIT_SETUP
    assert str(results) in capsys.readouterr().err
    assert not docs.exists()
