"""Operate a target's dead-letter queue: list, show, replay, discard.

A DLQ is a quorum queue; reading it means consuming its messages (with a prefetch of its
depth) on a channel of our own and, for those we do not act on, letting them go back when
the channel closes (unacked messages return to the queue). Acting on one:
- replay: publish it again (same body and message id, with publisher confirms) to the
  lane queue it came from, retry count reset, history kept; only then ack it in the DLQ;
- discard: ack it, after recording who discarded it and why in its journey.
So a replay or a discard that fails half-way leaves the message in the DLQ.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import aio_pika
import msgspec
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractIncomingMessage

from omnihub.broker.errors import map_broker_errors
from omnihub.config.model import Lane
from omnihub.envelope import Envelope, decode_envelope
from omnihub.history import (
    DEAD_AT_HEADER,
    DEAD_ERROR_HEADER,
    DEAD_REASON_HEADER,
    LANE_HEADER,
    RETRIES_HEADER,
    AttemptRecord,
    decode_history,
)
from omnihub.journey import JourneyEntry, JourneyRecorder, Stage
from omnihub.naming import Names
from omnihub.replay.sender import ReplayReport

__all__ = ["DeadLetter", "DeadLetterFilter", "DeadLetterQueue", "QueueDepth"]

BROWSE_LIMIT = 10_000  # messages read per operation at most
TAKE_IDLE_S = 1.0  # reading stops when no message arrived for this long
SETTLE_S = 5.0  # at most this long for what a read returned to show in the queue again
SETTLE_POLL_S = 0.02


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else None


class DeadLetter(msgspec.Struct, kw_only=True, frozen=True):
    """One parked message, as an operator (or the admin API) sees it."""

    message_id: str
    target: str
    event: str
    route: str
    partner: str
    received_at: datetime
    dead_at: datetime | None
    error: str | None
    reason: str | None
    lane: str
    attempts: list[AttemptRecord]
    business_key: str | None = None


class DeadLetterFilter(msgspec.Struct, kw_only=True, frozen=True):
    message_ids: frozenset[str] = frozenset()
    routes: frozenset[str] = frozenset()
    partners: frozenset[str] = frozenset()
    errors: frozenset[str] = frozenset()  # error classes, e.g. RejectedByTarget
    since: datetime | None = None  # dead-lettered at or after
    until: datetime | None = None  # dead-lettered before

    def matches(self, item: DeadLetter) -> bool:
        dead_at = item.dead_at or item.received_at
        return (
            (not self.message_ids or item.message_id in self.message_ids)
            and (not self.routes or item.route in self.routes)
            and (not self.partners or item.partner in self.partners)
            and (not self.errors or (item.error or "") in self.errors)
            and (self.since is None or dead_at >= self.since)
            and (self.until is None or dead_at < self.until)
        )


def _dead_letter(target: str, envelope: Envelope, message: AbstractIncomingMessage) -> DeadLetter:
    headers = message.headers or {}
    dead_at_text = _text(headers.get(DEAD_AT_HEADER))
    dead_at = datetime.fromisoformat(dead_at_text) if dead_at_text else None
    reason = _text(headers.get(DEAD_REASON_HEADER))
    error = _text(headers.get(DEAD_ERROR_HEADER))
    if reason is None and headers.get("x-death"):
        reason, error = "parked by the delivery limit (poison guard)", "DeliveryLimit"
    return DeadLetter(
        message_id=envelope.id,
        target=target,
        event=envelope.event,
        route=envelope.route,
        partner=envelope.partner,
        received_at=envelope.received_at,
        dead_at=dead_at,
        error=error,
        reason=reason,
        lane=_text(headers.get(LANE_HEADER)) or Lane.PRIORITY.value,
        attempts=decode_history(headers),
        business_key=envelope.business_key,
    )


class QueueDepth(msgspec.Struct, kw_only=True, frozen=True):
    messages: int  # ready to be read
    consumers: int  # readers now (a browse, a replay, a discard in progress)


_Taken = tuple[DeadLetter, AbstractIncomingMessage]


class DeadLetterQueue:
    def __init__(
        self,
        connection: AbstractConnection,
        names: Names,
        target: str,
        *,
        journeys: JourneyRecorder | None = None,
    ) -> None:
        self._connection = connection
        self._names = names
        self.target = target
        self.name = names.dead_letter_queue(target)
        self._journeys = journeys

    @contextlib.asynccontextmanager
    async def _session(
        self,
    ) -> AsyncIterator[tuple[AbstractChannel, list[tuple[DeadLetter, AbstractIncomingMessage]]]]:
        """Take (up to BROWSE_LIMIT) messages; whatever is not acked returns on exit.

        The broker puts what a closed channel held back into a quorum queue after it
        confirmed the close, and counts it only then: a read right after this one (the
        discard after its listing, the next command) would find those messages missing.
        So the exit waits, up to SETTLE_S, until the queue counts them again."""
        async with map_broker_errors(f"reading the dead-letter queue of {self.target}"):
            channel = await self._connection.channel(publisher_confirms=True)
            counted, messages = 0, list[AbstractIncomingMessage]()
            try:
                taken: list[_Taken] = []
                counted, messages = await self._take(channel)
                for message in messages:
                    try:
                        envelope = decode_envelope(message.body)
                    except (msgspec.DecodeError, msgspec.ValidationError):
                        continue  # not an envelope: left in place for a person to look at
                    taken.append((_dead_letter(self.target, envelope, message), message))
                yield channel, taken
            finally:
                with contextlib.suppress(Exception):
                    await channel.close()  # returns every message not acked
                acked = sum(1 for m in messages if m.processed)
                if acked < len(messages):
                    with contextlib.suppress(Exception):  # best effort: a broken connection
                        await self._settled(counted - acked)

    async def _settled(self, at_least: int) -> None:
        """Wait (up to SETTLE_S) until the queue counts ``at_least`` messages."""
        deadline = asyncio.get_running_loop().time() + SETTLE_S
        while (await self.depth()).messages < at_least:
            if asyncio.get_running_loop().time() >= deadline:
                return
            await asyncio.sleep(SETTLE_POLL_S)

    async def depth(self) -> QueueDepth:
        """The messages the queue holds now and its consumers, as the broker counts them
        (a passive declare; messages a consumer holds unacked are not counted)."""
        async with map_broker_errors(f"counting the dead-letter queue of {self.target}"):
            channel = await self._connection.channel()
            try:
                queue = await channel.declare_queue(self.name, passive=True)
                result = queue.declaration_result
                return QueueDepth(
                    messages=int(result.message_count or 0),
                    consumers=int(result.consumer_count or 0),
                )
            finally:
                with contextlib.suppress(Exception):
                    await channel.close()

    async def _take(self, channel: AbstractChannel) -> tuple[int, list[AbstractIncomingMessage]]:
        """How many messages the queue counted, and those messages (up to BROWSE_LIMIT),
        unacked: consumed with a prefetch of that many rather than one ``basic.get``
        round trip each (measured: 1,000 dead letters took over 30 s one by one on a
        loaded machine)."""
        queue = await channel.declare_queue(self.name, passive=True)
        counted = queue.declaration_result.message_count or 0
        wanted = min(BROWSE_LIMIT, counted)
        if wanted == 0:
            return 0, []
        await channel.set_qos(prefetch_count=wanted)
        inbox: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        tag = await queue.consume(inbox.put, no_ack=False)
        taken: list[AbstractIncomingMessage] = []
        try:
            while len(taken) < wanted:
                try:  # fewer arrive when another reader holds some: stop once idle
                    taken.append(await asyncio.wait_for(inbox.get(), timeout=TAKE_IDLE_S))
                except TimeoutError:
                    break
        finally:
            await queue.cancel(tag)
        return counted, taken

    async def browse(self, selection: DeadLetterFilter | None = None) -> list[DeadLetter]:
        selection = selection or DeadLetterFilter()
        async with self._session() as (_, taken):
            return [item for item, _ in taken if selection.matches(item)]

    async def show(self, message_id: str) -> DeadLetter | None:
        found = await self.browse(DeadLetterFilter(message_ids=frozenset({message_id})))
        return found[0] if found else None

    async def inspect(self, message_id: str) -> tuple[DeadLetter, Envelope] | None:
        """One parked message with its whole envelope (the payload included)."""
        async with self._session() as (_, taken):
            for item, message in taken:
                if item.message_id == message_id:
                    return item, decode_envelope(message.body)
        return None

    async def _act(
        self,
        selection: DeadLetterFilter,
        action: Callable[[AbstractChannel, DeadLetter, AbstractIncomingMessage], Awaitable[None]],
    ) -> list[DeadLetter]:
        done: list[DeadLetter] = []
        async with self._session() as (channel, taken):
            for item, message in taken:
                if selection.matches(item):
                    await action(channel, item, message)
                    await message.ack()
                    done.append(item)
        return done

    async def replay(self, selection: DeadLetterFilter, *, actor: str) -> ReplayReport:
        """Send the selected messages back to their lane queue (same message id)."""
        report = ReplayReport(source=f"dlq:{self.target}", actor=actor)
        now = datetime.now(UTC)

        async def send(
            channel: AbstractChannel, item: DeadLetter, message: AbstractIncomingMessage
        ) -> None:
            headers = dict(message.headers or {})
            for key in (DEAD_REASON_HEADER, DEAD_ERROR_HEADER, DEAD_AT_HEADER, "x-death"):
                headers.pop(key, None)
            headers[RETRIES_HEADER] = 0
            headers.update(
                {
                    "x-omnihub-replay-source": report.source,
                    "x-omnihub-replay-actor": actor,
                    "x-omnihub-replay-at": now.isoformat(),
                }
            )
            again = aio_pika.Message(
                message.body,
                headers=headers,
                content_type=message.content_type,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=message.message_id,
                type=message.type,
                timestamp=message.timestamp,
                app_id=message.app_id,
            )
            self._record(item, Stage.REPLAYED, now, actor, f"from {report.source}")
            lane = Lane(item.lane) if item.lane in {m.value for m in Lane} else Lane.PRIORITY
            async with map_broker_errors(f"replaying {item.message_id}"):
                await channel.default_exchange.publish(
                    again, routing_key=self._names.target_queue(self.target, lane), mandatory=True
                )
            report.replayed[self.target] = report.replayed.get(self.target, 0) + 1
            report.message_ids.append(item.message_id)

        await self._act(selection, send)
        return report

    async def discard(
        self, selection: DeadLetterFilter, *, actor: str, reason: str
    ) -> list[DeadLetter]:
        """Remove the selected messages for good, recording who and why in their journeys."""
        if not reason.strip():
            raise ValueError("a discard needs a reason")
        now = datetime.now(UTC)

        async def record(_: AbstractChannel, item: DeadLetter, __: AbstractIncomingMessage) -> None:
            self._record(item, Stage.DISCARDED, now, actor, reason)

        return await self._act(selection, record)

    def _record(
        self, item: DeadLetter, stage: Stage, at: datetime, actor: str, detail: str
    ) -> None:
        """One entry in the message's journey (buffered by the store, written shortly)."""
        if self._journeys is not None:
            entry = JourneyEntry(at=at, stage=stage, target=self.target, actor=actor, detail=detail)
            self._journeys.record(item.message_id, item.event, [entry])
