"""`omnihub sandbox` and `python -m sandbox` serve the sandbox and stop gracefully."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time

import httpx
import pytest

from hub.cli import cmd_sandbox
from sandbox.server import bind_socket
from sandbox.testing import sandbox_process

CLI = (
    "import argparse, sys\n"
    "from hub.cli import cmd_sandbox\n"
    "parser = argparse.ArgumentParser()\n"
    "cmd_sandbox.register(parser.add_subparsers())\n"
    "args = parser.parse_args(sys.argv[1:])\n"
    "sys.exit(args.func(args))\n"
)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cmd_sandbox.register(parser.add_subparsers())
    return parser.parse_args(argv)


def test_sandbox_command_defaults_to_localhost_8090() -> None:
    args = parse(["sandbox"])

    assert (args.host, args.port) == ("127.0.0.1", 8090)
    assert args.func is cmd_sandbox.run


def test_sandbox_command_takes_host_and_port() -> None:
    args = parse(["sandbox", "--host", "0.0.0.0", "--port", "9999"])

    assert (args.host, args.port) == ("0.0.0.0", 9999)


def free_port() -> int:
    with bind_socket("127.0.0.1", 0) as sock:
        port: int = sock.getsockname()[1]
        return port


def wait_healthy(url: str) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/_sandbox/health").raise_for_status()
            return
        except httpx.TransportError:
            time.sleep(0.05)
    pytest.fail(f"sandbox at {url} did not come up")


def test_command_prints_where_it_listens_serves_and_exits_0_on_ctrl_c() -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", CLI, "sandbox", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}")
        created = httpx.post(f"http://127.0.0.1:{port}/erp/credit-memos", json={})
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert created.status_code == 201
    assert process.returncode == 0
    assert f"sandbox listening on http://127.0.0.1:{port}" in out


def test_sandbox_process_serves_until_the_block_ends() -> None:
    with sandbox_process() as url:
        response = httpx.post(f"{url}/carrier/shipments", json={})

    assert response.status_code == 201
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/_sandbox/health")
