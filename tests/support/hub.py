"""Run hub parts inside the test's event loop, over real sockets."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

import uvicorn

from connectors import Worker, create_worker
from gateway import create_app
from omnihub.broker import Publisher
from omnihub.config.model import HubConfig
from omnihub.settings import Settings
from tests.support.ports import free_port

SHUTDOWN_LIMIT_S = 30.0


class _QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def running_app(app: Any, *, lifespan: str = "on", **options: Any) -> AsyncIterator[str]:
    """Serve an ASGI app on a free port in this loop; yield its base URL (``options`` go to
    `uvicorn.Config`)."""
    port = free_port()
    server = _QuietServer(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan=lifespan,
            timeout_graceful_shutdown=5,  # then open requests are cancelled
            **options,
        )
    )
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started or task.done():
            break
        await asyncio.sleep(0.01)
    if not server.started:
        task.cancel()
        raise RuntimeError("the test server did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        try:
            await asyncio.wait_for(task, SHUTDOWN_LIMIT_S)
        except TimeoutError:
            raise RuntimeError(
                f"the test server on port {port} did not stop within {SHUTDOWN_LIMIT_S:g} s "
                "(its lifespan shutdown hangs)"
            ) from None


@contextlib.asynccontextmanager
async def running_gateway(
    config: HubConfig, settings: Settings, *, publisher: Publisher | None = None
) -> AsyncIterator[str]:
    async with running_app(create_app(config, settings, publisher=publisher)) as url:
        yield url


@contextlib.asynccontextmanager
async def running_worker(
    config: HubConfig, settings: Settings, target: str
) -> AsyncIterator[Worker]:
    worker = create_worker(config, settings, target)
    await worker.start()
    try:
        yield worker
    finally:
        await worker.stop()


def process_env(settings: Settings, extra: Mapping[str, str] = {}) -> dict[str, str]:
    """The environment of a hub process (`omnihub gateway`, `omnihub worker`) on the test's
    broker vhost, prefix, Redis and database; the rest (OMNIHUB_FAST_PATHS too) inherited."""
    return {
        **os.environ,
        **extra,
        "OMNIHUB_AMQP_URL": settings.amqp_url,
        "OMNIHUB_REDIS_URL": settings.redis_url,
        "OMNIHUB_POSTGRES_URL": settings.postgres_url,
        "OMNIHUB_PREFIX": settings.prefix,
    }
