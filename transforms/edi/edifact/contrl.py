"""CONTRL syntax and service report messages, built from findings.

Action codes (0083): ``7`` this level and all lower levels acknowledged, ``4`` this
level and all lower levels rejected. Error codes are 0085 syntax error codes carried
by the findings (``28`` references do not match, ``29`` control count does not match,
``13`` missing, ``12`` invalid value).
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from transforms.edi.edifact.envelope import InterchangeHeader, MessageHeader
from transforms.edi.edifact.syntax import Delimiters
from transforms.edi.findings import Finding, Kind, Severity

ACKNOWLEDGED = "7"
REJECTED = "4"


class DataElementError(msgspec.Struct, frozen=True, kw_only=True):
    """A UCD: an element (and component) in error."""

    code: str
    element: int
    component: int | None = None


class SegmentError(msgspec.Struct, frozen=True, kw_only=True):
    """A UCS: a segment in error (position in the message), with its UCDs."""

    position: int
    code: str
    elements: tuple[DataElementError, ...] = ()


class MessageResponse(msgspec.Struct, frozen=True, kw_only=True):
    """A UCM: the response for one message."""

    reference: str
    message_type: str
    version: str
    release: str
    agency: str
    action: str
    code: str = ""
    segment_id: str = ""
    element: int | None = None
    segment_errors: tuple[SegmentError, ...] = ()


class ContrlAck(msgspec.Struct, frozen=True, kw_only=True):
    """A CONTRL for one interchange (UCI + one UCM per message)."""

    syntax_version: str
    interchange_reference: str
    sender_id: str
    sender_qualifier: str
    recipient_id: str
    recipient_qualifier: str
    action: str
    code: str
    segment_id: str
    element: int | None
    messages: tuple[MessageResponse, ...]


def build_message_response(
    header: MessageHeader, accepted: bool, findings: Sequence[Finding]
) -> MessageResponse:
    envelope = [f for f in findings if f.kind is Kind.ENVELOPE and f.severity is Severity.ERROR]
    by_position: dict[int, SegmentError] = {}
    for finding in findings:
        if finding.kind is Kind.ENVELOPE:
            continue
        current = by_position.get(
            finding.segment_position,
            SegmentError(
                position=finding.segment_position, code="" if finding.element else finding.code
            ),
        )
        if finding.element is not None:
            current = msgspec.structs.replace(
                current,
                elements=(
                    *current.elements,
                    DataElementError(
                        code=finding.code, element=finding.element, component=finding.component
                    ),
                ),
            )
        by_position[finding.segment_position] = current
    return MessageResponse(
        reference=header.reference,
        message_type=header.message_type,
        version=header.version,
        release=header.release,
        agency=header.agency,
        action=ACKNOWLEDGED if accepted else REJECTED,
        code=envelope[0].code if envelope else "",
        segment_id=envelope[0].segment_id if envelope else "",
        element=envelope[0].element if envelope else None,
        segment_errors=tuple(by_position.values()),
    )


def build_contrl(
    header: InterchangeHeader,
    findings: Sequence[Finding],
    rejected: bool,
    messages: Sequence[MessageResponse],
) -> ContrlAck:
    """The CONTRL for an interchange; a warning's code is reported with action 7."""
    first = next((f for f in findings if f.severity is Severity.ERROR), None) or next(
        iter(findings), None
    )
    return ContrlAck(
        syntax_version=header.syntax_version,
        interchange_reference=header.control_reference,
        sender_id=header.sender_id,
        sender_qualifier=header.sender_qualifier,
        recipient_id=header.recipient_id,
        recipient_qualifier=header.recipient_qualifier,
        action=REJECTED if rejected else ACKNOWLEDGED,
        code=first.code if first else "",
        segment_id=first.segment_id if first else "",
        element=first.element if first else None,
        messages=tuple(messages),
    )


def render_contrl(ack: ContrlAck, delimiters: Delimiters, reference: str = "1") -> str:
    """The UNH..UNT text of the CONTRL (to be enveloped in a UNB/UNZ by the caller)."""
    d = delimiters
    identifier = (
        ["CONTRL", "4", "1", "UN"] if ack.syntax_version >= "4" else ["CONTRL", "D", "3", "UN"]
    )
    segments: list[list[str]] = [["UNH", reference, d.component.join(identifier)]]
    uci = [
        "UCI",
        _escape(ack.interchange_reference, d),
        d.component.join(_escape(v, d) for v in (ack.sender_id, ack.sender_qualifier) if v),
        d.component.join(_escape(v, d) for v in (ack.recipient_id, ack.recipient_qualifier) if v),
        ack.action,
    ]
    if ack.code:
        uci += [ack.code, ack.segment_id, str(ack.element or "")]
    segments.append(uci)
    for message in ack.messages:
        identifier_parts = (message.message_type, message.version, message.release, message.agency)
        ucm = [
            "UCM",
            _escape(message.reference, d),
            d.component.join(_escape(v, d) for v in identifier_parts),
            message.action,
        ]
        if message.code:
            ucm += [message.code, message.segment_id, str(message.element or "")]
        segments.append(ucm)
        for error in message.segment_errors:
            segments.append(["UCS", str(error.position), error.code])
            for element in error.elements:
                position = str(element.element)
                if element.component is not None:
                    position += f"{d.component}{element.component}"
                segments.append(["UCD", element.code, position])
    segments.append(["UNT", str(len(segments) + 1), reference])
    return "".join(d.element.join(_trim(s)) + d.segment for s in segments)


def _trim(values: list[str]) -> list[str]:
    while values and values[-1] == "":
        values.pop()
    return values


def _escape(value: str, d: Delimiters) -> str:
    specials = {d.release, d.element, d.component, d.segment}
    if d.repetition:
        specials.add(d.repetition)
    return "".join(f"{d.release}{c}" if c in specials else c for c in value)
