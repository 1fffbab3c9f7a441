"""A document mapped to a canonical event (shared by the X12 and EDIFACT mappers)."""

from __future__ import annotations

import msgspec


class Mapped(msgspec.Struct, frozen=True, kw_only=True):
    """A set or message mapped to a canonical event: routing key and payload."""

    event_type: str
    payload: msgspec.Struct
