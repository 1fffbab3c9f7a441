"""A message's journey: every stage it went through, ordered by time.

Entries are written by several processes (the gateway's batched background write, each
worker, the replay tools) and may arrive in any order. A `Journey` therefore orders its
timeline by time itself, and derives its outcome by precedence (`outcome_of`), so a
delivered message never reads as "published" because the gateway's write landed last.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

import msgspec

__all__ = ["PRECEDENCE", "Journey", "JourneyEntry", "JourneyMeta", "Stage", "ordered", "outcome_of"]


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


# Which stage wins when two are equally recent (or clocks disagree). The gateway's own
# stages (received, published) only tell the outcome while nothing happened after them.
_EDGE = frozenset({Stage.RECEIVED, Stage.PUBLISHED})
PRECEDENCE: dict[Stage, int] = {
    Stage.RECEIVED: 0,
    Stage.PUBLISHED: 1,
    Stage.ATTEMPT: 2,
    Stage.REPLAYED: 3,
    Stage.RETRIED: 4,
    Stage.DEAD_LETTERED: 5,
    Stage.DISCARDED: 6,
    Stage.SUPERSEDED: 7,
    Stage.DELIVERED: 8,
}


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


def _time_key(entry: JourneyEntry) -> tuple[datetime, int]:
    return entry.at, PRECEDENCE[entry.stage]


def ordered(entries: Iterable[JourneyEntry]) -> list[JourneyEntry]:
    """The timeline: by time, then (same instant) in the order the stages happen."""
    return sorted(entries, key=_time_key)


def outcome_of(entries: Iterable[JourneyEntry]) -> str:
    """The decisive stage: the latest one after the edge's (attempts are not decisive);
    ties go to the stage of higher precedence (delivered beats retried beats replayed).
    Received/published count only when no later stage exists, whatever the clocks say."""
    timeline = list(entries)
    decisive = [e for e in timeline if e.stage is not Stage.ATTEMPT]
    if not decisive:
        return Stage.ATTEMPT.value if timeline else "unknown"
    best = max(decisive, key=lambda e: (e.stage not in _EDGE, *_time_key(e)))
    return best.stage.value


class Journey(msgspec.Struct, kw_only=True, frozen=True):
    meta: JourneyMeta
    entries: list[JourneyEntry]

    def __post_init__(self) -> None:
        self.entries.sort(key=_time_key)

    @property
    def outcome(self) -> str:
        return outcome_of(self.entries)
