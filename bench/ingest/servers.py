"""Start the HTTP servers under test as child processes, wait until ready, stop them.

Three kinds, each N processes:
- ``gateway``: ``omnihub gateway --port P`` per process (uvicorn, one process each, the
  CLI as it is today), one port per process: the load generator spreads its threads
  over the ports;
- ``uvloop``: the same gateway app (``create_app``) under uvicorn's own runner with
  ``--loop uvloop --http httptools``, one process per port: what ``omnihub gateway``
  would do on uvloop (it runs uvicorn inside ``asyncio.run``, on the stdlib loop);
- ``granian``: the same gateway app (``create_app``) served by granian with ``--workers
  N`` on one port (granian shares the socket between workers);
- ``baseline``: ``uvicorn --factory bench.ingest.baseline_app:create_app`` per port.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

__all__ = [
    "SERVER_KINDS",
    "ServerGroup",
    "ServerStartError",
    "free_ports",
    "servers",
    "stop_processes",
]

SERVER_KINDS = ("gateway", "uvloop", "granian", "baseline")
READY_TIMEOUT_S = 30.0


class ServerStartError(Exception):
    """A server under test did not become ready; the message points at its log."""


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _children(pid: int) -> list[int]:
    """Direct and indirect child pids (granian's workers), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rpartition(")")[2].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class ServerGroup:
    """The processes of one server kind; ``pids`` includes their children."""

    def __init__(self, kind: str, ports: list[int], procs: list[subprocess.Popen[bytes]]) -> None:
        self.kind = kind
        self.ports = ports
        self.procs = procs

    @property
    def pids(self) -> list[int]:
        own = [p.pid for p in self.procs]
        return own + [c for pid in own for c in _children(pid)]

    def workers(self) -> list[int]:
        """The processes that run the app (granian's workers, else the processes themselves)."""
        if self.kind == "granian":
            return [c for p in self.procs for c in _children(p.pid)] or [p.pid for p in self.procs]
        return [p.pid for p in self.procs]


def _commands(kind: str, ports: list[int], processes: int) -> list[list[str]]:
    py = sys.executable
    host = "127.0.0.1"
    if kind == "gateway":
        return [
            [
                py,
                "-m",
                "hub.cli.main",
                "gateway",
                "--host",
                host,
                "--port",
                str(p),
                "--operator-port",
                "0",
            ]
            for p in ports
        ]
    if kind == "uvloop":
        return [
            [
                py, "-m", "uvicorn", "--factory", "bench.ingest.gateway_asgi:create_gateway",
                "--host", host, "--port", str(p), "--loop", "uvloop", "--http", "httptools",
                "--log-level", "warning", "--no-access-log",
            ]
            for p in ports
        ]  # fmt: skip
    if kind == "granian":
        return [
            [
                py, "-m", "granian", "--interface", "asgi", "--factory",
                "--host", host, "--port", str(ports[0]), "--workers", str(processes),
                "--loop", "uvloop", "--log-level", "warning", "--no-ws",
                "bench.ingest.gateway_asgi:create_gateway",
            ]
        ]  # fmt: skip
    if kind == "baseline":
        return [
            [
                py, "-m", "uvicorn", "--factory", "bench.ingest.baseline_app:create_app",
                "--host", host, "--port", str(p), "--log-level", "warning", "--no-access-log",
            ]
            for p in ports
        ]  # fmt: skip
    raise ValueError(f"unknown server kind {kind!r} (one of {', '.join(SERVER_KINDS)})")


def _wait_ready(ports: list[int], procs: list[subprocess.Popen[bytes]], log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    pending = set(ports)
    with httpx.Client(timeout=2) as client:
        while pending:
            for proc in procs:
                if proc.poll() is not None:
                    raise ServerStartError(f"a server exited with {proc.returncode}; see {log}")
            for port in list(pending):
                with contextlib.suppress(httpx.HTTPError):
                    answer = client.get(f"http://127.0.0.1:{port}/healthz")
                    if answer.status_code == 200 and answer.json().get("broker") == "connected":
                        pending.discard(port)
            if time.monotonic() > deadline:
                raise ServerStartError(
                    f"no ready /healthz on port(s) {sorted(pending)} after "
                    f"{READY_TIMEOUT_S:.0f} s; see {log}"
                )
            time.sleep(0.2)


def stop_processes(procs: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each, wait up to 15 s, then SIGKILL."""
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def servers(
    kind: str, processes: int, env: dict[str, str], log: Path, cwd: Path
) -> Iterator[ServerGroup]:
    """Run `processes` servers of `kind` in `cwd` with `env` added; SIGTERM them on exit."""
    ports = free_ports(1 if kind == "granian" else processes)
    procs: list[subprocess.Popen[bytes]] = []
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        try:
            for command in _commands(kind, ports, processes):
                procs.append(
                    subprocess.Popen(
                        command,
                        # no access log, like the servers the gateway is compared with
                        env={**os.environ, "OMNIHUB_ACCESS_LOG": "off", **env},
                        stdout=out,
                        stderr=out,
                        cwd=cwd,
                    )
                )
            _wait_ready(ports, procs, log)
            yield ServerGroup(kind, ports, procs)
        finally:
            stop_processes(procs)
