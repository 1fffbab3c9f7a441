"""A real `omnihub dev` process on free ports, for tests that meet the hub as a user does.

`live_dev` starts it with the test's broker vhost, prefix and Redis, waits for its
"running" banner, notes which ports accepted a connection at that moment, collects what
it prints (stdout and stderr apart) and stops it with Ctrl-C (SIGINT) at the end.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from omnihub.settings import Settings
from tests.support.configs import REPO
from tests.support.ports import free_port

BANNER = "omnihub dev is running"
START_TIMEOUT_S = 60


def accepts(port: int) -> bool:
    """Does something accept a TCP connection on 127.0.0.1:port right now?"""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def hub_env(settings: Settings, extra: Mapping[str, str] = {}) -> dict[str, str]:
    """The environment of a hub process on the test's broker vhost, prefix and Redis."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMNIHUB_")}
    return {
        **env,
        "OMNIHUB_AMQP_URL": settings.amqp_url,
        "OMNIHUB_PREFIX": settings.prefix,
        "OMNIHUB_REDIS_URL": settings.redis_url,
        **extra,
    }


@dataclass
class LiveDev:
    proc: subprocess.Popen[str]
    port: int
    operator_port: int
    sandbox_port: int
    health_base: int | None
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    listening_at_banner: dict[str, bool] = field(default_factory=dict)
    banner: threading.Event = field(default_factory=threading.Event)

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def operator(self) -> str:
        return f"http://127.0.0.1:{self.operator_port}"

    @property
    def sandbox(self) -> str:
        return f"http://127.0.0.1:{self.sandbox_port}"

    def ports(self) -> dict[str, int]:
        return {"gateway": self.port, "operator": self.operator_port, "sandbox": self.sandbox_port}

    def output(self) -> str:
        return "".join(self.stdout) + "".join(self.stderr)


def _drain(dev: LiveDev, stream: str, health_ports: dict[str, int]) -> None:
    pipe = dev.proc.stdout if stream == "stdout" else dev.proc.stderr
    assert pipe is not None
    lines = dev.stdout if stream == "stdout" else dev.stderr
    for line in pipe:
        if stream == "stdout" and BANNER in line and not dev.banner.is_set():
            # at the very moment the banner is read: does every part accept connections?
            for name, port in {**dev.ports(), **health_ports}.items():
                dev.listening_at_banner[name] = accepts(port)
            dev.banner.set()
        lines.append(line)


def dev_command(port: int, operator_port: int, sandbox_port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "hub.cli.main",
        "dev",
        "--config",
        str(REPO),
        "--port",
        str(port),
        "--operator-port",
        str(operator_port),
        "--sandbox-port",
        str(sandbox_port),
    ]


@contextlib.contextmanager
def live_dev(
    settings: Settings,
    *,
    env: Mapping[str, str] = {},
    targets: tuple[str, ...] = (),
    health_base: int | None = None,
) -> Iterator[LiveDev]:
    """`omnihub dev` on free ports (sandbox on a port that is not 8090). With
    ``health_base``, OMNIHUB_WORKER_HEALTH_PORT is set to it and the health ports of
    ``targets`` (sorted as dev sorts them) are checked at the banner too."""
    port, operator_port, sandbox_port = free_port(), free_port(), free_port()
    extra = dict(env)
    health_ports: dict[str, int] = {}
    if health_base is not None:
        extra["OMNIHUB_WORKER_HEALTH_PORT"] = str(health_base)
        health_ports = {f"health:{t}": health_base + i for i, t in enumerate(sorted(targets))}
    proc = subprocess.Popen(
        dev_command(port, operator_port, sandbox_port),
        env=hub_env(settings, extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    dev = LiveDev(proc, port, operator_port, sandbox_port, health_base)
    readers = [
        threading.Thread(target=_drain, args=(dev, stream, health_ports), daemon=True)
        for stream in ("stdout", "stderr")
    ]
    for reader in readers:
        reader.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not dev.banner.wait(0.1):
            assert proc.poll() is None, f"omnihub dev exited {proc.returncode}:\n{dev.output()}"
            assert time.monotonic() < deadline, f"no banner in {START_TIMEOUT_S} s:\n{dev.output()}"
        yield dev
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for reader in readers:
            reader.join(timeout=5)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
