"""A document mapped to a canonical event (shared by the X12 and EDIFACT mappers)."""

from __future__ import annotations

import msgspec


class Mapped(msgspec.Struct, frozen=True, kw_only=True):
    """A set or message mapped to a canonical event: routing key and payload.

    ``placed`` holds the positions (within the set / message) of the item-level
    segments the payload carries (see :mod:`transforms.edi.coverage`); ``None`` means
    the mapper does not say, which for a document type with item segments counts as
    placing none of them.
    """

    event_type: str
    payload: msgspec.Struct
    placed: frozenset[int] | None = None
