"""Redis with Sentinel, of a test's own: a master, a replica and one sentinel, each a
`redis-server` process on a free port with its own directory. The machine's shared
Redis is never touched. Where redis-server is not installed the test fails and says so.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.support.ports import free_port

MASTER_NAME = "omnihub-test"
DOWN_AFTER_MS = 1000  # how long the sentinel waits before it calls the master down


class SentinelRedis:
    def __init__(self, directory: Path, server: str) -> None:
        self.directory = directory
        self.server = server
        self.master_port = free_port()
        self.replica_port = free_port()
        self.sentinel_port = free_port()
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def sentinels(self) -> tuple[str, ...]:
        return (f"127.0.0.1:{self.sentinel_port}",)

    def _spawn(self, name: str, args: list[str]) -> None:
        work = self.directory / name
        work.mkdir(exist_ok=True)
        log = (work / "out.log").open("wb")
        self.processes[name] = subprocess.Popen(
            [self.server, *args], cwd=work, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()

    def start(self) -> None:
        common = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self._spawn("master", ["--port", str(self.master_port), *common])
        self._wait(self.master_port)
        replica = ["--port", str(self.replica_port), *common]
        self._spawn("replica", [*replica, "--replicaof", "127.0.0.1", str(self.master_port)])
        self._wait(self.replica_port)
        conf = self.directory / "sentinel.conf"
        conf.write_text(
            f"port {self.sentinel_port}\nbind 127.0.0.1\n"
            f"sentinel monitor {MASTER_NAME} 127.0.0.1 {self.master_port} 1\n"
            f"sentinel down-after-milliseconds {MASTER_NAME} {DOWN_AFTER_MS}\n"
            f"sentinel failover-timeout {MASTER_NAME} 10000\n"
        )
        self._spawn("sentinel", [str(conf), "--sentinel"])
        self._wait(self.sentinel_port)
        self.wait_master(self.master_port, 20)

    def _wait(self, port: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.RedisError):
                if redis.Redis(port=port, socket_timeout=1).ping():
                    return
            time.sleep(0.05)
        pytest.fail(f"a test redis-server did not answer on port {port}", pytrace=False)

    def master_address(self) -> tuple[str, int] | None:
        client = redis.Redis(port=self.sentinel_port, socket_timeout=1)
        with contextlib.closing(client):
            found = client.sentinel_get_master_addr_by_name(MASTER_NAME)
        return (found[0], int(found[1])) if found else None

    def wait_master(self, port: int, timeout: float) -> float:
        """Wait until the sentinel names ``port`` as the master; return how long it took."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            with contextlib.suppress(redis.RedisError):
                address = self.master_address()
                if address is not None and address[1] == port:
                    return time.monotonic() - start
            time.sleep(0.1)
        pytest.fail(f"the sentinel did not name port {port} master in {timeout:g} s", pytrace=False)

    def kill_master(self) -> None:
        process = self.processes["master"]
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
                process.wait(10)


@contextlib.contextmanager
def sentinel_redis() -> Iterator[SentinelRedis]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail(
            "redis-server is not installed: the Sentinel test runs a master, a replica and "
            "a sentinel of its own from it (apt-get install redis-server)",
            pytrace=False,
        )
    directory = Path(tempfile.mkdtemp(prefix="omnihub-sentinel-"))
    setup = SentinelRedis(directory, server)
    try:
        setup.start()
        yield setup
    finally:
        setup.stop()
        shutil.rmtree(directory, ignore_errors=True)
