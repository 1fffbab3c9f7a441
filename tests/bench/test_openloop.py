"""The open-loop generator (bench/ingest/openloop.py): latency counts from the intended
send time, so a stalled server cannot hide the requests it kept waiting."""

from __future__ import annotations

import asyncio
import math

import pytest

from bench.ingest.openloop import Sample, due_count, latencies_ms, percentile, run_open_loop


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([7.0], 99) == 7.0
    assert math.isnan(percentile([], 50))


def test_due_count_follows_the_schedule_not_the_answers() -> None:
    assert due_count(10.0, 100.0, 9.9, 1000) == 0
    assert due_count(10.0, 100.0, 10.0, 1000) == 1  # request 0 is due at the start
    assert due_count(10.0, 100.0, 10.5, 1000) == 51  # after a 0.5 s stall: all 51 at once
    assert due_count(10.0, 100.0, 99.0, 1000) == 1000


def test_latency_is_measured_from_the_intended_time() -> None:
    late = Sample(index=0, intended=1.0, sent=1.2, done=1.205, status=202)
    unanswered = Sample(index=1, intended=1.01)
    assert latencies_ms([late, unanswered]) == pytest.approx([205.0])


async def _stalling_server(stall_s: float) -> tuple[asyncio.Server, int]:
    """HTTP/1.1 server whose first answer takes ``stall_s``, the others none."""
    first = True

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal first
        while await reader.readuntil(b"\r\n\r\n"):
            if first:
                first = False
                await asyncio.sleep(stall_s)
            writer.write(b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def test_a_stall_shows_in_the_requests_sent_meanwhile() -> None:
    server, port = await _stalling_server(0.3)
    async with server:
        samples = await run_open_loop(
            "127.0.0.1",
            port,
            rate=100,
            seconds=0.5,
            connections=1,
            make_request=lambda i: b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        )
    assert len(samples) == 50 and all(s.status == 201 for s in samples)
    first, tenth = samples[0], samples[10]
    # the schedule does not follow the answers: request i is due i / rate after request 0
    assert tenth.intended - first.intended == pytest.approx(0.1)
    # request 10 waited behind the stalled first answer on the only connection (its
    # answer came at least 0.3 s after it was sent, request 10 was due 0.1 s in) ...
    assert tenth.sent >= first.done >= first.sent + 0.29  # (asyncio may wake a hair early)
    # ... and that wait is in its latency, counted from the intended time; a closed loop
    # would have sent it late and reported only its own service time (done - sent)
    assert tenth.sent - tenth.intended >= 0.19
    latency = latencies_ms([tenth])[0]
    assert latency == pytest.approx((tenth.done - tenth.intended) * 1000)
    assert latency >= (tenth.done - tenth.sent) * 1000 + 190
