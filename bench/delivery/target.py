"""Run the responder (`bench/delivery/responder.py`) under granian; measure it alone.

One granian worker on a free port of 127.0.0.1, its own process group, stopped by pid
with SIGTERM. ``measure_alone`` drives it with wrk (64 connections, POST with an
Idempotency-Key) so the report can show it is far from being the bottleneck.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.ingest.loadgen import require_wrk
from bench.ingest.servers import free_ports, stop_processes

__all__ = ["Responder", "measure_alone", "responder"]

_WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = '{"order_number":"X"}'
wrk.headers["Content-Type"] = "application/json"
counter = 0
request = function()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = "alone-" .. counter
  return wrk.format()
end
"""


class Responder:
    def __init__(self, url: str, pid: int) -> None:
        self.url = url
        self.pid = pid
        self._client = httpx.Client(base_url=url, timeout=30)

    def count(self) -> int:
        return int(self._client.get("/_bench/count").json()["count"])

    def received(self) -> dict[str, float]:
        data: dict[str, float] = self._client.get("/_bench/received").json()
        return data

    def reset(self) -> None:
        self._client.post("/_bench/reset").raise_for_status()

    def close(self) -> None:
        self._client.close()


@contextlib.contextmanager
def responder(log: Path) -> Iterator[Responder]:
    port = free_ports(1)[0]
    command = [
        sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1",
        "--port", str(port), "--workers", "1", "--loop", "uvloop", "--log-level", "warning",
        "--no-ws", "bench.delivery.responder:app",
    ]  # fmt: skip
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=out)
        target = Responder(f"http://127.0.0.1:{port}", proc.pid)
        try:
            deadline = time.monotonic() + 20
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"the responder exited with {proc.returncode}; see {log}")
                with contextlib.suppress(httpx.HTTPError):
                    target.count()
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the responder did not answer in 20 s; see {log}")
                time.sleep(0.1)
            yield target
        finally:
            target.close()
            stop_processes([proc])


def measure_alone(target: Responder, seconds: float = 5.0) -> float:
    """Requests/s the responder answers to wrk alone (then its records are reset)."""
    wrk = require_wrk()
    with tempfile.TemporaryDirectory(prefix="omnihub-bench-responder-") as tmp:
        script = Path(tmp) / "post.lua"
        script.write_text(_WRK_SCRIPT)
        done = subprocess.run(
            [wrk, "-t", "2", "-c", "64", "-d", f"{seconds:g}s", "-s", str(script), target.url],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ,
        )
    match = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    if match is None or "Non-2xx" in done.stdout:
        raise RuntimeError(f"wrk against the responder:\n{done.stdout}")
    target.reset()
    return float(match.group(1))
