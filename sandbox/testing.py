"""Running a real sandbox server for tests: uvicorn in a background thread, a free port.

    with running_sandbox() as sandbox:
        httpx.post(f"{sandbox.base_url}/erp/sales-orders", json=...)
        assert sandbox.control.stats("erp").recorded == 1

``stop()`` closes the listening socket, so a client then gets a true connection refusal;
``start()`` again serves on the same port with the same state. ``sandbox_process()`` runs
``python -m sandbox`` as a child process instead.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

import httpx
import uvicorn

from sandbox.control import SandboxClient
from sandbox.errors import SandboxStartError
from sandbox.server import bind_socket, build_server
from sandbox.state import SandboxState

START_TIMEOUT_S = 10.0
_POLL_S = 0.01


class SandboxServer:
    """A sandbox served over real sockets from a background thread."""

    def __init__(
        self, state: SandboxState | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.state = state if state is not None else SandboxState()
        self.host = host
        self.port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._control: SandboxClient | None = None
        self._sock: socket.socket | None = None

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def control(self) -> SandboxClient:
        """A control-API client for this sandbox (created on first use)."""
        if self._control is None:
            self._control = SandboxClient(self.base_url)
        return self._control

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, timeout_s: float = START_TIMEOUT_S) -> None:
        """Listen (on a free port the first time, then on the same port) and serve."""
        if self.running:
            return
        server = build_server(self.state, host=self.host, port=self.port, log_level="warning")
        sock = bind_socket(self.host, self.port)
        self.port = server.config.port = sock.getsockname()[1]
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=f"sandbox:{self.port}", daemon=True
        )
        self._server, self._thread, self._sock = server, thread, sock
        thread.start()
        deadline = time.monotonic() + timeout_s
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop(timeout_s)
                raise SandboxStartError(self.base_url, timeout_s)
            time.sleep(_POLL_S)

    def stop(self, timeout_s: float = START_TIMEOUT_S) -> None:
        """Stop serving and close the listening socket (state is kept)."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout_s)
        if self._sock is not None:
            self._sock.close()  # uvicorn serves on this very socket; closed once it stopped
        self._server, self._thread, self._sock = None, None, None

    def close(self) -> None:
        self.stop()
        if self._control is not None:
            self._control.close()
            self._control = None

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@contextmanager
def running_sandbox(
    state: SandboxState | None = None, *, host: str = "127.0.0.1", port: int = 0
) -> Iterator[SandboxServer]:
    """A started sandbox server for the ``with`` block; stopped afterwards."""
    with SandboxServer(state, host=host, port=port) as server:
        yield server


@contextmanager
def sandbox_process(
    *, host: str = "127.0.0.1", port: int = 0, timeout_s: float = START_TIMEOUT_S
) -> Iterator[str]:
    """``python -m sandbox`` as a child process for the ``with`` block; yields its base URL.

    For tests that need the target in another process (kill it, restart it). Stopped with
    SIGINT (graceful), killed if it does not stop within ``timeout_s``.
    """
    if port == 0:
        with bind_socket(host, 0) as probe:
            port = probe.getsockname()[1]
    base_url = f"http://{host}:{port}"
    command = [sys.executable, "-m", "sandbox", "--host", host, "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_healthy(base_url, process, timeout_s)
        yield base_url
    finally:
        _stop_process(process, timeout_s)


def _wait_healthy(base_url: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base_url}/_sandbox/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise SandboxStartError(base_url, timeout_s)


def _stop_process(process: subprocess.Popen[bytes], timeout_s: float) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stderr is not None:
        process.stderr.close()
