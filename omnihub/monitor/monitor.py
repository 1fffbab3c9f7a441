"""`omnihub monitor`: checks the SLAs, keeps exceptions, sends alerts, serves metrics.

Every `alerts.check_every` the monitor that holds the Redis lease runs one round:

    checks.run        every SLA's breaches now (journeys, sent EDI groups, Redis, broker)
    store.observe     folded into exceptions, grouped by cause, target, partner, signature
    store.clear       exceptions no check reports any more are resolved by the monitor
    alert             new exceptions and escalations sent, then the resolutions

A round that cannot read one of its sources changes nothing and is counted as failed.
Monitors without the lease only keep their metrics current (from the same exceptions).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

import httpx
from aio_pika.abc import AbstractConnection
from aiormq.exceptions import ChannelNotFoundEntity

from omnihub.broker.errors import map_broker_errors
from omnihub.broker.nodes import NodeCursor, connect_any
from omnihub.config.model import HubConfig
from omnihub.errors import BrokerError
from omnihub.journey.database import JourneyDatabase, StoreUnavailable
from omnihub.monitor.alerts import AlertKind, AlertSender, level_of
from omnihub.monitor.checks import Checks
from omnihub.monitor.exceptions import RESOLUTION_SENT, ExceptionStore
from omnihub.monitor.leader import LeaderLease
from omnihub.monitor.metrics import MonitorMetrics
from omnihub.redis_client import close_redis, connect_redis
from omnihub.settings import Settings

__all__ = ["Monitor", "RoundReport"]

log = logging.getLogger("omnihub.monitor")


class RoundReport:
    def __init__(self, breaches: int, resolved: int, alerts: int) -> None:
        self.breaches, self.resolved, self.alerts = breaches, resolved, alerts


class Monitor:
    def __init__(
        self,
        config: HubConfig,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config
        self.settings = settings
        self.database = JourneyDatabase(settings.postgres_url, pool_size=2)
        self.redis = connect_redis(settings)
        self.store = ExceptionStore(self.database)
        self.checks = Checks(config, self.database, self.redis, settings.names, self.queue_depth)
        self.alerts = AlertSender(config.alerts, transport)
        every_ms = int(config.alerts.check_every.total_seconds() * 1000)
        self.lease = LeaderLease(
            self.redis, settings.names.monitor_leader_key(), max(3 * every_ms, 3000)
        )
        self.metrics = MonitorMetrics()
        self._amqp: AbstractConnection | None = None
        self._nodes = NodeCursor(settings.amqp_urls)
        self._stop = asyncio.Event()

    async def queue_depth(self, queue: str) -> int:
        """Messages in `queue` (passive declare); 0 when the queue was never declared."""
        async with map_broker_errors(f"reading the depth of {queue}"):
            if self._amqp is None or self._amqp.is_closed:
                self._amqp = await connect_any(self._nodes, timeout=5)
            channel = await self._amqp.channel()
            try:
                declared = await channel.declare_queue(queue, passive=True)
            except ChannelNotFoundEntity:
                return 0  # the broker closed that channel itself
            try:
                return int(declared.declaration_result.message_count or 0)
            finally:
                await channel.close()

    async def run_round(self, now: datetime | None = None) -> RoundReport:
        """One round of checks, exceptions and alerts (what the leader does each time)."""
        now = now or datetime.now(UTC)
        breaches = await self.checks.run(now)
        await self.store.observe(breaches, now)
        resolved = await self.store.clear({b.group_key for b in breaches}, now)
        sent = await self.send_alerts(now)
        self.metrics.set_open(await self.store.open_by_cause())
        return RoundReport(len(breaches), resolved, sent)

    async def send_alerts(self, now: datetime) -> int:
        sent = 0
        for exc in await self.store.listing(status=("open",), limit=1000):
            level = level_of(exc, self.config.alerts, now)
            if level <= exc.alerted_level:
                continue
            kind: AlertKind = "opened" if exc.alerted_level < 0 else "escalated"
            if await self.alerts.send(kind, exc, now):
                await self.store.alerted(exc.id, level)
                sent += 1
        for exc in await self.store.resolved_unannounced():
            if await self.alerts.send("resolved", exc, now):
                await self.store.alerted(exc.id, RESOLUTION_SENT)
                sent += 1
        return sent

    async def run(self) -> None:
        """Until `stop`: lead (or wait to), run a round every `check_every`. The metrics
        are served by whoever runs it (`metrics.asgi_app`)."""
        every = self.config.alerts.check_every.total_seconds()
        try:
            while not self._stop.is_set():
                await self._tick()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), timeout=every)
        finally:
            with contextlib.suppress(Exception):
                await self.lease.release()
            await self.close()

    async def _tick(self) -> None:
        try:
            leading = await self.lease.hold()
        except (OSError, ConnectionError, TimeoutError) as exc:
            log.warning("monitor cannot reach Redis for its lease: %s", exc)
            leading = False
        except Exception as exc:  # redis.exceptions.* (connection refused, ...)
            log.warning("monitor cannot hold its lease: %s", type(exc).__name__)
            leading = False
        self.metrics.leader.set(1 if leading else 0)
        if not leading:
            with contextlib.suppress(StoreUnavailable):
                self.metrics.set_open(await self.store.open_by_cause())
            return
        try:
            report = await self.run_round()
        except (StoreUnavailable, BrokerError) as exc:
            self.metrics.checks.labels(result="failed").inc()
            log.warning("monitor round failed, nothing changed: %s", exc)
            return
        except Exception:  # a bug must not stop the watching (nor `omnihub dev`)
            self.metrics.checks.labels(result="failed").inc()
            log.exception("monitor round failed")
            return
        self.metrics.checks.labels(result="ok").inc()
        if report.breaches or report.resolved or report.alerts:
            log.info(
                "monitor: %d breaches, %d exceptions resolved, %d alerts sent",
                report.breaches,
                report.resolved,
                report.alerts,
            )

    def stop(self) -> None:
        self._stop.set()

    async def close(self) -> None:
        await self.alerts.close()
        if self._amqp is not None and not self._amqp.is_closed:
            with contextlib.suppress(Exception):
                await self._amqp.close()
        await close_redis(self.redis)
        await self.database.close()
