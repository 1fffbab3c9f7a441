"""Bodies and query filters of the admin API, decoded into the replay package's filters."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

import msgspec

from gateway.edge.problems import ProblemError
from omnihub.replay import ArchiveFilter
from omnihub.replay.dlq import DeadLetterFilter

__all__ = [
    "ArchiveReplayRequest",
    "DeadLetterDiscard",
    "DeadLetterSelection",
    "decode_body",
]

T = TypeVar("T")


class DeadLetterSelection(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Which dead letters: by id, by filter, or `all: true` for the whole queue."""

    message_ids: list[str] = []
    routes: list[str] = []
    partners: list[str] = []
    errors: list[str] = []  # error classes, e.g. RejectedByTarget
    since: datetime | None = None  # dead-lettered at or after
    until: datetime | None = None  # dead-lettered before
    all: bool = False

    def to_filter(self) -> DeadLetterFilter:
        narrowed = any((self.message_ids, self.routes, self.partners, self.errors)) or any(
            t is not None for t in (self.since, self.until)
        )
        if not narrowed and not self.all:
            raise ProblemError(
                400,
                "say which dead letters: message_ids, a filter (routes, partners, errors, "
                'since, until), or "all": true for every message in the queue',
                kind="selection-missing",
            )
        return DeadLetterFilter(
            message_ids=frozenset(self.message_ids),
            routes=frozenset(self.routes),
            partners=frozenset(self.partners),
            errors=frozenset(self.errors),
            since=self.since,
            until=self.until,
        )


class DeadLetterDiscard(DeadLetterSelection, kw_only=True, frozen=True):
    reason: str = ""

    def checked_reason(self) -> str:
        if not self.reason.strip():
            raise ProblemError(
                400,
                "a discard needs a reason: say why these messages are dropped for good",
                kind="reason-missing",
            )
        return self.reason.strip()


class ArchiveReplayRequest(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    start: datetime
    end: datetime
    events: list[str] = []
    routes: list[str] = []
    partners: list[str] = []
    business_key: str | None = None
    targets: list[str] = []  # empty: every target subscribed to each event

    def to_filter(self) -> ArchiveFilter:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ProblemError(
                400,
                "give start and end with a time zone, e.g. 2026-11-23T10:00:00Z",
                kind="invalid-time-range",
            )
        if self.end <= self.start:
            raise ProblemError(400, "end must be after start", kind="invalid-time-range")
        return ArchiveFilter(
            start=self.start,
            end=self.end,
            events=frozenset(self.events),
            routes=frozenset(self.routes),
            partners=frozenset(self.partners),
            business_key=self.business_key,
        )


def decode_body(body: bytes, kind: type[T]) -> T:
    try:
        return msgspec.json.decode(body or b"{}", type=kind)
    except msgspec.ValidationError as exc:
        raise ProblemError(
            400, f"the request body is not valid: {exc}", kind="invalid-body"
        ) from None
    except msgspec.DecodeError as exc:
        raise ProblemError(
            400, f"the body is not valid JSON: {exc}", kind="malformed-json"
        ) from None
    except RecursionError:
        raise ProblemError(
            400, "the body is nested too deeply to read", kind="malformed-json"
        ) from None
