"""The envelope: the one message shape carried on the broker.

Wire encoding (see docs/envelope.md): the AMQP body is the envelope as JSON (msgspec),
``content_type=application/json``; AMQP properties repeat what brokers and tools look at
without parsing the body: ``message_id`` = envelope id, ``type`` = event type,
``timestamp``, ``delivery_mode=2`` (persistent), ``app_id=omnihub``, and the headers
``traceparent``, ``x-omnihub-partner``, ``x-omnihub-route``.

Message ids are time-ordered UUIDv7 (RFC 9562 §5.7): `new_message_id`, `uuid7`; the
gateway derives the ids of a request with an Idempotency-Key (`message_id_at`: its random
bits from the request, its time from the first attempt), so a retry gets the same ids.
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import datetime
from typing import Any

import msgspec

__all__ = [
    "APP_ID",
    "CONTENT_TYPE",
    "ENVELOPE_VERSION",
    "Envelope",
    "decode_envelope",
    "encode_envelope",
    "envelope_headers",
    "message_id_at",
    "new_message_id",
    "uuid7",
]


def _uuid7_int(unix_ms: int | None, rand: int | None = None) -> int:
    ms = time.time_ns() // 1_000_000 if unix_ms is None else unix_ms
    if rand is None:
        rand = random.getrandbits(74)  # seeded from the OS, anew in a forked child
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # RFC 9562 variant
    value |= rand & ((1 << 62) - 1)  # rand_b, 62 bits
    return value


def uuid7(unix_ms: int | None = None) -> uuid.UUID:
    """A UUIDv7: 48-bit Unix milliseconds, version and variant bits, 74 random bits."""
    return uuid.UUID(int=_uuid7_int(unix_ms))


def new_message_id() -> str:
    """A UUIDv7 in its canonical text form, formatted directly from its integer (no
    `uuid.UUID` object in between: one is made per message)."""
    return _text(_uuid7_int(None))


def message_id_at(unix_ms: int, rand: int) -> str:
    """The UUIDv7 of a given millisecond and 74 given bits (the low 74 of ``rand``), in
    canonical text: the same arguments, the same id."""
    return _text(_uuid7_int(unix_ms, rand & ((1 << 74) - 1)))


def _text(value: int) -> str:
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


ENVELOPE_VERSION = 1
CONTENT_TYPE = "application/json"  # the AMQP properties every envelope's message carries
APP_ID = "omnihub"


class Envelope(msgspec.Struct, kw_only=True, frozen=True):
    """An accepted event and everything needed to deliver, trace and replay it."""

    id: str  # UUIDv7, time-ordered; also the idempotency key towards targets
    event: str  # routing key, e.g. "order.created"
    route: str  # route id from routes.yaml
    partner: str  # partner id from policies/
    api_version: str  # "v1", "v2", ...
    occurred_at: datetime  # when the business event happened (UTC)
    received_at: datetime  # when the gateway accepted it (UTC)
    traceparent: str  # W3C trace context of the span that published it
    idempotency_key: str | None = None  # the partner's Idempotency-Key, if any
    scopes: tuple[str, ...] = ()  # the partner's scopes at the time (never credentials)
    business_key: str | None = None  # e.g. the order number, for finding the message
    payload: Any  # the canonical payload (JSON object)
    v: int = ENVELOPE_VERSION  # envelope schema version

    @property
    def trace_id(self) -> str:
        return self.traceparent.split("-")[1]


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Envelope)


def encode_envelope(envelope: Envelope) -> bytes:
    return _encoder.encode(envelope)


def decode_envelope(body: bytes) -> Envelope:
    """Decode a broker body; raises msgspec.ValidationError / DecodeError on bad input."""
    return _decoder.decode(body)


def envelope_headers(envelope: Envelope) -> dict[str, str]:
    """The AMQP headers of an envelope's message."""
    return {
        "traceparent": envelope.traceparent,
        "x-omnihub-partner": envelope.partner,
        "x-omnihub-route": envelope.route,
    }
