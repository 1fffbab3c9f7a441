"""Which retention class an event belongs to, and the partition day of a message.

A class is a name from `policies/` (`journeys.classes`): its events and how long their
journeys are kept. Events of no class belong to `OTHER`, kept for `journeys.keep`.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

from omnihub.config.model import JourneyPolicy

__all__ = ["OTHER", "Retention", "day_of", "message_uuid"]

OTHER = "other"


class Retention:
    def __init__(self, policy: JourneyPolicy) -> None:
        self._patterns: list[tuple[str, bool, str]] = []  # (pattern, is_prefix, class)
        self._keep: dict[str, timedelta] = {OTHER: policy.keep}
        for name, cls in policy.classes.items():
            self._keep[name] = cls.keep
            for pattern in cls.events:
                self._patterns.append((pattern.rstrip("*"), pattern.endswith("*"), name))
        self._cache: dict[str, str] = {}

    @property
    def classes(self) -> dict[str, timedelta]:
        """Every class (with `OTHER`) and how long it is kept."""
        return dict(self._keep)

    def class_of(self, event: str) -> str:
        found = self._cache.get(event)
        if found is None:
            found = next(
                (
                    name
                    for text, prefix, name in self._patterns
                    if (event.startswith(text) if prefix else event == text)
                ),
                OTHER,
            )
            self._cache[event] = found
        return found

    def keep_of(self, cls: str) -> timedelta:
        return self._keep.get(cls, self._keep[OTHER])


_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def message_uuid(message_id: str) -> str | None:
    """The id in canonical UUID text (what the `uuid` columns take), or None when it is
    not a UUID (such a message is not stored). The hub's own ids pass without parsing."""
    if _CANONICAL.fullmatch(message_id):
        return message_id
    try:
        return str(uuid.UUID(message_id))
    except ValueError:
        return None


def day_of(message_id: str) -> date:
    """The partition day of a message (canonical text): the UTC day in its UUIDv7
    timestamp, so every row of a message lands in the same day, whichever process writes
    it and when. Ids of other versions, and text that only looks like a UUIDv7 (a trace id
    looked up as a message id has a 7 there one time in 16, its "timestamp" often past
    year 9999): today."""
    if message_id[14] == "7":
        days = int(message_id[:8] + message_id[9:13], 16) // _MS_PER_DAY
        found = _DAYS.get(days)
        if found is not None:
            return found
        try:
            found = _EPOCH + timedelta(days=days)
        except OverflowError:
            pass
        else:
            if len(_DAYS) < 4096:
                _DAYS[days] = found
            return found
    return datetime.now(UTC).date()


_MS_PER_DAY = 86_400_000
_EPOCH = date(1970, 1, 1)
_DAYS: dict[int, date] = {}  # days since the epoch: their date (a few per process)
