"""A PostgreSQL server of a test's own, for tests that stop and start it.

Stopping the machine's shared server would disturb every other test. This one is made
with `initdb` into a temporary directory and run by `pg_ctl` on a free port (trust auth,
fsync off), from the binaries of the installed PostgreSQL (`/usr/lib/postgresql/*/bin`
on Debian, or `initdb` on PATH). PostgreSQL refuses to run as root: under root it runs as
the `postgres` system user. Where PostgreSQL is not installed the test fails and says
what to do; it never skips. A server left behind by a killed test run is stopped by the
next one.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.ports import free_port

DIR_PREFIX = "omnihub-postgres-"
HOW_TO_INSTALL = "install PostgreSQL (`apt-get install postgresql`), then run the tests again"


def _bin_dir() -> Path:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    if on_path is None:
        pytest.fail(
            "initdb and pg_ctl are not installed: the PostgreSQL outage test runs a server "
            "of its own. " + HOW_TO_INSTALL,
            pytrace=False,
        )
    return Path(on_path).resolve().parent


def _as_user() -> tuple[Callable[[], None] | None, int | None]:
    """(preexec_fn, uid): switch to the postgres user when running as root."""
    if os.geteuid() != 0:
        return None, None
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail(
            "running as root and there is no 'postgres' user to run a PostgreSQL server as "
            "(PostgreSQL refuses root). " + HOW_TO_INSTALL,
            pytrace=False,
        )

    def switch() -> None:
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)

    return switch, user.pw_uid


def _stop_leftovers() -> None:
    for directory in Path(tempfile.gettempdir()).glob(DIR_PREFIX + "*"):
        with contextlib.suppress(OSError, ValueError):
            owner = int((directory / "owner.pid").read_text())
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(owner, 0)
                continue  # its test run is still going
            pid = int((directory / "data" / "postmaster.pid").read_text().split()[0])
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(directory, ignore_errors=True)


class PrivatePostgres:
    """A running PostgreSQL on 127.0.0.1:``port``, user postgres, trust auth."""

    def __init__(self, directory: Path, bin_dir: Path) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        self._bin = bin_dir
        self._preexec, uid = _as_user()
        if uid is not None:
            os.chown(directory, uid, -1)

    def url(self, database: str = "omnihub") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *argv: str, timeout: float = 60) -> None:
        result = subprocess.run(
            [str(self._bin / argv[0]), *argv[1:]],
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=self._preexec,
            cwd=self.directory,
            check=False,
        )
        if result.returncode != 0:
            log = self.directory / "server.log"
            tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
            pytest.fail(
                f"{argv[0]} {argv[1] if len(argv) > 1 else ''} failed: "
                f"{(result.stderr or result.stdout).strip()[-800:]}\n{tail}",
                pytrace=False,
            )

    def init(self) -> None:
        (self.directory / "owner.pid").write_text(str(os.getpid()))
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--no-sync", "--no-instructions",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l",
            str(self.directory / "server.log"), "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self) -> None:
        """Stop now (fast shutdown: open sessions are ended, as in an outage)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def stop_if_running(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(Exception, pytest.fail.Exception):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """Start a server of this test's own; stop it and remove its files afterwards."""
    bin_dir = _bin_dir()
    _stop_leftovers()
    directory = Path(tempfile.mkdtemp(prefix=DIR_PREFIX))
    server = PrivatePostgres(directory, bin_dir)
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.stop_if_running()
        shutil.rmtree(directory, ignore_errors=True)
