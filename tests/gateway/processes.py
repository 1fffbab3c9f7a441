"""Gateways as real OS processes (`omnihub gateway`), for tests that need several."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import httpx

from omnihub.settings import Settings
from tests.support.hub import free_port, process_env


def _start(directory: Path, port: int, env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "hub.cli.main", "gateway", "--config", str(directory)]
    return subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port), "--operator-port", "0"],
        env=dict(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@contextlib.asynccontextmanager
async def gateway_processes(
    directory: Path, settings: Settings, env: Mapping[str, str], count: int
) -> AsyncIterator[list[str]]:
    """Start `count` gateway processes on one configuration; yield their base URLs."""
    async with _started(directory, process_env(settings, env), count) as started:
        yield [url for url, _ in started]


@contextlib.asynccontextmanager
async def gateway_process(
    directory: Path, settings: Settings, env: Mapping[str, str] = {}
) -> AsyncIterator[tuple[str, subprocess.Popen[bytes]]]:
    """One gateway process: its base URL and the process (to kill it)."""
    async with _started(directory, process_env(settings, env), 1) as started:
        yield started[0]


@contextlib.asynccontextmanager
async def _started(
    directory: Path, env: Mapping[str, str], count: int
) -> AsyncIterator[list[tuple[str, subprocess.Popen[bytes]]]]:
    ports = [free_port() for _ in range(count)]
    procs = [_start(directory, port, env) for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        async with httpx.AsyncClient() as client:
            for url, proc in zip(urls, procs, strict=True):
                for _ in range(300):
                    if proc.poll() is not None:
                        raise RuntimeError(f"gateway exited: {proc.stderr.read().decode()}")  # type: ignore[union-attr]
                    with contextlib.suppress(httpx.TransportError):
                        if (await client.get(f"{url}/healthz")).status_code == 200:
                            break
                    await asyncio.sleep(0.05)
                else:
                    raise RuntimeError(f"gateway at {url} did not start")
        yield list(zip(urls, procs, strict=True))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stderr is not None:
                proc.stderr.close()
