"""Replay from the archive stream: every accepted event, kept for `archive_max_age`.

Reading starts at the stream chunk holding `start` (``x-stream-offset`` = timestamp, which
is chunk-granular, so earlier messages may come first) and filters precisely on the
envelope's `received_at` in ``[start, end)``, plus route, event type, partner, business
key and message id. Reading stops at the first message received after `end` + a grace
for publishes that raced, or when the stream has been idle for `idle_s`.

Replayed messages go straight to the lane queue of each chosen target (not through the
events exchange, so they are not archived twice), keep their message id — targets
de-duplicate — and carry ``x-omnihub-replay`` headers saying where from and who asked.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import msgspec
from aio_pika.abc import AbstractConnection, AbstractIncomingMessage

from omnihub.envelope import Envelope, decode_envelope
from omnihub.replay.sender import ReplayReport, ReplaySender

__all__ = ["ArchiveFilter", "read_archive", "replay_archive"]

RACE_GRACE = timedelta(seconds=5)


class ArchiveFilter(msgspec.Struct, kw_only=True, frozen=True):
    start: datetime
    end: datetime
    events: frozenset[str] = frozenset()  # empty: any
    routes: frozenset[str] = frozenset()
    partners: frozenset[str] = frozenset()
    business_key: str | None = None
    message_ids: frozenset[str] = frozenset()

    def matches(self, envelope: Envelope) -> bool:
        return (
            self.start <= envelope.received_at < self.end
            and (not self.events or envelope.event in self.events)
            and (not self.routes or envelope.route in self.routes)
            and (not self.partners or envelope.partner in self.partners)
            and (self.business_key is None or envelope.business_key == self.business_key)
            and (not self.message_ids or envelope.id in self.message_ids)
        )


async def read_archive(
    connection: AbstractConnection,
    stream: str,
    selection: ArchiveFilter,
    *,
    idle_s: float = 1.0,
) -> AsyncIterator[tuple[Envelope, AbstractIncomingMessage]]:
    """Yield (envelope, raw message) for each archived event the filter selects."""
    channel = await connection.channel()
    await channel.set_qos(prefetch_count=500)  # streams need a prefetch to be consumed
    queue = await channel.get_queue(stream, ensure=False)
    inbox: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()

    async def on_message(message: AbstractIncomingMessage) -> None:
        await inbox.put(message)

    tag = await queue.consume(on_message, arguments={"x-stream-offset": selection.start})
    try:
        while True:
            try:
                message = await asyncio.wait_for(inbox.get(), timeout=idle_s)
            except TimeoutError:
                return
            await message.ack()
            try:
                envelope = decode_envelope(message.body)
            except (msgspec.DecodeError, msgspec.ValidationError):
                continue  # not an envelope: nothing to replay
            if envelope.received_at >= selection.end + RACE_GRACE:
                return
            if selection.matches(envelope):
                yield envelope, message
    finally:
        with contextlib.suppress(Exception):
            await queue.cancel(tag)
        with contextlib.suppress(Exception):
            await channel.close()


async def replay_archive(
    sender: ReplaySender,
    connection: AbstractConnection,
    stream: str,
    selection: ArchiveFilter,
    *,
    targets: frozenset[str] = frozenset(),
    actor: str,
) -> ReplayReport:
    """Send every archived event `selection` picks to its targets (or only to `targets`)."""
    report = ReplayReport(source="archive", actor=actor)
    async for envelope, _ in read_archive(connection, stream, selection):
        chosen = sender.targets_for(envelope.event, targets)
        if chosen:
            await sender.send(envelope, chosen, report)
    return report
