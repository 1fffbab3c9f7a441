"""A real Prometheus server (Debian's `prometheus` package) on free ports, for one test.

Runs the binary itself with a temporary configuration and data directory (never the
system service), scraping every second, and stops it at the end. A machine without the
binary fails the test with what to install: `scripts/bootstrap.sh` installs it where
apt-get can.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.ports import free_port

HOW_TO_INSTALL = (
    "Prometheus is not installed (no `prometheus` on PATH): run scripts/bootstrap.sh "
    "(installs it with apt-get where it can) or `apt-get install -y prometheus`"
)


def prometheus_binary() -> str:
    found = shutil.which("prometheus")
    if found is None:
        pytest.fail(HOW_TO_INSTALL, pytrace=False)
    return found


class Prometheus:
    def __init__(self, url: str, proc: subprocess.Popen[bytes]) -> None:
        self.url = url
        self.proc = proc

    def api(self, path: str, **params: str) -> Any:
        answer = httpx.get(f"{self.url}/api/v1/{path}", params=params, timeout=5)
        answer.raise_for_status()
        body = answer.json()
        assert body["status"] == "success", body
        return body["data"]

    def targets(self) -> dict[str, dict[str, Any]]:
        """Active scrape targets by job name."""
        return {t["labels"]["job"]: t for t in self.api("targets")["activeTargets"]}

    def query(self, promql: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.api("query", query=promql)["result"]
        return result


def _config(jobs: dict[str, str]) -> str:
    lines = ["global:", "  scrape_interval: 1s", "  scrape_timeout: 1s", "scrape_configs:"]
    for job, address in jobs.items():
        lines += [f"  - job_name: {job}", "    static_configs:", f"      - targets: ['{address}']"]
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def running_prometheus(jobs: dict[str, str], workdir: Path) -> Iterator[Prometheus]:
    """Prometheus scraping each ``job``'s ``host:port`` (path /metrics) every second."""
    binary = prometheus_binary()
    config = workdir / "prometheus.yml"
    config.write_text(_config(jobs))
    port = free_port()
    log = (workdir / "prometheus.log").open("wb")
    proc = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={workdir / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=workdir,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise AssertionError(
                    f"Prometheus did not become ready:\n{(workdir / 'prometheus.log').read_text()}"
                )
            time.sleep(0.1)
        yield Prometheus(url, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
