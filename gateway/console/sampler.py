"""Take a `Sample` every `INTERVAL_S`: scrape the hub's Prometheus endpoints, ask the
broker for queue depths and the journey store for the latest attempts.

Every source may be away; what it would have told is then left out of the sample (a
chart shows a gap) and the overview says which source did not answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import aio_pika
import httpx
from aio_pika.abc import AbstractConnection
from prometheus_client.parser import text_string_to_metric_families

from gateway.console.samples import INTERVAL_S, Ring, Sample, TargetSample, TrafficSample
from omnihub.broker.nodes import NodeCursor, connect_any
from omnihub.broker.topology import plan_topology
from omnihub.config.model import HubConfig
from omnihub.journey import JourneyDatabase, StoreUnavailable
from omnihub.settings import Settings

__all__ = ["Sampler", "queue_labels", "traffic_rates"]

log = logging.getLogger("omnihub.console")
BREAKER = {0: "closed", 1: "half_open", 2: "open"}
_ATTEMPTS = """
SELECT target, count(*), count(*) FILTER (WHERE status BETWEEN 200 AND 299),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms),
    percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms)
FROM journey_entries WHERE stage = 'attempt' AND at >= %s AND at < %s AND day >= %s
GROUP BY target
"""


def queue_labels(config: HubConfig, settings: Settings) -> dict[str, dict[str, str]]:
    """Per target: queue name -> what the overview calls it (priority, bulk retry 3, dlq)."""
    names = settings.names
    out: dict[str, dict[str, str]] = {t: {} for t in config.targets}
    topology = plan_topology(config, names, ladders=config.targets)
    for spec in topology.queues:
        for target in config.targets:
            base = names.target_queue(target)
            if spec.name == names.dead_letter_queue(target):
                out[target][spec.name] = "dlq"
            elif spec.name == base or spec.name.startswith(base + "."):
                label = spec.name[len(base) :].lstrip(".").replace(".retry.", " retry ")
                label = label.replace("retry.", "priority retry ") or "priority"
                out[target][spec.name] = label
    return out


class Sampler:
    def __init__(
        self,
        config: HubConfig,
        settings: Settings,
        database: JourneyDatabase,
        scrape: Sequence[str],
        ring: Ring | None = None,
    ) -> None:
        self._config = config
        self._settings = settings
        self._db = database
        self._scrape = list(scrape)
        self.ring = ring or Ring()
        self._queues = queue_labels(config, settings)
        self._counters: dict[tuple[str, str, str], float] = {}
        self._last_at: float | None = None
        self._connection: AbstractConnection | None = None
        self._nodes = NodeCursor(settings.amqp_urls)
        self._task: asyncio.Task[None] | None = None
        self.unreachable: list[str] = []  # sources that did not answer at the last sample

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()

    async def _run(self) -> None:
        while True:
            started = time.monotonic()
            try:
                self.ring.add(await self.sample())
            except Exception:  # a sample is never worth stopping the console for
                log.exception("console sample failed")
            await asyncio.sleep(max(0.5, INTERVAL_S - (time.monotonic() - started)))

    async def sample(self) -> Sample:
        now = time.time()
        self.unreachable = []
        counters, breakers = await self._metrics()
        elapsed = now - self._last_at if self._last_at else None
        traffic = traffic_rates(self._counters, counters, elapsed) if elapsed else {}
        self._counters, self._last_at = counters, now
        depths = await self._depths()
        attempts = await self._attempts(now, elapsed or INTERVAL_S)
        targets = {}
        for target in sorted(self._config.targets):
            total, ok, p50, p95 = attempts.get(target, (0, 0, None, None))
            queues = depths.get(target, {})
            targets[target] = TargetSample(
                delivered=ok / (elapsed or INTERVAL_S),
                success_rate=ok / total if total else None,
                p50_ms=p50,
                p95_ms=p95,
                depths={k: v for k, v in queues.items() if k != "dlq"},
                dead_letters=queues.get("dlq"),
                breaker=breakers.get(target),
            )
        return Sample(at=now, traffic=traffic, targets=targets)

    async def _metrics(self) -> tuple[dict[tuple[str, str, str], float], dict[str, str]]:
        counters: dict[tuple[str, str, str], float] = {}
        breakers: dict[str, str] = {}
        async with httpx.AsyncClient(timeout=2.0) as client:
            for url in self._scrape:
                try:
                    text = (await client.get(url)).text
                except httpx.HTTPError:
                    self.unreachable.append(url)
                    continue
                for family in text_string_to_metric_families(text):
                    for s in family.samples:
                        if s.name == "omnihub_requests_total":
                            key = (s.labels["route"], s.labels["partner"], s.labels["status"])
                            counters[key] = counters.get(key, 0.0) + s.value
                        elif s.name == "omnihub_breaker_state":
                            breakers[s.labels["target"]] = BREAKER.get(int(s.value), "?")
        return counters, breakers

    async def _depths(self) -> dict[str, dict[str, int]]:
        try:
            if self._connection is None or self._connection.is_closed:
                self._connection = await connect_any(self._nodes, timeout=3)
            channel = await self._connection.channel()
        except (OSError, aio_pika.exceptions.AMQPError):
            self.unreachable.append("broker")
            return {}
        out: dict[str, dict[str, int]] = {}
        try:
            for target, queues in self._queues.items():
                for name, label in queues.items():
                    if channel.is_closed:
                        channel = await self._connection.channel()
                    try:
                        queue = await channel.declare_queue(name, passive=True)
                    except aio_pika.exceptions.ChannelClosed:
                        continue  # not declared yet (no worker started): no depth
                    count = queue.declaration_result.message_count
                    out.setdefault(target, {})[label] = count or 0
        finally:
            with contextlib.suppress(Exception):
                await channel.close()
        return out

    async def _attempts(
        self, now: float, window_s: float
    ) -> dict[str, tuple[int, int, float | None, float | None]]:
        until = datetime.fromtimestamp(now, UTC)
        since = until - timedelta(seconds=window_s)
        try:
            async with self._db.reading() as conn:
                cur = await conn.execute(_ATTEMPTS, (since, until, since.date()))
                rows = await cur.fetchall()
        except StoreUnavailable:
            self.unreachable.append("journey store")
            return {}
        return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows if r[0]}


def traffic_rates(
    before: dict[tuple[str, str, str], float],
    after: dict[tuple[str, str, str], float],
    elapsed: float,
) -> dict[str, TrafficSample]:
    sums: dict[str, list[float]] = {}
    for (route, partner, status), value in after.items():
        delta = max(0.0, value - before.get((route, partner, status), 0.0)) / elapsed
        row = sums.setdefault(f"{route} · {partner}", [0.0, 0.0, 0.0, 0.0])
        code = int(status) if status.isdigit() else 0
        if code == 429:
            row[2] += delta
        elif 400 <= code < 500:
            row[1] += delta
        elif code >= 500:
            row[3] += delta
        elif 200 <= code < 300:
            row[0] += delta
    return {
        k: TrafficSample(accepted=a, client_errors=c, throttled=t, server_errors=s)
        for k, (a, c, t, s) in sorted(sums.items())
    }
