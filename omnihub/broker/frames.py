"""The AMQP 0-9-1 frames of one envelope's publish, encoded by hand.

Used by the aiormq adapter's `Outbox`. pamqp builds a publish from generic property
and field-table encoders; an envelope's message always has the same shape
(docs/envelope.md: content type, headers of three strings, persistent, message id,
timestamp, type, app id), so its frames are put together here from a few `struct`
calls, byte for byte what pamqp writes for the same properties
(`tests/omnihub/test_frames.py` holds them side by side).

Frame layout (AMQP 0-9-1 §4.2.3, §4.2.6): type octet, channel short, payload size
long, payload, 0xCE. Basic.Publish is class 60 method 40; the content header carries
class 60, weight 0, body size and the property flags, then the present properties in
flag order.
"""

from __future__ import annotations

import struct
from datetime import UTC

from omnihub.envelope import Envelope

__all__ = ["APP_ID", "CONTENT_TYPE", "envelope_headers", "publish_frames"]

CONTENT_TYPE = "application/json"
APP_ID = "omnihub"
PERSISTENT = 2

_FRAME_END = b"\xce"
_METHOD, _HEADER, _BODY = 1, 2, 3
# content-type, headers, delivery-mode, message-id, timestamp, type, app-id
_FLAGS = (1 << 15) | (1 << 13) | (1 << 12) | (1 << 7) | (1 << 6) | (1 << 5) | (1 << 3)
_frame_start = struct.Struct(">BHI").pack
_header_start = struct.Struct(">HHQH").pack
_long = struct.Struct(">I").pack
_longlong = struct.Struct(">Q").pack


def envelope_headers(envelope: Envelope) -> dict[str, str]:
    """The AMQP headers of an envelope's message."""
    return {
        "traceparent": envelope.traceparent,
        "x-omnihub-partner": envelope.partner,
        "x-omnihub-route": envelope.route,
    }


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
