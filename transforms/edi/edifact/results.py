"""What ``read_edifact`` returns: every message with its outcome, and the CONTRL."""

from __future__ import annotations

from collections.abc import Iterator

import msgspec

from transforms.edi.edifact.contrl import ContrlAck
from transforms.edi.edifact.envelope import InterchangeHeader, Message
from transforms.edi.findings import Finding


class MessageResult(msgspec.Struct, frozen=True, kw_only=True):
    """One message: accepted with its canonical event, or rejected with findings."""

    message_type: str
    reference: str
    interchange_reference: str
    accepted: bool
    event_type: str | None
    payload: msgspec.Struct | None
    findings: tuple[Finding, ...]
    message: Message


class EdifactInterchangeResult(msgspec.Struct, frozen=True, kw_only=True):
    """One interchange: messages, interchange/group findings, and its CONTRL.

    ``contrl_text`` is the CONTRL as UNH..UNT text in the sender's delimiters; it is
    empty when the interchange is itself a CONTRL.
    """

    header: InterchangeHeader
    findings: tuple[Finding, ...]
    rejected: bool
    messages: tuple[MessageResult, ...]
    contrl: ContrlAck | None
    contrl_text: str


class EdifactReadResult(msgspec.Struct, frozen=True, kw_only=True):
    interchanges: tuple[EdifactInterchangeResult, ...]

    def messages(self) -> Iterator[MessageResult]:
        for interchange in self.interchanges:
            yield from interchange.messages

    def accepted(self) -> list[MessageResult]:
        """Messages to publish: accepted and mapped to a canonical event."""
        return [m for m in self.messages() if m.accepted and m.event_type is not None]

    def rejected(self) -> list[MessageResult]:
        return [m for m in self.messages() if not m.accepted]
