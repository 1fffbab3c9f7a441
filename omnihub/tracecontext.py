"""W3C Trace Context (``traceparent``): parse what a partner sends, or start a new trace."""

from __future__ import annotations

import random
import re

import msgspec

__all__ = ["TraceParent"]

_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


def _random_hex(bits: int) -> str:
    """Random ids for traces and spans: unique, not secret (W3C asks for randomness, not
    for a cryptographic source). `random`'s generator is seeded from the OS and seeded
    anew in a forked child, and it costs no system call (`os.urandom` does, twice per
    request)."""
    return f"{random.getrandbits(bits) or 1:0{bits // 4}x}"


class TraceParent(msgspec.Struct, frozen=True):
    trace_id: str  # 32 lower-case hex
    span_id: str  # 16 lower-case hex: the span that sends this header
    flags: str = "01"

    @classmethod
    def parse(cls, header: str | None) -> TraceParent | None:
        """The header's value, or None when absent or invalid (W3C: then start a new trace)."""
        if not header:
            return None
        m = _TRACEPARENT.match(header.strip().lower())
        if m is None or m.group(1) == "ff":
            return None
        trace_id, span_id = m.group(2), m.group(3)
        if trace_id == "0" * 32 or span_id == "0" * 16:
            return None
        return cls(trace_id=trace_id, span_id=span_id, flags=m.group(4))

    @classmethod
    def start(cls) -> TraceParent:
        return cls(trace_id=_random_hex(128), span_id=_random_hex(64))

    def child(self) -> TraceParent:
        """Same trace, a new span id (for the next hop)."""
        return TraceParent(trace_id=self.trace_id, span_id=_random_hex(64), flags=self.flags)

    def header(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"
