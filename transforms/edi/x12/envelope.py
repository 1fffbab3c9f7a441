"""Typed X12 envelopes: interchange (ISA/IEA), functional group (GS/GE), set (ST/SE)."""

from __future__ import annotations

import msgspec

from transforms.edi.findings import Finding
from transforms.edi.x12.segments import Segment, Separators

_PAD = " \u00a0"


def _field(segment: Segment, number: int) -> str:
    """An envelope element with its padding (spaces or no-break spaces) removed."""
    return segment.el(number).strip(_PAD)


class InterchangeHeader(msgspec.Struct, frozen=True, kw_only=True):
    """What the ISA says. ``isa_length`` is in characters (106 when well-formed)."""

    authorization_qualifier: str
    authorization: str
    security_qualifier: str
    security: str
    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    date: str
    time: str
    standards_id: str
    version: str
    control_number: str
    ack_requested: str
    usage: str
    separators: Separators
    isa_length: int = 106

    @classmethod
    def from_segment(
        cls, isa: Segment, separators: Separators, isa_length: int = 106
    ) -> InterchangeHeader:
        return cls(
            authorization_qualifier=_field(isa, 1),
            authorization=_field(isa, 2),
            security_qualifier=_field(isa, 3),
            security=_field(isa, 4),
            sender_qualifier=_field(isa, 5),
            sender_id=_field(isa, 6),
            receiver_qualifier=_field(isa, 7),
            receiver_id=_field(isa, 8),
            date=_field(isa, 9),
            time=_field(isa, 10),
            standards_id=_field(isa, 11),
            version=_field(isa, 12),
            control_number=_field(isa, 13),
            ack_requested=_field(isa, 14),
            usage=_field(isa, 15),
            separators=separators,
            isa_length=isa_length,
        )


class GroupHeader(msgspec.Struct, frozen=True, kw_only=True):
    """What the GS says. ``position`` is the GS segment's place in the interchange."""

    functional_id: str
    sender: str
    receiver: str
    date: str
    time: str
    control_number: str
    agency: str
    version: str
    position: int

    @classmethod
    def from_segment(cls, gs: Segment) -> GroupHeader:
        return cls(
            functional_id=_field(gs, 1),
            sender=_field(gs, 2),  # " COEDITION" is the partner COEDITION
            receiver=_field(gs, 3),
            date=_field(gs, 4),
            time=_field(gs, 5),
            control_number=_field(gs, 6),
            agency=_field(gs, 7),
            version=_field(gs, 8),
            position=gs.index,
        )


class TransactionSet(msgspec.Struct, frozen=True, kw_only=True):
    """One ST..SE transaction set; ``segments`` include ST and SE (when present).

    ``set_id`` is ST01 (e.g. ``"856"``), ``control_number`` ST02, ``implementation``
    ST03 (00501+: e.g. ``"005010X231A1"``). Positions inside the set count ST as 1.
    """

    set_id: str
    control_number: str
    implementation: str
    segments: tuple[Segment, ...]
    separators: Separators

    @property
    def body(self) -> tuple[Segment, ...]:
        """The segments between ST and SE."""
        end = len(self.segments) - 1 if self.segments[-1].tag == "SE" else len(self.segments)
        return self.segments[1:end]

    def position_of(self, segment: Segment) -> int:
        """The 1-based position of ``segment`` in this set (ST = 1)."""
        return segment.index - self.segments[0].index + 1


class SetOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """How a set came through envelope validation (kept per group for the 997)."""

    set_id: str
    control_number: str
    implementation: str
    accepted: bool
    findings: tuple[Finding, ...] = ()


class GroupSummary(msgspec.Struct, frozen=True, kw_only=True):
    """A functional group once read: header, declared count, what happened to its sets."""

    header: GroupHeader
    declared_sets: int | None
    trailer_control_number: str | None
    sets: tuple[SetOutcome, ...]


class InterchangeSummary(msgspec.Struct, frozen=True, kw_only=True):
    """An interchange once read: header, declared group count, trailer control number."""

    header: InterchangeHeader
    declared_groups: int | None
    trailer_control_number: str | None
    group_count: int
