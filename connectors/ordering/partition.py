"""One ordered partition: keys run side by side, each key's messages one after another.

The worker holding a partition (single active consumer) takes its messages in queue
order and chains them by ordering key: a message starts only once the previous message
of its key is settled. Other keys do not wait. A transient failure is retried **in
place**: the message stays unacked in the worker, its key waits out the backoff, and the
rest of the partition flows on (up to the partition's prefetch). Retries follow the
delivery's retry policy (DLQ after the last one, then the key moves on); a worker crash
on a message is retried in place too, up to the broker's delivery limit.

Snapshot events pass the stale-write guard first: one older than the last snapshot
delivered for its key is settled as ``Superseded`` (acked, not sent).

Handing the partition over (another worker now owns it, or this one stops): no new
attempt starts, attempts in flight finish and settle, messages waiting (behind their key
or on a backoff) are left unacked, and the channel is closed: the broker puts every
unacked message back, in queue order, and the next consumer starts from there. Nothing
is acked that was not delivered, and no later message of a key is ever delivered while
an earlier one is still held by another worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

import msgspec
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractIncomingMessage

from connectors.job import Ack, DeadLetter, Job, Requeue, Retry, Superseded
from connectors.ordering.guard import VersionGuard
from connectors.ordering.keys import OrderingKeys, Placement
from connectors.outcome import DeliveryFailed, UndeliverableMessage
from omnihub.config.model import Lane
from omnihub.envelope import Envelope, decode_envelope
from omnihub.logs import log_context

__all__ = ["Attempts", "Partition"]

log = logging.getLogger("omnihub.worker.ordering")

CRASH_PAUSE_S = 1.0  # before trying again a message that crashed the worker
STATE_PAUSE_S = 1.0  # before reading the guard again after Redis failed
VERSION_CACHE_MAX = 100_000  # keys whose last version a partition holder keeps in memory


class Attempts(Protocol):
    """What a partition needs of the worker."""

    @property
    def semaphore(self) -> asyncio.Semaphore:
        """Bounds the worker's attempts in flight."""

    @property
    def delivery_limit(self) -> int:
        """How often a message may crash the worker before it is dead-lettered."""

    async def attempt(self, job: Job) -> None:
        """Route, run the middleware and the delivery; sets ``job.decision``."""

    async def refuse(self, job: Job, failure: DeliveryFailed) -> None:
        """Decide on a message that failed before any attempt; sets ``job.decision``."""

    async def settle(self, job: Job) -> bool:
        """Carry out the decision (ack, or a confirmed copy); False if it could not be."""

    async def after_settle(self, job: Job) -> None:
        """Only ``after_settle`` (a retry waited out in place)."""


class _Run:
    __slots__ = ("critical", "envelope", "message", "released", "settled", "task")

    def __init__(self, message: AbstractIncomingMessage, envelope: Envelope | None) -> None:
        self.message = message
        self.envelope = envelope
        self.critical = False  # attempting or settling: let it finish when handing over
        self.settled = False
        self.released = asyncio.Event()  # settled (or given up): the key's next may go
        self.task: asyncio.Task[None] | None = None


class Partition:
    def __init__(
        self,
        index: int,
        queue: str,
        keys: OrderingKeys,
        guard: VersionGuard,
        attempts: Attempts,
        *,
        prefetch: int,
    ) -> None:
        self.index = index
        self.queue = queue
        self.keys = keys
        self.guard = guard
        self.attempts = attempts
        self.prefetch = prefetch
        self.draining = False
        self.broken = False
        self._channel: AbstractChannel | None = None
        self._tails: dict[str, _Run] = {}
        self._runs: set[_Run] = set()
        # The newest snapshot version delivered per key, as far as this holder knows: read
        # from Redis once per key, then kept here (no one else delivers from this partition
        # while it is held; a new holder starts with an empty cache).
        self._versions: dict[tuple[str, str], float | None] = {}

    @property
    def in_hand(self) -> int:
        return len(self._runs)

    async def open(self, connection: AbstractConnection) -> None:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=self.prefetch)
        queue = await channel.get_queue(self.queue, ensure=False)
        self._channel = channel
        await queue.consume(self._on_message)

    # ------------------------------------------------------------ arrival (in queue order)
    # aio-pika starts one task per delivery, in delivery order; everything up to the
    # chaining below runs without an await, so keys are chained in queue order.
    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        if self.draining:
            return  # unacked: back to the queue, in order, when the channel closes
        envelope: Envelope | None = None
        placement: Placement | None = None
        error: DeliveryFailed | None = None
        try:
            envelope = decode_envelope(message.body)
            placement = self.keys.place(envelope)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            error = UndeliverableMessage(f"not an omnihub envelope: {exc}")
        except DeliveryFailed as exc:
            error = exc
        key = placement.key if placement is not None else f"!{message.message_id}"
        run = _Run(message, envelope)
        with log_context(message_id=message.message_id, partition=self.queue):
            run.task = asyncio.create_task(  # the task keeps the log context it starts in
                self._run(run, self._tails.get(key), placement, error),
                name=f"ordered-{self.queue}",
            )
        self._tails[key] = run
        self._runs.add(run)
        run.task.add_done_callback(lambda _: self._done(key, run))

    def _done(self, key: str, run: _Run) -> None:
        run.released.set()
        self._runs.discard(run)
        if self._tails.get(key) is run:
            del self._tails[key]
        task = run.task
        if task is not None and not task.cancelled() and task.exception() is not None:
            log.error("ordered run on %s failed", self.queue, exc_info=task.exception())
            self.broken = True
        elif not run.settled and not self.draining:
            self.broken = True  # an earlier message of a key is unsettled: start over

    def _stopped(self, run: _Run) -> bool:
        return self.draining or self.broken or run.message.channel.is_closed

    # ------------------------------------------------------------ one message
    async def _run(
        self,
        run: _Run,
        previous: _Run | None,
        placement: Placement | None,
        error: DeliveryFailed | None,
    ) -> None:
        if previous is not None:
            await previous.released.wait()
            if not previous.settled:
                return  # the earlier message of this key comes again: so will this one
        if self._stopped(run):
            return
        job = Job.from_message(run.message, Lane.PRIORITY, probe=False)
        if error is not None or placement is None:
            run.critical = True
            await self.attempts.refuse(job, error or UndeliverableMessage("no placement"))
            await self._settle(run, job)
            return
        if placement.version is not None and await self._superseded(run, job, placement):
            return
        crashes = 0
        while not self._stopped(run):
            run.critical = True
            async with self.attempts.semaphore:
                await self.attempts.attempt(job)
            decision = job.decision
            if isinstance(decision, Retry):
                await self.attempts.after_settle(job)
                run.critical = False
                await asyncio.sleep(decision.delay.total_seconds())
                job = self._again(job, job.retries + 1)
                continue
            if isinstance(decision, Requeue):
                crashes += 1
                if crashes < self.attempts.delivery_limit:
                    run.critical = False
                    await asyncio.sleep(CRASH_PAUSE_S)
                    job = self._again(job, job.retries)
                    continue
                job.decision = DeadLetter(f"crashed the worker {crashes} times: {decision.reason}")
            if isinstance(decision, Ack) and placement.version is not None:
                try:
                    await self.guard.record(placement.delivery_id, placement.key, placement.version)
                    self._remember(placement)
                except DeliveryFailed as exc:  # delivered, not remembered: deliver it again
                    log.warning("%s: %s; trying again", job.message_id, exc.reason)
                    run.critical = False
                    await asyncio.sleep(STATE_PAUSE_S)
                    job = self._again(job, job.retries)
                    continue
            await self._settle(run, job)
            return

    async def _superseded(self, run: _Run, job: Job, placement: Placement) -> bool:
        """Settle ``job`` as superseded if a newer snapshot of its key was delivered."""
        assert placement.version is not None
        cached = (placement.delivery_id, placement.key)
        while cached not in self._versions:
            try:
                self._versions[cached] = await self.guard.last(*cached)
            except DeliveryFailed as exc:
                log.warning("stale-write guard of %s: %s", self.queue, exc.reason)
                await asyncio.sleep(STATE_PAUSE_S)
                if self._stopped(run):
                    return True
        last = self._versions[cached]
        if last is None or placement.version >= last:
            return False
        # Nothing is sent, so the key's next message need not wait for the ack: if the ack
        # is lost, this message comes again after newer ones and is superseded again.
        run.settled = True
        run.released.set()
        run.critical = True
        job.envelope = run.envelope
        job.delivery_id = placement.delivery_id
        job.decision = Superseded(
            f"{placement.version_field} {_show(placement.version)} is older than "
            f"{_show(last)}, already delivered for key {placement.key}"
        )
        await self._settle(run, job)
        return True

    def _remember(self, placement: Placement) -> None:
        assert placement.version is not None
        if len(self._versions) >= VERSION_CACHE_MAX:
            self._versions.clear()  # read again from Redis, key by key
        cached = (placement.delivery_id, placement.key)
        known = self._versions.get(cached)
        if known is None or known < placement.version:
            self._versions[cached] = placement.version

    async def _settle(self, run: _Run, job: Job) -> None:
        """Settle, let the key's next message go, then the journey and metrics."""
        run.settled = await self.attempts.settle(job)
        run.released.set()
        if run.settled:
            await self.attempts.after_settle(job)

    @staticmethod
    def _again(job: Job, retries: int) -> Job:
        return Job(
            message=job.message,
            lane=job.lane,
            retries=retries,
            history=job.history,
        )

    # ------------------------------------------------------------ hand-over
    async def drain(self, timeout: float) -> None:
        """Hand the partition over: finish attempts in flight, give back everything else."""
        self.draining = True
        for run in list(self._runs):
            if not run.critical and run.task is not None:
                run.task.cancel()
        tasks = [r.task for r in self._runs if r.task is not None]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=timeout)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=2)
        channel, self._channel = self._channel, None
        if channel is not None and not channel.is_closed:
            with contextlib.suppress(Exception):
                await channel.close()


def _show(version: float) -> str:
    return str(int(version)) if version.is_integer() else f"{version:.6f}"
