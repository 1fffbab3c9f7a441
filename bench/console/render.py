"""How long each console page takes with N journeys and D dead letters present.

Populates a real `omnihub dev` through its gateway (N - D orders delivered, then D while
the sandbox ERP refuses them with 422, so they are dead-lettered), then loads each page
R times in Chromium and reports the median and worst of: the server's answer
(requestStart -> responseEnd) and the page rendered (navigation start -> load event),
from the browser's Navigation Timing. Also the overview's charts rendered in process
from a full hour of samples (720), which a fresh hub does not have yet."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from typing import Any

import aio_pika
import psycopg

from bench.console.browser import signed_in_page
from bench.console.live_hub import Hub, erp_mode, running_dev, send_orders
from gateway.console.page_overview import overview_live
from gateway.console.samples import Sample, TargetSample, TrafficSample

__all__ = ["measure_render"]

_NAVIGATION = "JSON.stringify(performance.getEntriesByType('navigation')[0])"


def _dlq_depth(hub: Hub) -> int:
    async def depth() -> int:
        connection = await aio_pika.connect(hub.settings.amqp_url)
        async with connection:
            channel = await connection.channel()
            queue = await channel.declare_queue(
                hub.settings.names.dead_letter_queue("erp"), passive=True
            )
            return int(queue.declaration_result.message_count or 0)

    return asyncio.run(depth())


def _journeys(hub: Hub) -> int:
    with psycopg.connect(hub.settings.postgres_url) as conn:
        row = conn.execute("SELECT count(*) FROM journey_messages").fetchone()
    return int(row[0]) if row else 0


def _wait(what: str, check: Any, timeout_s: float = 600) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"not within {timeout_s} s: {what}")
        time.sleep(1)


def _full_hour() -> float:
    targets = ("carrier", "erp", "partner-webhooks", "storefront", "warehouse")
    depths = {"priority": 3, "bulk": 0, **{f"priority retry {k}": 1 for k in range(5, 13)}}
    samples = [
        Sample(
            at=1_000_000.0 + 5 * i,
            traffic={
                f"route{r} · partner{p}": TrafficSample(accepted=40.0 + i % 7, throttled=i % 3)
                for r in range(5)
                for p in range(3)
            },
            targets={
                t: TargetSample(
                    delivered=30.0,
                    success_rate=0.99,
                    p50_ms=8.0,
                    p95_ms=30.0,
                    depths=depths,
                    dead_letters=1000,
                    breaker="closed",
                )
                for t in targets
            },
        )
        for i in range(720)
    ]
    times = []
    for _ in range(5):
        started = time.perf_counter()
        overview_live(samples, [])
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure_render(journeys: int, dead_letters: int, runs: int) -> None:
    with running_dev(unthrottled=True) as hub:
        started = time.monotonic()
        numbers = [f"BENCH-{i:06d}" for i in range(journeys - dead_letters)]
        accepted = send_orders(hub, numbers, concurrency=32)
        erp_mode(hub, {"fixed_status": 422})
        accepted += send_orders(
            hub, [f"BENCH-DLQ-{i:05d}" for i in range(dead_letters)], concurrency=32
        )
        _wait(f"{dead_letters} dead letters", lambda: _dlq_depth(hub) >= dead_letters)
        erp_mode(hub, None)
        _wait(f"{journeys} journeys", lambda: _journeys(hub) >= journeys)
        print(
            f"populated: {accepted} orders accepted, {_journeys(hub)} journeys, "
            f"{_dlq_depth(hub)} dead letters in erp ({time.monotonic() - started:.0f} s)"
        )
        pages = {
            "overview": "/console/",
            "find (order number)": "/console/find?q=BENCH-004242",
            "dead letters (erp, all)": "/console/dlq?target=erp",
            "dead letters (erp, filtered by cause)": "/console/dlq?target=erp&error=NoSuchError",
            "archive replay": "/console/archive",
            "partners": "/console/partners",
            "configuration": "/console/config",
            "audit log": "/console/audit",
        }
        with signed_in_page(hub.console) as page:
            first = page.goto("/console/dlq?target=erp")
            assert first is not None and first.ok
            one = page.locator("table.dlq a").first.get_attribute("href")
            pages["one dead letter"] = one or "/console/dlq"
            print(f"{'page':40} {'server p50':>10} {'max':>6} {'render p50':>11} {'max':>6}")
            for name, path in pages.items():
                server, render = [], []
                page.goto(path)  # warm-up
                for _ in range(runs):
                    page.goto(path)
                    nav = page.evaluate(_NAVIGATION)
                    timing = json.loads(nav)
                    server.append(timing["responseEnd"] - timing["requestStart"])
                    render.append(timing["loadEventEnd"] - timing["startTime"])
                print(
                    f"{name:40} {statistics.median(server):8.0f}ms {max(server):4.0f}ms "
                    f"{statistics.median(render):9.0f}ms {max(render):4.0f}ms"
                )
    print(f"overview charts, a full hour (720 samples), in process: {_full_hour():.0f} ms")
