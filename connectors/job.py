"""One message being handled, and what to do with it once the attempt is over.

A ``Job`` holds the per-message state that middleware read and write (middleware
instances themselves hold none). A ``Decision`` says where the message goes next; the
``Settler`` carries it out.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import msgspec
from aio_pika.abc import AbstractIncomingMessage

from connectors.outcome import Delivered, DeliveryFailed
from omnihub.config.model import Delivery, Lane
from omnihub.envelope import Envelope
from omnihub.history import AttemptRecord, decode_history, read_retries
from omnihub.telemetry import SpanScope

__all__ = [
    "Ack",
    "DeadLetter",
    "Decision",
    "Job",
    "Requeue",
    "Retry",
    "ReturnToLane",
    "Superseded",
]


class Ack(msgspec.Struct, frozen=True, tag=True):
    """Done: delivered, or nothing to deliver."""


class Retry(msgspec.Struct, frozen=True, tag=True):
    """Wait ``delay`` in retry rung ``rung``, then back to the lane queue."""

    delay: timedelta
    rung: int


class DeadLetter(msgspec.Struct, frozen=True, tag=True):
    """Park in the target's DLQ with ``reason``."""

    reason: str


class Requeue(msgspec.Struct, frozen=True, tag=True):
    """Give back to the broker (nack + requeue): the queue's delivery limit counts these."""

    reason: str


class ReturnToLane(msgspec.Struct, frozen=True, tag=True):
    """Back to the tail of the lane queue without spending a retry (a failed probe)."""

    reason: str


class Superseded(msgspec.Struct, frozen=True, tag=True):
    """Not delivered: a newer snapshot of its ordering key was delivered already (ack)."""

    reason: str


Decision = Ack | Retry | DeadLetter | Requeue | ReturnToLane | Superseded


@dataclass(slots=True, eq=False)
class Job:
    message: AbstractIncomingMessage
    lane: Lane
    probe: bool = False  # a circuit-breaker probe
    envelope: Envelope | None = None
    delivery_id: str | None = None
    delivery: Delivery | None = None
    retries: int = 0  # retries already spent before this attempt
    history: list[AttemptRecord] = field(default_factory=list)
    traceparent: str | None = None  # of this attempt (a child of the envelope's)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    started: float = field(default_factory=time.monotonic)
    delivered: Delivered | None = None
    failure: DeliveryFailed | None = None
    crash: BaseException | None = None  # an unexpected error: a bug, not the target
    decision: Decision | None = None
    span: contextlib.ExitStack | None = None  # the attempt's span, open until after_attempt
    span_scope: SpanScope | None = None

    @classmethod
    def from_message(cls, message: AbstractIncomingMessage, lane: Lane, *, probe: bool) -> Job:
        headers = message.headers or {}
        return cls(
            message=message,
            lane=lane,
            probe=probe,
            retries=read_retries(headers),
            history=decode_history(headers),
        )

    @property
    def attempt(self) -> int:
        """This attempt's number: 1 for the first try."""
        return self.retries + 1

    @property
    def message_id(self) -> str:
        if self.envelope is not None:
            return self.envelope.id
        return self.message.message_id or "?"
