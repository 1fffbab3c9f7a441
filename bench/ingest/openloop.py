"""An open-loop HTTP load generator: requests leave at fixed intended times.

A closed loop (wrk's N connections, each waiting for its answer) slows down with the
server, so a stall delays the requests that would have been sent meanwhile and hides
them: coordinated omission. Here request ``i`` is due at ``start + i / rate`` whatever
happened before; it waits for a free connection if none is idle, and its latency is
counted from its *intended* time, so that wait is in the figures.

The client is a few lines of HTTP/1.1 over asyncio streams (keep-alive, one request in
flight per connection, ``Content-Length`` bodies): far cheaper per request than a
general client, so the generator is not what limits the rate. Times are
``time.monotonic()`` (CLOCK_MONOTONIC: the same clock in every process of the machine,
so a receiver in another process can stamp the same scale).

This module imports nothing of the hub.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar

import msgspec

__all__ = [
    "Sample",
    "due_count",
    "latencies_ms",
    "percentile",
    "run_async",
    "run_open_loop",
    "summary",
]

T = TypeVar("T")
MakeRequest = Callable[[int], bytes]  # index -> the raw request bytes


class Sample(msgspec.Struct):
    index: int
    intended: float  # when the request was due (monotonic seconds)
    sent: float = math.nan  # when it was written (nan: never)
    done: float = math.nan  # when its answer was read (nan: no answer)
    status: int = 0
    body: bytes = b""


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on uvloop where installed (cheaper per request), else asyncio's loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def due_count(start: float, rate: float, now: float, total: int) -> int:
    """How many of ``total`` requests at ``rate``/s from ``start`` are due at ``now``."""
    if now < start:
        return 0
    return min(total, math.floor((now - start) * rate) + 1)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of ``values``; nan when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def latencies_ms(samples: Sequence[Sample]) -> list[float]:
    """Answer time minus *intended* send time, in ms, of the answered requests."""
    return [(s.done - s.intended) * 1000 for s in samples if not math.isnan(s.done)]


def summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "p50": percentile(values, 50),
        "p90": percentile(values, 90),
        "p99": percentile(values, 99),
        "max": max(values) if values else math.nan,
    }


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return status, body


async def run_open_loop(
    host: str,
    port: int,
    *,
    rate: float,
    seconds: float,
    make_request: MakeRequest,
    connections: int = 64,
    timeout_s: float = 10.0,
) -> list[Sample]:
    """Send ``rate * seconds`` requests at their intended times; return one sample each.

    Requests that found no idle connection wait in a queue (counted in their latency);
    requests not answered within ``timeout_s`` after the last one was due keep ``done``
    as nan.
    """
    total = max(1, round(rate * seconds))
    samples: list[Sample] = []
    queue: asyncio.Queue[Sample] = asyncio.Queue()
    clock = time.monotonic

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while True:
                sample = await queue.get()
                sample.sent = clock()
                writer.write(make_request(sample.index))
                sample.status, sample.body = await _read_response(reader)
                sample.done = clock()
                queue.task_done()
        finally:
            writer.close()

    workers = [asyncio.create_task(connection()) for _ in range(connections)]
    try:
        await asyncio.sleep(0.05)  # connections open before the clock starts
        start = clock() + 0.01
        issued = 0
        while issued < total:
            now = clock()
            for i in range(issued, due_count(start, rate, now, total)):
                sample = Sample(index=i, intended=start + i / rate)
                samples.append(sample)
                queue.put_nowait(sample)
                issued = i + 1
            next_due = start + issued / rate
            await asyncio.sleep(max(0.0, next_due - clock()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(queue.join(), timeout_s)
    finally:
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    return samples
