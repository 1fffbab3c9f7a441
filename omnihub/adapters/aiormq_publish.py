"""The aiormq adapter: publishes queued on aiormq's channel, written together once per
loop iteration.

aiormq's `basic_publish` marshals each message through pamqp, arms a timer, takes the
channel lock and hands one frame set per message to the connection's writer, which
makes one socket write of it. The gateway's publishes all go out on one channel, many
per loop iteration, so `Outbox` does the same work in bulk:

- frames are encoded here by `publish_frames`, byte for byte what pamqp writes
  (`tests/omnihub/test_frames.py` holds them side by side): pamqp builds a publish from
  generic property and field-table encoders, but an envelope's message always has the
  same shape (docs/envelope.md: content type, headers of three strings, persistent,
  message id, timestamp, type, app id), so a few `struct` calls put it together. Frame
  layout (AMQP 0-9-1 §4.2.3, §4.2.6): type octet, channel short, payload size long,
  payload, 0xCE; Basic.Publish is class 60 method 40; the content header carries class
  60, weight 0, body size and the property flags, then the present properties in flag
  order. The message's headers and constant properties are the envelope's
  (`omnihub/envelope.py`), the public path's too;
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
import struct
from datetime import UTC
from functools import partial
from typing import Any

import aiormq
from aiormq.abc import ChannelFrame
from aiormq.exceptions import ChannelInvalidStateError

from omnihub.envelope import APP_ID, CONTENT_TYPE, Envelope, envelope_headers
from omnihub.fast_paths import fast_path

__all__ = [
    "KNOWN",
    "Outbox",
    "publish_frames",
    "use_outbox",
]


PERSISTENT = 2

_FRAME_END = b"\xce"
_METHOD, _HEADER, _BODY = 1, 2, 3
# content-type, headers, delivery-mode, message-id, timestamp, type, app-id
_FLAGS = (1 << 15) | (1 << 13) | (1 << 12) | (1 << 7) | (1 << 6) | (1 << 5) | (1 << 3)
_frame_start = struct.Struct(">BHI").pack
_header_start = struct.Struct(">HHQH").pack
_long = struct.Struct(">I").pack
_longlong = struct.Struct(">Q").pack


def _shortstr(value: str) -> bytes:
    raw = value.encode()
    if len(raw) > 255:
        raise ValueError(f"an AMQP short string holds at most 255 bytes, not {len(raw)}")
    return bytes((len(raw),)) + raw


def _table(headers: dict[str, str]) -> bytes:
    """A field table of long strings ('S')."""
    parts: list[bytes] = []
    for key, value in headers.items():
        raw = value.encode()
        parts += (_shortstr(key), b"S", _long(len(raw)), raw)
    items = b"".join(parts)
    return _long(len(items)) + items


def publish_frames(
    channel: int,
    exchange: str,
    routing_key: str,
    envelope: Envelope,
    body: bytes,
    *,
    mandatory: bool,
    max_body_frame: int,
) -> bytes:
    """Method, content header and body frames of publishing ``body`` for ``envelope``."""
    method = (
        b"\x00\x3c\x00\x28\x00\x00"  # class 60, method 40, reserved short
        + _shortstr(exchange)
        + _shortstr(routing_key)
        + (b"\x01" if mandatory else b"\x00")
    )
    header = b"".join(
        (
            _header_start(60, 0, len(body), _FLAGS),
            _shortstr(CONTENT_TYPE),
            _table(envelope_headers(envelope)),
            bytes((PERSISTENT,)),
            _shortstr(envelope.id),
            _longlong(int(envelope.received_at.astimezone(UTC).timestamp())),
            _shortstr(envelope.event),
            _shortstr(APP_ID),
        )
    )
    parts = [
        _frame_start(_METHOD, channel, len(method)),
        method,
        _FRAME_END,
        _frame_start(_HEADER, channel, len(header)),
        header,
        _FRAME_END,
    ]
    for start in range(0, len(body), max_body_frame):
        chunk = body[start : start + max_body_frame]
        parts += (_frame_start(_BODY, channel, len(chunk)), chunk, _FRAME_END)
    return b"".join(parts)


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
