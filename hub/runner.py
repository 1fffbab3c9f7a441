"""Run the parts of the hub in one asyncio loop: gateway, workers, sandbox.

`omnihub gateway`, `omnihub worker` and `omnihub dev` all go through `run_parts`, which
installs one SIGINT/SIGTERM handler and stops every part gracefully: the HTTP servers
stop accepting and finish requests in flight; workers stop consuming, finish or return
their in-flight messages; connections close.

The gateway and connectors are imported lazily, inside the functions: `omnihub` is the
shared base those packages build on, and the CLI is the one place that reaches up.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import socket
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import uvicorn

from omnihub.config.model import HubConfig
from omnihub.http_protocol import CoalescingHttpToolsProtocol
from omnihub.settings import Settings

__all__ = [
    "Part",
    "gateway_part",
    "new_event_loop",
    "reuse_port_socket",
    "run_parts",
    "sandbox_part",
    "worker_part",
]

log = logging.getLogger("omnihub")
GC_THRESHOLD = 20_000  # allocations between collections of the youngest generation

# A part: an async callable that runs until `stop` is set, then returns.
Part = Callable[[asyncio.Event], Awaitable[None]]


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: run_parts owns the signals."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop where installed (it comes with uvicorn[standard]), else asyncio's own loop.

    `uvicorn.run` picks uvloop by itself, but the hub runs uvicorn inside its own loop,
    so it must choose here (measured: about 7 % less CPU per gateway request).
    """
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def settle_heap() -> None:
    """Collect once and move what start-up built (config, compiled pipelines, modules) out
    of the collector's sight, and collect the youngest generation less often: a gateway
    request allocates a few hundred short-lived objects, and with the default threshold
    (700) the full collections that followed kept scanning the whole start-up heap."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 50, 100)


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A listening socket with SO_REUSEPORT, so that several gateway processes share a port
    and the kernel spreads connections over them."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


async def _serve_until(
    server: uvicorn.Server, stop: asyncio.Event, sockets: list[socket.socket] | None = None
) -> None:
    task = asyncio.create_task(server.serve(sockets=sockets))
    stopper = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    stopper.cancel()
    await task
    if not server.started and task in done and not stop.is_set():
        raise SystemExit(
            f"could not start the HTTP server on {server.config.host}:{server.config.port}"
        )


def _uvicorn_config(app: Any, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=10,
        lifespan="on",
        http=CoalescingHttpToolsProtocol,
    )


def gateway_part(
    config: HubConfig, settings: Settings, host: str, port: int, *, reuse_port: bool = False
) -> Part:
    async def run(stop: asyncio.Event) -> None:
        from gateway import create_app

        server = _Server(_uvicorn_config(create_app(config, settings), host, port))
        settle_heap()
        sockets = [reuse_port_socket(host, port)] if reuse_port else None
        await _serve_until(server, stop, sockets)

    return run


def sandbox_part(host: str, port: int) -> Part:
    async def run(stop: asyncio.Event) -> None:
        from sandbox.app import create_sandbox_app

        config = _uvicorn_config(create_sandbox_app(), host, port)
        config.lifespan = "off"
        await _serve_until(_Server(config), stop)

    return run


def worker_part(config: HubConfig, settings: Settings, target: str) -> Part:
    async def run(stop: asyncio.Event) -> None:
        from connectors import create_worker

        worker = create_worker(config, settings, target)
        await worker.start()
        try:
            await stop.wait()
        finally:
            await worker.stop()

    return run


async def run_parts(parts: list[Part], *, on_ready: Callable[[], None] | None = None) -> None:
    """Run every part until SIGINT/SIGTERM or until one part fails; then stop them all."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    tasks: list[asyncio.Task[None]] = [asyncio.ensure_future(part(stop)) for part in parts]
    if on_ready is not None:
        loop.call_later(0.5, on_ready)
    try:
        await asyncio.wait(
            [*tasks, asyncio.create_task(stop.wait())], return_when=asyncio.FIRST_COMPLETED
        )
        stop.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            raise errors[0]
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
