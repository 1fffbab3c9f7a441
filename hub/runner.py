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
from typing import Any, Literal

import msgspec
import uvicorn

from omnihub.config.model import HubConfig
from omnihub.settings import Settings

__all__ = [
    "Part",
    "Ready",
    "gateway_part",
    "new_event_loop",
    "run_parts",
    "sandbox_part",
    "worker_part",
]

log = logging.getLogger("omnihub")
GC_THRESHOLD = 20_000  # allocations between collections of the youngest generation

# A part: an async callable that runs until `stop` is set, then returns; it calls its
# `Ready` callback once it serves (its port accepts connections, its worker consumes).
Ready = Callable[[], None]
Part = Callable[[asyncio.Event, Ready], Awaitable[None]]


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: run_parts owns the signals."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.listening = asyncio.Event()  # set once the server accepts connections

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self.listening.set()


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop where installed (it comes with uvicorn[standard]), else asyncio's own loop.

    `uvicorn.run` picks uvloop by itself, but the hub runs uvicorn inside its own loop,
    so it must choose here.
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


async def _serve_until(
    server: _Server, stop: asyncio.Event, sock: socket.socket, ready: Ready
) -> None:
    """Serve on ``sock`` until ``stop``; call ``ready`` once the server accepts."""
    task = asyncio.create_task(server.serve(sockets=[sock]))
    stopper = asyncio.create_task(stop.wait())
    listening = asyncio.create_task(server.listening.wait())
    await asyncio.wait({task, stopper, listening}, return_when=asyncio.FIRST_COMPLETED)
    listening.cancel()
    if server.listening.is_set():
        ready()
    done, _ = await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    stopper.cancel()
    await task
    if not server.started and task in done and not stop.is_set():
        host, port = sock.getsockname()[:2]
        raise SystemExit(f"could not start the HTTP server on {host}:{port}")


def _uvicorn_config(app: Any, *, lifespan: Literal["on", "off"] = "on") -> uvicorn.Config:
    return uvicorn.Config(
        app,
        log_config=None,  # uvicorn's lines go through the process's handler (omnihub.logs)
        log_level="warning",
        access_log=False,  # the gateway writes its own (gateway/edge/access_log.py)
        timeout_graceful_shutdown=10,
        lifespan=lifespan,
        http="httptools",
    )


def gateway_part(
    config: HubConfig,
    settings: Settings,
    sock: socket.socket,
    operator_sock: socket.socket | None = None,
) -> Part:
    """The gateway on ``sock``; its operator endpoints (metrics, health, readiness) on
    ``operator_sock``. Ready when both accept connections (after the broker connected, or
    failed to within the start-up bound)."""

    async def run(stop: asyncio.Event, ready: Ready) -> None:
        from gateway import AccessLog, create_app

        app = create_app(config, settings)
        server = _Server(_uvicorn_config(AccessLog(app) if settings.access_log else app))
        settle_heap()
        if operator_sock is None:
            await _serve_until(server, stop, sock, ready)
            return
        operator = _Server(_uvicorn_config(app.app.state.operator, lifespan="off"))
        all_ready = _AllReady(ready)
        await asyncio.gather(
            _serve_until(server, stop, sock, all_ready.one()),
            _serve_until(operator, stop, operator_sock, all_ready.one()),
        )

    return run


class _AllReady:
    """Calls ``ready`` once every callback handed out by `one` was called."""

    def __init__(self, ready: Ready) -> None:
        self._ready = ready
        self._waiting = 0

    def one(self) -> Ready:
        self._waiting += 1
        called = False

        def done() -> None:
            nonlocal called
            if not called:
                called = True
                self._waiting -= 1
                if self._waiting == 0:
                    self._ready()

        return done


def sandbox_part(sock: socket.socket) -> Part:
    async def run(stop: asyncio.Event, ready: Ready) -> None:
        from sandbox.app import create_sandbox_app

        config = _uvicorn_config(create_sandbox_app(), lifespan="off")
        await _serve_until(_Server(config), stop, sock, ready)

    return run


def worker_part(
    config: HubConfig, settings: Settings, target: str, *, health_port: int | None = None
) -> Part:
    """The worker of ``target``; ready once it consumes (and its health port listens).
    ``health_port`` overrides ``OMNIHUB_WORKER_HEALTH_PORT`` (`omnihub dev` gives each
    worker its own)."""

    async def run(stop: asyncio.Event, ready: Ready) -> None:
        from connectors import WorkerOptions, create_worker

        options = WorkerOptions.from_env()
        if health_port is not None:
            options = msgspec.structs.replace(options, health_port=health_port)
        worker = create_worker(config, settings, target, options=options)
        try:
            await worker.start()
            ready()
            await stop.wait()
        finally:
            await worker.stop()

    return run


async def run_parts(parts: list[Part], *, on_ready: Callable[[], None] | None = None) -> None:
    """Run every part until SIGINT/SIGTERM or until one part fails; then stop them all.

    ``on_ready`` is called once, when every part said it is ready (its ports accept
    connections, its worker consumes); never when one failed first."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    all_ready = _AllReady(lambda: None if on_ready is None or stop.is_set() else on_ready())
    tasks: list[asyncio.Task[None]] = [
        asyncio.ensure_future(part(stop, all_ready.one())) for part in parts
    ]
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
