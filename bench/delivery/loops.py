"""The consumers being compared, each draining one lane queue into the responder.

- ``baseline``: the minimal hand-written loop: aio-pika consume with the same prefetch,
  a semaphore for the same concurrency, the same HTTP client (httpx, as many
  connections as the concurrency), POST of the payload with the message id as
  Idempotency-Key, ack on 2xx. No pipeline, retry ladder, tracing, journeys or breaker.
- ``worker``: ``connectors.create_worker`` with the full middleware (metrics, journeys in
  the PostgreSQL journey store, tracing, attempt history, breaker, retries), or without
  the ones named in ``without`` (``WorkerOptions.bench_without``, the benchmark-only
  switch).

Both run in this process, on its event loop; a drain returns its wall time and the CPU
time the process spent meanwhile (``time.process_time``: every thread of the process).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import aio_pika
import httpx
import msgspec
from aio_pika.abc import AbstractIncomingMessage

from connectors import Ack, Job, Middleware, WorkerOptions, create_worker
from omnihub.config import HubConfig
from omnihub.envelope import decode_envelope
from omnihub.settings import Settings

__all__ = ["Drain", "run_baseline", "run_worker"]

Progress = Callable[[], int]


class Drain(msgspec.Struct, frozen=True):
    seconds: float
    cpu_s: float


async def _until(done: Progress, n: int, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while done() < n:
        if loop.time() > deadline:
            raise TimeoutError(f"only {done()} of {n} delivered in {timeout}s")
        await asyncio.sleep(0.02)


async def run_baseline(
    settings: Settings, queue: str, url: str, n: int, prefetch: int, concurrency: int
) -> Drain:
    connection = await aio_pika.connect(settings.amqp_url)
    client = httpx.AsyncClient(base_url=url, limits=httpx.Limits(max_connections=concurrency))
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
        started, cpu = loop.time(), time.process_time()
        await q.consume(on_message)
        await _until(lambda: acked, n, 180)
        return Drain(loop.time() - started, time.process_time() - cpu)
    finally:
        await connection.close()
        await client.aclose()


class _Acked(Middleware):
    """Counts acked messages, whichever middleware runs (metrics may be switched off)."""

    def __init__(self) -> None:
        self.count = 0

    async def after_settle(self, job: Job) -> None:
        if isinstance(job.decision, Ack):
            self.count += 1


async def run_worker(
    settings: Settings, config: HubConfig, n: int, without: frozenset[str] = frozenset()
) -> Drain:
    acked = _Acked()
    worker = create_worker(
        config, settings, "erp", options=WorkerOptions(bench_without=without), middleware=[acked]
    )
    loop = asyncio.get_running_loop()
    started, cpu = loop.time(), time.process_time()
    await worker.start()
    try:
        await _until(lambda: acked.count, n, 180)
        return Drain(loop.time() - started, time.process_time() - cpu)
    finally:
        await worker.stop()
