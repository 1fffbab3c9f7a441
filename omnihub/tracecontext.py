"""W3C Trace Context (``traceparent``): parse what a partner sends, or start a new trace."""

from __future__ import annotations

import os
import re

import msgspec

__all__ = ["TraceParent"]

_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


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
        return cls(trace_id=os.urandom(16).hex(), span_id=os.urandom(8).hex())

    def child(self) -> TraceParent:
        """Same trace, a new span id (for the next hop)."""
        return TraceParent(trace_id=self.trace_id, span_id=os.urandom(8).hex(), flags=self.flags)

    def header(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"
