"""Control numbers that never repeat: a caller-provided allocator protocol.

The production allocator (a Redis ``INCRBY`` per scope) lives outside ``transforms``;
this module defines the protocol, the scope names and an in-memory allocator for tests.
"""

from __future__ import annotations

from typing import Protocol

from transforms.edi.errors import EdiWriteError

MAX_CONTROL_NUMBER = 999_999_999
"""ISA13 and GS06 are at most 9 digits; numbering wraps to 1 after this."""


class ControlNumberAllocator(Protocol):
    """Reserves consecutive control numbers in a scope, atomically."""

    async def allocate(self, scope: str, count: int = 1) -> int:
        """Reserve ``count`` consecutive numbers in ``scope``; return the first.

        Implementations must be atomic across processes (e.g. Redis ``INCRBY``):
        two callers never get overlapping numbers.
        """
        ...


def control_number_scope(sender_id: str, receiver_id: str, level: str) -> str:
    """The allocator scope for ``level`` (``"isa"`` or ``"gs"``) of a partner pair."""
    return f"x12:{sender_id.strip()}:{receiver_id.strip()}:{level}"


def control_key(value: str) -> str:
    """A control number as compared: trimmed, and as a number when it is all digits
    (IEA02 ``3438`` names ISA13 ``000003438``; GE02 ``1`` names GS06 ``0001``)."""
    value = value.strip(" \u00a0")
    return str(int(value)) if value.isdigit() else value


def same_control_number(trailer: str, header: str) -> bool:
    """Whether a trailer's control number (IEA02, GE02, SE02) names its header's."""
    return control_key(trailer) == control_key(header)


def wrap(number: int) -> int:
    """A raw counter value mapped into 1..MAX_CONTROL_NUMBER."""
    return (number - 1) % MAX_CONTROL_NUMBER + 1


class InMemoryControlNumbers:
    """An allocator for tests and single-process tools: a counter per scope."""

    def __init__(self, start: dict[str, int] | None = None) -> None:
        self._last: dict[str, int] = dict(start or {})

    async def allocate(self, scope: str, count: int = 1) -> int:
        if count < 1:
            raise EdiWriteError(f"control numbers are allocated 1 or more at a time, not {count}")
        first = self._last.get(scope, 0) + 1
        self._last[scope] = first + count - 1
        return first
