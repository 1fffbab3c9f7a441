"""The attempt history a message carries in its AMQP headers, and the DLQ's headers.

Every attempt appends an ``AttemptRecord`` (time, outcome, status, error class, latency,
a short response excerpt with secrets stripped). The list travels as JSON in the header
``x-omnihub-attempts`` through the retry rungs and stays with the message in the dead-
letter queue; ``x-omnihub-retries`` counts the retries already spent (breaker probes
do not spend one). The envelope (the body) is never changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

import msgspec

__all__ = [
    "ATTEMPTS_HEADER",
    "DEAD_AT_HEADER",
    "DEAD_ERROR_HEADER",
    "DEAD_REASON_HEADER",
    "DELIVERY_HEADER",
    "LANE_HEADER",
    "MAX_HISTORY",
    "RETRIES_HEADER",
    "AttemptRecord",
    "Outcome",
    "decode_history",
    "encode_history",
    "read_retries",
]

ATTEMPTS_HEADER = "x-omnihub-attempts"  # JSON list of AttemptRecord
RETRIES_HEADER = "x-omnihub-retries"  # retries spent so far (int)
DELIVERY_HEADER = "x-omnihub-delivery"  # delivery id (DLQ: to replay through it)
LANE_HEADER = "x-omnihub-lane"  # lane the message came from (DLQ: where to replay to)
DEAD_REASON_HEADER = "x-omnihub-dead-reason"  # why it was dead-lettered, for people
DEAD_ERROR_HEADER = "x-omnihub-dead-error"  # error class of the last failure
DEAD_AT_HEADER = "x-omnihub-dead-at"  # RFC 3339 UTC

MAX_HISTORY = 32  # older entries (after the first) are dropped beyond this

Outcome = Literal["delivered", "skipped", "transient", "permanent", "crashed", "probe_failed"]


class AttemptRecord(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    n: int  # attempt number: 1 is the first try
    at: datetime  # when the attempt started (UTC)
    outcome: Outcome
    latency_ms: int = 0
    status: int | None = None  # HTTP status, when the target answered
    error: str | None = None  # error class, e.g. "TargetBusy"
    excerpt: str = ""  # short response excerpt or reason, secrets stripped
    reference: str | None = None  # what the target called the result, on success


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(list[AttemptRecord])


def encode_history(history: list[AttemptRecord]) -> str:
    """JSON for the header, keeping the first and the latest ``MAX_HISTORY - 1`` entries."""
    if len(history) > MAX_HISTORY:
        history = [history[0], *history[-(MAX_HISTORY - 1) :]]
    return _encoder.encode(history).decode()


def decode_history(headers: Mapping[str, Any]) -> list[AttemptRecord]:
    """The history in ``headers``; an absent or unreadable one is an empty history."""
    raw = headers.get(ATTEMPTS_HEADER)
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    if not isinstance(raw, str):
        return []
    try:
        return _decoder.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return []


def read_retries(headers: Mapping[str, Any]) -> int:
    value = headers.get(RETRIES_HEADER)
    return value if isinstance(value, int) and value >= 0 else 0
