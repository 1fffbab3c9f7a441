"""A message's journey: every stage it went through, in order."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import msgspec

__all__ = ["Journey", "JourneyEntry", "JourneyMeta", "Stage"]


class Stage(StrEnum):
    RECEIVED = "received"  # the gateway accepted the request (route, partner, version)
    PUBLISHED = "published"  # the broker confirmed it
    ATTEMPT = "attempt"  # one delivery attempt to a target (status, latency, error)
    RETRIED = "retried"  # parked on a retry rung
    DEAD_LETTERED = "dead_lettered"  # moved to the target's DLQ
    DELIVERED = "delivered"  # the target confirmed
    REPLAYED = "replayed"  # sent again by an operator (from DLQ or archive)
    DISCARDED = "discarded"  # removed from a DLQ by an operator, with a reason
    SUPERSEDED = "superseded"  # a newer message of the same ordering key made it stale


class JourneyEntry(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    at: datetime
    stage: Stage
    target: str | None = None
    attempt: int | None = None
    status: int | None = None  # HTTP status from the target
    latency_ms: float | None = None
    error: str | None = None  # error class and short reason; never a credential
    actor: str | None = None  # who asked, for replays and discards
    detail: str | None = None


class JourneyMeta(msgspec.Struct, kw_only=True, frozen=True):
    """What identifies a message; written once, when it is received."""

    message_id: str
    partner: str
    route: str
    event: str
    trace_id: str
    business_key: str | None = None


class Journey(msgspec.Struct, kw_only=True, frozen=True):
    meta: JourneyMeta
    entries: list[JourneyEntry]

    @property
    def outcome(self) -> str:
        """The latest decisive stage, e.g. 'delivered' or 'dead_lettered'."""
        for entry in reversed(self.entries):
            if entry.stage is not Stage.ATTEMPT:
                return entry.stage.value
        return self.entries[-1].stage.value if self.entries else "unknown"
