"""The aiormq adapter: publishes queued on aiormq's channel, written together once per
loop iteration.

aiormq's `basic_publish` marshals each message through pamqp, arms a timer, takes the
channel lock and hands one frame set per message to the connection's writer, which
makes one socket write of it. The gateway's publishes all go out on one channel, many
per loop iteration, so `Outbox` does the same work in bulk:

- frames are encoded by `omnihub.broker.frames.publish_frames` (byte for byte what
  pamqp writes);
- each publish gets the bookkeeping `basic_publish` does: the next delivery tag, a
  confirmation future in `channel.confirmations`, the message id for a returned
  (unroutable) message; so aiormq resolves confirms, nacks and returns as before;
- the frames of one iteration are joined and queued as one `ChannelFrame` at its end:
  one write for all of them, in delivery-tag order (the broker numbers publishes in the
  order it reads them). When the writer's queue is full, one task waits for room and
  takes whatever accumulated meanwhile, so the order holds.

This writes aiormq's channel state (`delivery_tag`, `confirmations`,
`message_id_delivery_tag`, `write_queue`), so it is used only when `use_outbox` says so:
an aiormq version it was written against (`KNOWN`), and ``OMNIHUB_FAST_PATHS`` allowing
it. Otherwise the publisher uses aio-pika's public `Exchange.publish`. Only the
`Publisher` publishes on its channel; nothing else may use `basic_publish` there.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

import aiormq
from aiormq.abc import ChannelFrame
from aiormq.exceptions import ChannelInvalidStateError

from omnihub.broker.frames import publish_frames
from omnihub.envelope import Envelope
from omnihub.fast_paths import fast_path

__all__ = ["KNOWN", "Outbox", "use_outbox"]

KNOWN = ("7.2.",)  # aiormq releases whose channel internals this module was written against


def _forget(channel: aiormq.Channel, message_id: str, tag: int, _: asyncio.Future[Any]) -> None:
    if channel.message_id_delivery_tag.get(message_id) == tag:
        channel.message_id_delivery_tag.pop(message_id)


_NEEDED = ("delivery_tag", "confirmations", "message_id_delivery_tag", "write_queue")


def use_outbox(channel: aiormq.Channel) -> bool:
    """Whether publishes on ``channel`` may go through `Outbox` (decided once per process,
    on the first channel, and logged once)."""
    return fast_path(
        "aiormq", "aiormq", KNOWN, usable=lambda: all(hasattr(channel, n) for n in _NEEDED)
    )


class Outbox:
    def __init__(self, channel: aiormq.Channel, exchange: str) -> None:
        self.channel = channel
        self._exchange = exchange
        self._pending: list[bytes] = []
        self._flush_scheduled = False
        self._putting: asyncio.Task[None] | None = None
        self._loop = asyncio.get_running_loop()

    def publish(self, envelope: Envelope, body: bytes) -> asyncio.Future[Any]:
        """Queue a mandatory publish of ``body``; the future resolves with the confirm."""
        channel = self.channel
        if channel.is_closed:
            raise ChannelInvalidStateError(f"{channel!r} closed")
        confirmation = channel.create_future()
        self._pending.append(
            publish_frames(
                channel.number,
                self._exchange,
                envelope.event,
                envelope,
                body,
                mandatory=True,
                max_body_frame=channel.max_content_size,
            )
        )
        channel.delivery_tag += 1
        tag = channel.delivery_tag
        channel.confirmations[tag] = confirmation
        channel.message_id_delivery_tag[envelope.id] = tag
        confirmation.add_done_callback(partial(_forget, channel, envelope.id, tag))
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self._loop.call_soon(self._flush)
        return confirmation

    def _take(self) -> ChannelFrame:
        payload = b"".join(self._pending)
        self._pending.clear()
        return ChannelFrame(payload=payload, should_close=False)

    def _flush(self) -> None:
        self._flush_scheduled = False
        if self._putting is not None or not self._pending:
            return  # the waiting task takes these too, after its own
        queue = self.channel.write_queue
        if not queue.full():
            queue.put_nowait(self._take())
            return
        self._putting = asyncio.create_task(self._put_when_room())

    async def _put_when_room(self) -> None:
        try:
            while self._pending:
                await self.channel.write_queue.put(self._take())
        finally:
            self._putting = None

    def close(self) -> None:
        """Stop waiting for room on a connection that is going away."""
        if self._putting is not None:
            self._putting.cancel()
        self._pending.clear()
