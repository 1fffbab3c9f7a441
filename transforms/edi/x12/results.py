"""What ``read_x12`` returns: every set with its outcome, every group with its 997."""

from __future__ import annotations

from collections.abc import Iterator

import msgspec

from transforms.edi.findings import Finding
from transforms.edi.x12.acks import FunctionalAck, InterchangeAck
from transforms.edi.x12.envelope import GroupHeader, InterchangeHeader, TransactionSet


class SetResult(msgspec.Struct, frozen=True, kw_only=True):
    """One transaction set: accepted with its canonical event, or rejected with findings.

    ``event_type``/``payload`` are ``None`` for an accepted set that has no canonical
    mapping (the 997 still accepts it; nothing is published).
    """

    set_id: str
    control_number: str
    group_control_number: str
    interchange_control_number: str
    accepted: bool
    event_type: str | None
    payload: msgspec.Struct | None
    findings: tuple[Finding, ...]
    transaction_set: TransactionSet


class GroupResult(msgspec.Struct, frozen=True, kw_only=True):
    """One functional group, its sets, and the 997/999 answering it.

    ``ack`` is ``None`` for groups that are themselves acknowledgements (GS01 ``FA``).
    ``ack_text`` is the 997/999 as ST..SE text in the sender's separators (set control
    number ``0001``), for callers that envelope it themselves.
    """

    header: GroupHeader
    findings: tuple[Finding, ...]
    sets: tuple[SetResult, ...]
    ack: FunctionalAck | None
    ack_text: str


class InterchangeResult(msgspec.Struct, frozen=True, kw_only=True):
    """One interchange: its groups, interchange-level findings and the TA1, if any."""

    header: InterchangeHeader
    findings: tuple[Finding, ...]
    rejected: bool
    groups: tuple[GroupResult, ...]
    ta1: InterchangeAck | None


class X12ReadResult(msgspec.Struct, frozen=True, kw_only=True):
    """Everything read from one X12 file or request body."""

    interchanges: tuple[InterchangeResult, ...]
    findings: tuple[Finding, ...] = ()
    """Problems outside any interchange (text between IEA and the next ISA)."""

    def sets(self) -> Iterator[SetResult]:
        for interchange in self.interchanges:
            for group in interchange.groups:
                yield from group.sets

    def accepted(self) -> list[SetResult]:
        """Sets to publish: accepted and mapped to a canonical event."""
        return [s for s in self.sets() if s.accepted and s.event_type is not None]

    def rejected(self) -> list[SetResult]:
        return [s for s in self.sets() if not s.accepted]

    def all_findings(self) -> list[Finding]:
        found = list(self.findings)
        for interchange in self.interchanges:
            found.extend(interchange.findings)
            for group in interchange.groups:
                found.extend(group.findings)
                for item in group.sets:
                    found.extend(item.findings)
        return found
