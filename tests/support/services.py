"""Reach the real RabbitMQ, Redis and PostgreSQL, with a vhost, key prefix and database of
this test run's own.

A test that needs them and cannot reach them fails with a message saying what to do;
it never skips.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid
from urllib.parse import quote

import pytest

AMQP_HOST = os.environ.get("OMNIHUB_TEST_AMQP_HOST", "127.0.0.1")
AMQP_PORT = int(os.environ.get("OMNIHUB_TEST_AMQP_PORT", "5672"))
REDIS_URL = os.environ.get("OMNIHUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

HOW_TO_START = (
    "start them with `scripts/services.sh` (runs `rabbitmq-server -detached`, "
    "`redis-server --daemonize yes ...` and `pg_ctlcluster ... start` where installed), "
    "or install them: `apt-get install rabbitmq-server redis-server postgresql`"
)


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require(name: str, host: str, port: int) -> None:
    if not _reachable(host, port):
        pytest.fail(f"{name} is not reachable on {host}:{port}: {HOW_TO_START}", pytrace=False)


STALE_AFTER_S = 3600  # a test vhost older than this belongs to a run that was killed


def run_id() -> str:
    """Unique per run, starting with the start time so that stale leftovers can be found."""
    return f"t{int(time.time())}-{uuid.uuid4().hex[:6]}"


def _started_at(vhost_name: str) -> int | None:
    match = re.fullmatch(r"omnihub-test-t(\d{10})-[0-9a-f]{6}", vhost_name)
    return int(match.group(1)) if match else None


def run_ctl(
    argv: list[str], *, env: dict[str, str] | None = None, attempts: int = 3, timeout: float = 30
) -> str:
    """Run a rabbitmqctl command line; on a hang, kill its whole process group (the CLI
    boots an Erlang node that would otherwise outlive the timeout) and try again. Fails
    the test with the CLI's own words when every attempt fails."""
    last = ""
    for _ in range(attempts):
        proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            env=env,
        )
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            last = f"timed out after {timeout:g} s"
            continue
        if proc.returncode == 0:
            return out
        last = (err or out).strip()[-500:]
    command = " ".join(a for a in argv[1:] if a != "-q")
    pytest.fail(f"rabbitmqctl {command} failed: {last}", pytrace=False)


class Vhost:
    """A RabbitMQ vhost for one test run, created and deleted with rabbitmqctl."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.url = f"amqp://guest:guest@{AMQP_HOST}:{AMQP_PORT}/{quote(name, safe='')}"

    @staticmethod
    def _ctl(*args: str, attempts: int = 3) -> str:
        ctl = shutil.which("rabbitmqctl")
        if ctl is None:
            pytest.fail(
                "rabbitmqctl is not on PATH: the tests create a vhost per run with it. "
                + HOW_TO_START,
                pytrace=False,
            )
        return run_ctl([ctl, "-q", *args], attempts=attempts)

    def create(self) -> None:
        self._ctl("add_vhost", self.name)
        self._ctl("set_permissions", "-p", self.name, "guest", ".*", ".*", ".*")

    def delete(self) -> None:
        self._ctl("delete_vhost", self.name)

    def queue_names(self) -> list[str]:
        return self._ctl("list_queues", "-p", self.name, "name", attempts=1).split()

    @classmethod
    def delete_stale(cls) -> None:
        """Remove test vhosts that runs killed before their clean-up left behind."""
        now = time.time()
        for name in cls._ctl("list_vhosts", "name").split():
            started = _started_at(name)
            if started is not None and now - started > STALE_AFTER_S:
                cls._ctl("delete_vhost", name)


POSTGRES_URL = os.environ.get(
    "OMNIHUB_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


class TestDatabase:
    """A PostgreSQL database for one test run, created and dropped (FORCE) by psql-free
    SQL over the maintenance database of ``POSTGRES_URL``."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self, name: str) -> None:
        from psycopg.conninfo import make_conninfo

        self.name = name
        self.url = make_conninfo(POSTGRES_URL, dbname=name)

    @staticmethod
    def _run(statement: str) -> list[tuple[object, ...]]:
        import psycopg

        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as conn:
            cur = conn.execute(statement.encode())
            return cur.fetchall() if cur.description else []

    def create(self) -> None:
        self._run(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    @classmethod
    def drop_stale(cls) -> None:
        """Drop test databases that killed runs left behind (older than an hour)."""
        now = time.time()
        for (name,) in cls._run("SELECT datname FROM pg_database WHERE datname LIKE 'omnihub_%'"):
            match = re.fullmatch(r"omnihub_test_t(\d{10})_[0-9a-f]{6}(_[0-9a-f]{6})?", str(name))
            if match and now - int(match.group(1)) > STALE_AFTER_S:
                cls._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
