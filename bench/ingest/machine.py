"""The machine and software a run measured: for the results table's header."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import msgspec

__all__ = ["Machine", "describe_machine"]

PACKAGES = ("litestar", "uvicorn", "uvloop", "httptools", "granian", "msgspec", "aio-pika",
            "aiormq", "redis", "limits", "fastapi", "slowapi", "starlette")  # fmt: skip


class Machine(msgspec.Struct, frozen=True):
    cores: int
    cpu_model: str
    ram_gib: float
    kernel: str
    python: str
    rabbitmq: str
    redis: str
    wrk: str
    packages: dict[str, str]


def _first(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return "unknown"


def _command(*args: str) -> str:
    """First line a command prints (some, like ``wrk -v``, exit 1 after their version)."""
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else "unknown"


def _rabbitmq() -> str:
    return _command("rabbitmqctl", "-q", "version")


def describe_machine() -> Machine:
    mem_kib = _first("/proc/meminfo", "MemTotal").split()[0]
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    redis_version = _command("redis-server", "--version")
    return Machine(
        cores=os.cpu_count() or 0,
        cpu_model=_first("/proc/cpuinfo", "model name"),
        ram_gib=round(int(mem_kib) / 1024 / 1024, 1) if mem_kib.isdigit() else 0.0,
        kernel=platform.release(),
        python=platform.python_version(),
        rabbitmq=_rabbitmq(),
        redis=redis_version.split(" v=")[1].split()[0] if " v=" in redis_version else "unknown",
        wrk=_command("wrk", "-v").split(" [")[0].removeprefix("wrk "),
        packages=versions,
    )
