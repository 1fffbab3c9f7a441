"""Serving the sandbox with uvicorn."""

from __future__ import annotations

import socket

import uvicorn

from sandbox.app import create_sandbox_app
from sandbox.state import SandboxState

GRACEFUL_SHUTDOWN_S = 5


def build_server(
    state: SandboxState | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 8090,
    log_level: str = "info",
) -> uvicorn.Server:
    """A uvicorn server for a new sandbox app (not started)."""
    config = uvicorn.Config(
        create_sandbox_app(state),
        host=host,
        port=port,
        log_level=log_level,
        access_log=log_level in ("debug", "trace"),
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        lifespan="off",  # the sandbox has no startup or shutdown work
    )
    return uvicorn.Server(config)


def serve(host: str, port: int) -> None:
    """Run the sandbox in the foreground until interrupted.

    SIGINT (Ctrl-C) or SIGTERM stop it gracefully: uvicorn stops accepting connections,
    lets requests in flight finish (up to ``GRACEFUL_SHUTDOWN_S``), then re-raises the
    signal. SIGINT then surfaces as KeyboardInterrupt, taken here as a normal return;
    SIGTERM ends the process with the signal's default status (143).
    """
    try:
        build_server(host=host, port=port).run()
    except KeyboardInterrupt:
        return


def bind_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening-ready TCP socket on ``host:port`` (``port=0``: a free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock
