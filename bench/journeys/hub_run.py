"""The example hub in this process (gateway, a worker per target, sandbox) on a prefix of
its own, for measuring what accepted messages leave behind."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import uvicorn

from bench.common import delete_topology
from connectors import WorkerOptions, create_worker
from gateway import create_app
from omnihub.config import load_config
from omnihub.settings import Settings
from sandbox.testing import running_sandbox

__all__ = ["running_hub"]


@contextlib.contextmanager
def _sandbox_env() -> Iterator[str]:
    with running_sandbox() as sandbox:
        names = ("OMNIHUB_ERP_URL", "OMNIHUB_WMS_URL", "OMNIHUB_CARRIER_URL")
        old = {n: os.environ.get(n) for n in names}
        os.environ.update(dict.fromkeys(names, sandbox.base_url))
        try:
            yield sandbox.base_url
        finally:
            for n, v in old.items():
                if v is None:
                    os.environ.pop(n, None)
                else:
                    os.environ[n] = v


@contextlib.asynccontextmanager
async def running_hub(config_dir: Path, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """Gateway + workers + sandbox; yields a client of the gateway."""
    with _sandbox_env():
        config = load_config(config_dir)
        server = uvicorn.Server(
            uvicorn.Config(create_app(config, settings), port=0, log_level="warning")
        )
        workers = [
            create_worker(config, settings, t, options=WorkerOptions(shutdown_timeout_s=5))
            for t in config.targets
            if config.deliveries_for(t)
        ]
        serving = asyncio.create_task(server.serve())
        for _ in range(1000):
            if server.started:
                break
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        for worker in workers:
            await worker.start()
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                yield client
        finally:
            for worker in workers:
                await worker.stop()
            server.should_exit = True
            await serving
            with contextlib.suppress(Exception):  # clean-up: the run's result stands
                await delete_topology(settings, config)
