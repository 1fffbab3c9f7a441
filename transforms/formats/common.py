"""Field types the partner formats share: decimals as partners send them, their clocks."""

from __future__ import annotations

from typing import Annotated

import msgspec

__all__ = ["Amount", "DecimalText", "Id", "LocalDateTime", "Timestamp"]

DecimalText = Annotated[str, msgspec.Meta(pattern=r"^-?[0-9]+(\.[0-9]+)?$")]
# An amount or quantity as a partner sends it: a decimal string ("19.99") or a JSON number.
Amount = DecimalText | int | float
Id = Annotated[str, msgspec.Meta(min_length=1, max_length=128, pattern=r"^\S(.*\S)?$")]
# "2026-11-23 09:15:00": a wall-clock time without a zone (the route's pipeline names it).
LocalDateTime = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}$")]
# RFC 3339 with an offset: "2026-11-22T16:00:00-08:00".
Timestamp = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"
    ),
]
