"""A key added or revoked with the CLI takes effect on every process of a running
`omnihub gateway --workers 2` within seconds, without a restart."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from omnihub.settings import Settings
from tests.support.configs import example_copy
from tests.support.hub import free_port
from tests.support.orders import order

RELOADED = re.compile(r"gateway process (\d+): API keys reloaded")


def _cli(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "hub.cli.main", "partners", *args]
    return subprocess.run(
        [*command, "--config", str(directory)], capture_output=True, text=True, timeout=60
    )


def _spawn(directory: Path, settings: Settings, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "OMNIHUB_AMQP_URL": settings.amqp_url,
        "OMNIHUB_REDIS_URL": settings.redis_url,
        "OMNIHUB_PREFIX": settings.prefix,
        "OMNIHUB_JWT_KEY_FILE": str(directory / "jwt.pem"),
    }
    command = [sys.executable, "-m", "hub.cli.main", "gateway", "--workers", "2"]
    with log.open("wb") as err:
        return subprocess.Popen(
            [*command, "--port", str(port), "--operator-port", "0", "--config", str(directory)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )


def _text(log: Path) -> str:
    return log.read_text()


@contextlib.asynccontextmanager
async def _two_processes(directory: Path, settings: Settings, log: Path) -> AsyncIterator[str]:
    port = free_port()
    proc = _spawn(directory, settings, port, log)
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(400):
                assert proc.poll() is None, _text(log)
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{url}/healthz")).status_code == 200:
                        break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError(f"gateway did not start: {_text(log)}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def _until_all(url: str, key: str, status: int, *, in_a_row: int = 24) -> float:
    """Seconds until `in_a_row` requests, each on a new connection (so the kernel spreads
    them over both processes), all answer `status`; fails after 15 s."""
    started = time.monotonic()
    streak = 0
    headers = {"Authorization": f"Bearer {key}"}
    while streak < in_a_row:
        assert time.monotonic() - started < 15, f"not every answer was {status} after 15 s"
        async with httpx.AsyncClient(base_url=url) as fresh:
            answer = await fresh.get("/v1/messages/no-such-message", headers=headers)
        streak = streak + 1 if answer.status_code == status else 0
        if not streak:
            await asyncio.sleep(0.1)
    return time.monotonic() - started


def _reloads(log: Path) -> list[str]:
    return RELOADED.findall(_text(log))


async def test_added_and_revoked_keys_take_effect_on_both_processes_without_restart(
    tmp_path: Path, settings: Settings
) -> None:
    directory = example_copy(tmp_path)
    log = tmp_path / "gateway.log"
    async with _two_processes(directory, settings, log) as url:
        added = _cli(directory, "add-key", "acme-market")
        assert added.returncode == 0, added.stderr
        key = added.stdout.strip()
        # 404 "no message of partner acme-market": the key authenticated (401 before).
        await _until_all(url, key, 404)
        for _ in range(40):  # both processes said so (each logs its own reload)
            if len(set(_reloads(log))) == 2:
                break
            await asyncio.sleep(0.1)
        assert len(set(_reloads(log))) == 2, _text(log)
        async with httpx.AsyncClient(base_url=url) as client:
            sent = await client.post(
                "/v2/orders", json=order("KEY-1"), headers={"Authorization": f"Bearer {key}"}
            )
        assert sent.status_code == 202, sent.text

        prefix = key[:10]
        revoked = _cli(directory, "revoke-key", "acme-market", prefix, "--yes")
        assert revoked.returncode == 0, revoked.stderr
        await _until_all(url, key, 401)
        for _ in range(40):
            if len(_reloads(log)) == 4:
                break
            await asyncio.sleep(0.1)
        reloads = _reloads(log)
        assert len(reloads) == 4 and all(reloads.count(pid) == 2 for pid in reloads), reloads
        assert key not in _text(log)
