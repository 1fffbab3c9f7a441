"""The worker of one target: consume its lane queues, run the middleware, settle.

Acknowledgement policy (nothing accepted is lost):
- delivered (2xx)                 -> ack
- transient failure, retries left -> copy to the retry rung for its delay (confirmed), ack
- permanent failure / no retries  -> copy to the target's DLQ with history (confirmed), ack
- unexpected error (a bug)        -> nack + requeue; the quorum delivery limit parks a
                                     message that keeps crashing the worker in the DLQ
- worker dies mid-delivery        -> nothing acked: the broker gives the message again,
                                     the target de-duplicates by Idempotency-Key

Each lane has its own channel and prefetch (bulk master data never takes the priority
lane's capacity); one semaphore bounds concurrent deliveries. The connection is robust:
after a broker restart it reconnects and consumes again by itself. The circuit breaker
pauses consumption (cancels the consumers) and probes with one message at a time.
With a cluster's nodes in ``OMNIHUB_AMQP_URL`` it reconnects to the next node that answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
import msgspec
from aio_pika.abc import (
    AbstractChannel,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)
from redis.exceptions import RedisError

from connectors.breaker import BreakerState, CircuitBreaker
from connectors.dispatch import build_dispatcher
from connectors.errors import ConnectorConfigError
from connectors.health import HealthServer, WorkerStatus
from connectors.http_core import HttpCore
from connectors.job import Job, Requeue
from connectors.middleware.base import Middleware, MiddlewareChain
from connectors.middleware.breaker import BreakerMiddleware
from connectors.middleware.history import AttemptHistory
from connectors.middleware.journey import Journeys
from connectors.middleware.metrics import MetricHook, Metrics
from connectors.middleware.retries import Retries
from connectors.middleware.tracing import AttemptTracing, TraceparentOnly
from connectors.options import WorkerOptions
from connectors.ordering import OrderedLanes
from connectors.outcome import DeliveryFailed
from connectors.settle import Settler
from connectors.subscriptions import SubscriptionStore
from omnihub.broker import declare_topology, map_broker_errors, plan_topology
from omnihub.broker.nodes import NodeCursor, connect_robust_any
from omnihub.broker.topology import retry_policy, rungs_for
from omnihub.config.model import HubConfig, Lane, TargetKind
from omnihub.edi_counters import RedisControlNumbers
from omnihub.journey import JourneyStore
from omnihub.logs import add_log_context, log_context
from omnihub.monitor.breaker_state import breaker_closed, breaker_opened
from omnihub.monitor.sent_groups import SentGroups
from omnihub.redis_client import close_redis, connect_redis
from omnihub.settings import Settings
from omnihub.telemetry import HubMetrics, Tracing, tracing_from_env

__all__ = ["Worker", "create_worker"]

log = logging.getLogger("omnihub.worker")


class _LaneConsumer:
    def __init__(self, lane: Lane, channel: AbstractChannel, queue: AbstractQueue) -> None:
        self.lane, self.channel, self.queue = lane, channel, queue
        self.tag: str | None = None


class Worker:
    def __init__(
        self,
        config: HubConfig,
        settings: Settings,
        target: str,
        *,
        options: WorkerOptions | None = None,
        metric_hook: MetricHook | None = None,
        middleware: Sequence[Middleware] = (),
        transport: httpx.AsyncBaseTransport | None = None,
        rng: random.Random | None = None,
        tracing: Tracing | None = None,
        prometheus: HubMetrics | None = None,
    ) -> None:
        if target not in config.targets:
            known = ", ".join(sorted(config.targets)) or "none"
            raise ConnectorConfigError(f"target '{target}'", f"not configured (known: {known})")
        spec = config.targets[target]
        self.config, self.settings, self.target = config, settings, target
        self.names = settings.names
        self.options = options if options is not None else WorkerOptions.from_env()
        self.core = HttpCore(target, spec, transport=transport, max_connections=spec.concurrency)
        self._redis = connect_redis(settings)
        self.subscriptions: SubscriptionStore | None = None
        if spec.kind is TargetKind.WEBHOOK:
            self.subscriptions = SubscriptionStore(self._redis, self.names, target)
        self._owns_tracing = tracing is None
        self.tracing = tracing if tracing is not None else tracing_from_env("omnihub-worker")
        self.breaker = CircuitBreaker(spec.breaker)
        self.metrics = Metrics(target, prometheus, metric_hook)
        self.journeys = JourneyStore.open(
            config, settings, metrics=self.metrics.prometheus, part="worker"
        )
        self.dispatcher = build_dispatcher(
            config,
            target,
            self.core,
            self._store,
            control_numbers=RedisControlNumbers(self._redis, self.names),
            sent_groups=SentGroups(self.journeys.database),
        )
        self.delivery_limit = config.broker.delivery_limit
        self.settler = Settler(self.names, target, confirm_timeout=self.options.confirm_timeout_s)
        deliveries = config.deliveries_for(target)
        rungs = {
            lane: rungs_for(
                retry_policy(config, d.retry) for d in deliveries.values() if d.lane is lane
            )
            for lane in Lane
        }
        runs = self.options.runs  # all of them, except in benchmarks (bench_without)
        self.chain = MiddlewareChain(
            [
                *([self.metrics] if runs("metrics") else []),
                *(
                    [Journeys(target, self.journeys, self.names.dead_letter_queue(target))]
                    if runs("journeys")
                    else []
                ),
                AttemptTracing(target, self.tracing) if runs("tracing") else TraceparentOnly(),
                *([AttemptHistory()] if runs("history") else []),
                *([BreakerMiddleware(target, self.breaker, self)] if runs("breaker") else []),
                Retries(
                    lambda did: (
                        retry_policy(config, deliveries[did].retry)
                        if did in deliveries
                        else retry_policy(config, "default")
                    ),
                    rungs,
                    rng,
                ),
                *middleware,
            ]
        )
        self._connection: AbstractRobustConnection | None = None
        self._lanes: list[_LaneConsumer] = []
        self._in_flight: set[asyncio.Task[None]] = set()
        self._semaphore = asyncio.Semaphore(spec.concurrency)
        self._probe_task: asyncio.Task[None] | None = None
        self._stopping = False
        self.health: HealthServer | None = None
        self.ordered: OrderedLanes | None = None
        if config.ordered_deliveries_for(target):
            self.ordered = OrderedLanes(
                config,
                self.names,
                target,
                self._redis,
                self,
                heartbeat_s=self.options.ordering_heartbeat_s,
                member_ttl_s=self.options.ordering_member_ttl_s,
                confirm_timeout_s=self.options.confirm_timeout_s,
                handover_timeout_s=self.options.shutdown_timeout_s,
            )

    @property
    def semaphore(self) -> asyncio.Semaphore:
        """Bounds the attempts in flight, of every lane (ordered partitions included)."""
        return self._semaphore

    def _store(self) -> SubscriptionStore:
        if self.subscriptions is None:
            raise ConnectorConfigError(f"target '{self.target}'", "not a webhook target")
        return self.subscriptions

    @property
    def delivered(self) -> int:
        return self.metrics.counts["delivered"]

    # ------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        async with map_broker_errors(f"starting worker for {self.target}"):
            self._connection = await connect_robust_any(
                NodeCursor(self.settings.amqp_urls), timeout=5
            )
            plan = plan_topology(self.config, self.names, ladders=[self.target])
            await declare_topology(self._connection, plan)
            await self.settler.open(self._connection)
            prefetch = self.config.targets[self.target].prefetch
            for lane in Lane:
                channel = await self._connection.channel()
                await channel.set_qos(prefetch_count=prefetch)
                queue = await channel.get_queue(self.names.target_queue(self.target, lane))
                self._lanes.append(_LaneConsumer(lane, channel, queue))
            await self._consume()
            if self.ordered is not None:
                await self.ordered.start(self._connection)
        if self.options.health_port is not None:
            self.health = HealthServer(
                self.target,
                self.status,
                self.metrics.prometheus.exposition,
                self.options.health_host,
                self.options.health_port,
            )
            await self.health.start()
        log.info("worker for %s consuming", self.target, extra={"target": self.target})

    async def stop(self, timeout: float | None = None) -> None:
        """Stop consuming; let in-flight deliveries finish within the timeout, requeue the rest."""
        timeout = self.options.shutdown_timeout_s if timeout is None else timeout
        self._stopping = True
        if self._probe_task is not None:
            self._probe_task.cancel()
        with contextlib.suppress(Exception):
            await self._cancel_consumers()
        if self.ordered is not None:
            await self.ordered.stop(timeout)
        if self._in_flight:
            _, pending = await asyncio.wait(set(self._in_flight), timeout=timeout)
            if pending:
                log.warning(
                    "%d deliveries still running after %.1fs: requeued", len(pending), timeout
                )
                for task in pending:
                    task.cancel()
                await asyncio.wait(pending, timeout=2)
        if self.health is not None:
            await self.health.stop()
        if self._connection is not None and not self._connection.is_closed:
            await self._connection.close()  # unacked messages return to their queue
        await self.core.close()
        await self.journeys.close()  # writes the journeys still buffered
        await close_redis(self._redis)
        if self._owns_tracing:
            self.tracing.shutdown()

    # ------------------------------------------------------------ consumption control
    async def _consume(self) -> None:
        for lc in self._lanes:
            if lc.tag is None:
                lc.tag = await lc.queue.consume(self._consumer_for(lc.lane))

    async def _cancel_consumers(self) -> None:
        for lc in self._lanes:
            tag, lc.tag = lc.tag, None
            if tag is not None:
                await lc.queue.cancel(tag)

    async def pause(self, reason: str) -> None:
        await self._cancel_consumers()
        self.metrics.breaker_changed(self.breaker.state, reason)
        await self._publish_breaker(opened=True)
        if self._probe_task is None or self._probe_task.done():
            self._probe_task = asyncio.create_task(self._probe_loop())

    async def resume(self, reason: str) -> None:
        self.metrics.breaker_changed(self.breaker.state, reason)
        await self._publish_breaker(opened=False)
        if not self._stopping:
            await self._consume()

    async def _publish_breaker(self, *, opened: bool) -> None:
        """Tell the SLA monitor (through Redis) since when the breaker is open."""
        try:
            if opened:
                await breaker_opened(self._redis, self.names, self.target, datetime.now(UTC))
            else:
                await breaker_closed(self._redis, self.names, self.target)
        except (RedisError, OSError) as exc:
            log.warning("breaker state of %s not stored for the monitor: %s", self.target, exc)

    async def _probe_loop(self) -> None:
        """While the breaker is not closed: after the cool-down, deliver one message."""
        while self.breaker.state is not BreakerState.CLOSED and not self._stopping:
            await asyncio.sleep(self.breaker.seconds_until_probe())
            self.breaker.begin_probe()
            for lc in self._lanes:
                message = await lc.queue.get(no_ack=False, fail=False)
                if message is not None:
                    log.info(
                        "breaker for %s half-open: probing with %s", self.target, message.message_id
                    )
                    await self._tracked(self._process(message, lc.lane, probe=True))
                    break
            else:
                await asyncio.sleep(self.options.probe_poll_s)

    # ------------------------------------------------------------ one message
    def _consumer_for(self, lane: Lane) -> Callable[[AbstractIncomingMessage], Awaitable[None]]:
        async def on_message(message: AbstractIncomingMessage) -> None:
            async with self._semaphore:
                if self._stopping or self.breaker.state is not BreakerState.CLOSED:
                    await message.nack(requeue=True)  # paused: back to the queue, untouched
                    return
                await self._process(message, lane, probe=False)

        async def tracked(message: AbstractIncomingMessage) -> None:
            await self._tracked(on_message(message))

        return tracked

    async def _tracked(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._in_flight.add(task)
        try:
            await coro
        finally:
            if task is not None:
                self._in_flight.discard(task)

    async def _process(self, message: AbstractIncomingMessage, lane: Lane, *, probe: bool) -> None:
        with log_context(target=self.target, message_id=message.message_id):
            await self._attempt(message, lane, probe=probe)

    async def _attempt(self, message: AbstractIncomingMessage, lane: Lane, *, probe: bool) -> None:
        job = Job.from_message(message, lane, probe=probe)
        await self.attempt(job)
        await self.finish(job)

    # The steps of one message, also run by the ordered partitions (`ordering.Attempts`).
    async def attempt(self, job: Job) -> None:
        """Route, deliver, and decide (``job.decision``) through the middleware."""
        try:
            plan = self.dispatcher.route(job)
            if plan.delivery.ordering is not None:
                job.lane = plan.delivery.lane  # its retry policy's lane, for the decision
            if job.envelope is not None:  # what the log lines of this delivery carry
                add_log_context(
                    trace_id=job.envelope.trace_id,
                    partner=job.envelope.partner,
                    route=job.envelope.route,
                )
            await self.chain.before_attempt(job)
            job.delivered = await self.dispatcher.deliver(job, plan)
        except DeliveryFailed as failure:
            job.failure = failure
        except Exception as exc:
            job.crash = exc
        await self._decide(job)

    async def refuse(self, job: Job, failure: DeliveryFailed) -> None:
        """Decide on a message that failed before any attempt (no key, not an envelope)."""
        with contextlib.suppress(DeliveryFailed, msgspec.DecodeError, msgspec.ValidationError):
            self.dispatcher.route(job)
        job.failure = failure
        await self._decide(job)

    async def _decide(self, job: Job) -> None:
        try:
            await self.chain.after_attempt(job)
        except Exception as exc:
            log.exception("middleware failed after the attempt on %s", job.message_id)
            job.crash, job.decision = exc, Requeue(f"middleware error: {exc}")

    async def finish(self, job: Job) -> None:
        """Settle the decision, then ``after_settle``."""
        if await self.settle(job):
            await self.chain.after_settle(job)

    async def settle(self, job: Job) -> bool:
        """Carry out the decision; False if it could not be (the broker delivers it again)."""
        try:
            await self.settler.settle(job)
        except Exception as exc:
            log.error("%s not settled (%s): the broker will deliver it again", job.message_id, exc)
            return False
        return True

    async def after_settle(self, job: Job) -> None:
        await self.chain.after_settle(job)

    # ------------------------------------------------------------ health
    async def status(self) -> WorkerStatus:
        connected = self._connection is not None and not self._connection.is_closed
        consuming = any(lc.tag is not None for lc in self._lanes)
        snapshot = self.breaker.snapshot()
        if self._stopping:
            state = "stopping"
        elif not connected:
            state = "disconnected"
        elif snapshot.state is not BreakerState.CLOSED:
            state = "degraded"
        else:
            state = "ok"
        disabled: list[str] = []
        if self.subscriptions is not None:
            with contextlib.suppress(DeliveryFailed):
                disabled = sorted(await self.subscriptions.all_disabled())
        return WorkerStatus(
            target=self.target,
            status=state,
            connected=connected,
            consuming=consuming,
            breaker=snapshot,
            in_flight=len(self._in_flight),
            ordered_partitions=self.ordered.held if self.ordered else [],
            ordered_in_hand=self.ordered.in_hand if self.ordered else 0,
            counts=dict(self.metrics.counts),
            disabled_subscriptions=disabled,
        )


def create_worker(
    config: HubConfig,
    settings: Settings,
    target: str,
    *,
    options: WorkerOptions | None = None,
    metric_hook: MetricHook | None = None,
    middleware: Sequence[Middleware] = (),
    transport: httpx.AsyncBaseTransport | None = None,
    rng: random.Random | None = None,
    tracing: Tracing | None = None,
    prometheus: HubMetrics | None = None,
) -> Worker:
    """The worker of ``target``, built (pipelines compiled, connectors checked), not started."""
    return Worker(
        config,
        settings,
        target,
        options=options,
        metric_hook=metric_hook,
        middleware=middleware,
        transport=transport,
        rng=rng,
        tracing=tracing,
        prometheus=prometheus,
    )
