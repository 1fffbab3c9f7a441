"""Time-ordered message ids (UUIDv7, RFC 9562 §5.7)."""

from __future__ import annotations

import random
import time
import uuid

__all__ = ["new_message_id", "uuid7"]


def _uuid7_int(unix_ms: int | None) -> int:
    ms = time.time_ns() // 1_000_000 if unix_ms is None else unix_ms
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
    h = f"{_uuid7_int(None):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
