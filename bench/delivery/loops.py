"""The two consumers being compared, each draining one lane queue into the sandbox ERP.

- ``baseline``: the minimal hand-written loop: aio-pika consume with the same prefetch,
  a semaphore for the same concurrency, httpx POST of the payload with the message id as
  Idempotency-Key, ack on 2xx. No retry ladder, no tracing, no journeys, no breaker.
- ``worker``: ``connectors.create_worker`` with the full middleware (retry policy, attempt
  history, W3C tracing, journeys (PostgreSQL), breaker, metrics).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import aio_pika
import httpx
from aio_pika.abc import AbstractIncomingMessage

from connectors import WorkerOptions, create_worker
from omnihub.config import HubConfig
from omnihub.envelope import decode_envelope
from omnihub.settings import Settings

Progress = Callable[[], int]


async def _until(done: Progress, n: int, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while done() < n:
        if loop.time() > deadline:
            raise TimeoutError(f"only {done()} of {n} delivered in {timeout}s")
        await asyncio.sleep(0.02)


async def run_baseline(
    settings: Settings, queue: str, erp_url: str, n: int, prefetch: int, concurrency: int
) -> float:
    connection = await aio_pika.connect(settings.amqp_url)
    client = httpx.AsyncClient(base_url=erp_url, limits=httpx.Limits(max_connections=concurrency))
    semaphore = asyncio.Semaphore(concurrency)
    acked = 0

    async def on_message(message: AbstractIncomingMessage) -> None:
        nonlocal acked
        async with semaphore:
            envelope = decode_envelope(message.body)
            response = await client.post(
                "/erp/sales-orders",
                json=envelope.payload,
                headers={"idempotency-key": envelope.id, "traceparent": envelope.traceparent},
            )
            if 200 <= response.status_code < 300:
                await message.ack()
                acked += 1
            else:
                await message.nack(requeue=True)

    try:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=prefetch)
        q = await channel.get_queue(queue)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await q.consume(on_message)
        await _until(lambda: acked, n, 600)
        return loop.time() - started
    finally:
        await connection.close()
        await client.aclose()


async def run_worker(settings: Settings, config: HubConfig, n: int) -> float:
    worker = create_worker(config, settings, "erp", options=WorkerOptions())
    loop = asyncio.get_running_loop()
    started = loop.time()
    await worker.start()
    try:
        await _until(lambda: worker.delivered, n, 600)
        return loop.time() - started
    finally:
        await worker.stop()
