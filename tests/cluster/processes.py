"""Hub parts as real OS processes (`omnihub gateway`, `omnihub worker`) that a test can
SIGKILL; their output goes to a log file that a failure shows."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import httpx

from tests.support.ports import free_port

CLI = [sys.executable, "-m", "hub.cli.main"]


class HubProcess:
    def __init__(self, name: str, argv: list[str], env: Mapping[str, str], logs: Path) -> None:
        self.name = name
        self.log = logs / f"{name}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [*CLI, *argv], env=dict(env), stdout=out, stderr=subprocess.STDOUT
            )

    def alive(self) -> bool:
        return self.process.poll() is None

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


class Gateway(HubProcess):
    def __init__(self, name: str, config_dir: Path, env: Mapping[str, str], logs: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        argv = ["gateway", "--config", str(config_dir), "--port", str(self.port)]
        argv += ["--operator-port", "0"]  # a free one: several gateways on this machine
        super().__init__(name, argv, env, logs)

    async def ready(self, timeout: float = 60) -> None:
        """Until /readyz says the broker and Redis answer."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with httpx.AsyncClient(timeout=2) as client:
            while loop.time() < deadline:
                if not self.alive():
                    raise AssertionError(f"{self.name} exited:\n{self.tail()}")
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{self.url}/readyz")).status_code == 200:
                        return
                await asyncio.sleep(0.1)
        raise AssertionError(f"{self.name} not connected within {timeout:g} s:\n{self.tail()}")


def worker(
    name: str, target: str, config_dir: Path, env: Mapping[str, str], logs: Path
) -> HubProcess:
    return HubProcess(name, ["worker", "--config", str(config_dir), "--target", target], env, logs)
