"""A RabbitMQ node of a test's own, for tests that stop and start the broker.

Restarting the machine's shared broker would disturb every other test (and `start_app`
resets its file-handle limit, which once starved the rest of the suite). This starts a
second node from the same installation: its own node name, ports, data directory, Erlang
cookie and configuration, running as the current user with the open-file limit raised.
Where rabbitmq-server is not installed the test fails and says what to do; it never
skips. A node left behind by a killed test run is stopped by the next one.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.ports import free_port
from tests.support.services import HOW_TO_START, run_ctl

DIR_PREFIX = "omnihub-broker-"
BOOT_TIMEOUT_S = 90
OPEN_FILES = 20_000  # quorum queues take file handles; 1024 stalls the node


def rabbitmq_bin_dir() -> Path:
    """Where the real scripts are. Debian's /usr/sbin/rabbitmq-server is a wrapper that
    switches to the rabbitmq user (and its 1024 open files); the scripts behind it run
    as whoever calls them."""
    found = shutil.which("rabbitmq-server")
    if found is None:
        pytest.fail(
            "rabbitmq-server is not installed: the broker-restart test starts a RabbitMQ "
            "node of its own from it. " + HOW_TO_START,
            pytrace=False,
        )
    return Path(found).resolve().parent  # the wrapper's folder holds the real scripts too


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_leftovers() -> None:
    """Kill nodes whose test run died without stopping them (its pid is gone)."""
    for directory in Path(tempfile.gettempdir()).glob(DIR_PREFIX + "*"):
        with contextlib.suppress(OSError, ValueError):
            owner = int((directory / "owner.pid").read_text())
            if _alive(owner):
                continue
            node_pid = int((directory / "node.pid").read_text())
            if _alive(node_pid):
                os.kill(node_pid, signal.SIGKILL)
        shutil.rmtree(directory, ignore_errors=True)


def _raise_open_files() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = OPEN_FILES if hard == resource.RLIM_INFINITY else min(OPEN_FILES, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))


class PrivateBroker:
    """A running RabbitMQ node on 127.0.0.1:``port``, reached as guest/guest.

    Nodes that are to form a cluster get their names and one Erlang ``cookie`` from
    `tests/support/broker_cluster.py`."""

    def __init__(
        self, directory: Path, bin_dir: Path, *, node: str | None = None, cookie: str | None = None
    ) -> None:
        self.directory = directory
        self.node = node or f"omnihub-{uuid.uuid4().hex[:8]}@localhost"
        self.port = free_port()
        self.dist_port = free_port()
        self._bin = bin_dir
        home = directory / "home"
        home.mkdir()
        if cookie is not None:
            cookie_file = home / ".erlang.cookie"
            cookie_file.write_text(cookie)
            cookie_file.chmod(0o400)
        (directory / "enabled_plugins").write_text("[].\n")
        (directory / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\nloopback_users = none\n"
        )
        (directory / "env.conf").write_text("")
        self._env = {
            **os.environ,
            "HOME": str(home),  # the Erlang cookie lives here: the CLI finds the same one
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_CONFIG_FILE": str(directory / "rabbitmq.conf"),
            "RABBITMQ_CONF_ENV_FILE": str(directory / "env.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(directory / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(directory / "mnesia"),
            "RABBITMQ_LOG_BASE": str(directory / "log"),
            "RABBITMQ_PID_FILE": str(directory / "node.pid"),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        }
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def ctl(self, *args: str, timeout: float = 60) -> str:
        argv = [str(self._bin / "rabbitmqctl"), "-q", "-n", self.node, *args]
        return run_ctl(argv, env=self._env, attempts=1, timeout=timeout)

    def start(self) -> None:
        (self.directory / "owner.pid").write_text(str(os.getpid()))
        log = (self.directory / "server.out").open("wb")
        self._process = subprocess.Popen(
            [str(self._bin / "rabbitmq-server")],
            env=self._env,
            cwd=self.directory,  # a stray Mnesia.<node> folder once landed in the checkout
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_raise_open_files,
        )
        log.close()
        deadline = time.monotonic() + BOOT_TIMEOUT_S
        while not self._listening():
            if self._process.poll() is not None or time.monotonic() > deadline:
                tail = (self.directory / "server.out").read_text(errors="replace")[-2000:]
                self.stop()
                pytest.fail(f"the private RabbitMQ node did not start:\n{tail}", pytrace=False)
            time.sleep(0.2)
        self.ctl("await_startup")

    def _listening(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    @property
    def pid(self) -> int | None:
        """The Erlang VM's process id while the node runs."""
        with contextlib.suppress(OSError, ValueError):
            pid = int((self.directory / "node.pid").read_text())
            return pid if _alive(pid) else None
        return None

    def kill(self) -> None:
        """SIGKILL the node (no goodbye to its peers or clients); `start` brings it back."""
        pid = self.pid
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
        process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        (self.directory / "node.pid").unlink(missing_ok=True)

    def stop_app(self) -> None:
        self.ctl("stop_app")

    def start_app(self) -> None:
        self.ctl("start_app")
        self.ctl("await_startup")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(Exception, pytest.fail.Exception):
                self.ctl("stop", timeout=30)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        with contextlib.suppress(OSError, ValueError):
            node_pid = int((self.directory / "node.pid").read_text())
            if _alive(node_pid):
                os.kill(node_pid, signal.SIGKILL)


@contextlib.contextmanager
def private_broker() -> Iterator[PrivateBroker]:
    """Start a node of this test's own; stop it and remove its files afterwards."""
    bin_dir = rabbitmq_bin_dir()
    stop_leftovers()
    directory = Path(tempfile.mkdtemp(prefix=DIR_PREFIX))
    broker = PrivateBroker(directory, bin_dir)
    try:
        broker.start()
        yield broker
    finally:
        broker.stop()
        shutil.rmtree(directory, ignore_errors=True)
