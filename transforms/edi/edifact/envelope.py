"""Typed EDIFACT envelopes: interchange (UNB/UNZ), group (UNG/UNE), message (UNH/UNT)."""

from __future__ import annotations

import msgspec

from transforms.edi.edifact.syntax import Delimiters, EdifactSegment


class InterchangeHeader(msgspec.Struct, frozen=True, kw_only=True):
    """What the UNB says."""

    syntax_id: str
    syntax_version: str
    sender_id: str
    sender_qualifier: str
    recipient_id: str
    recipient_qualifier: str
    date: str
    time: str
    control_reference: str
    ack_requested: str
    test_indicator: str
    delimiters: Delimiters
    una_present: bool

    @classmethod
    def from_segment(
        cls, unb: EdifactSegment, delimiters: Delimiters, una_present: bool
    ) -> InterchangeHeader:
        return cls(
            syntax_id=unb.get(1, 1),
            syntax_version=unb.get(1, 2),
            sender_id=unb.get(2, 1),
            sender_qualifier=unb.get(2, 2),
            recipient_id=unb.get(3, 1),
            recipient_qualifier=unb.get(3, 2),
            date=unb.get(4, 1),
            time=unb.get(4, 2),
            control_reference=unb.get(5),
            ack_requested=unb.get(9),
            test_indicator=unb.get(11),
            delimiters=delimiters,
            una_present=una_present,
        )


class MessageHeader(msgspec.Struct, frozen=True, kw_only=True):
    """What the UNH says: reference and message identifier (S009)."""

    reference: str
    message_type: str
    version: str
    release: str
    agency: str
    association_code: str

    @classmethod
    def from_segment(cls, unh: EdifactSegment) -> MessageHeader:
        return cls(
            reference=unh.get(1),
            message_type=unh.get(2, 1),
            version=unh.get(2, 2),
            release=unh.get(2, 3),
            agency=unh.get(2, 4),
            association_code=unh.get(2, 5),
        )

    @property
    def directory(self) -> str:
        """``D:96A``-style version and release."""
        return f"{self.version}:{self.release}"


class Message(msgspec.Struct, frozen=True, kw_only=True):
    """One UNH..UNT message; ``segments`` include UNH and UNT (when present)."""

    header: MessageHeader
    segments: tuple[EdifactSegment, ...]
    delimiters: Delimiters
    group_reference: str = ""

    @property
    def body(self) -> tuple[EdifactSegment, ...]:
        end = len(self.segments) - 1 if self.segments[-1].tag == "UNT" else len(self.segments)
        return self.segments[1:end]

    def position_of(self, segment: EdifactSegment) -> int:
        """1-based position in the message (UNH = 1)."""
        return segment.index - self.segments[0].index + 1
