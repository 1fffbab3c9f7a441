"""Functional acknowledgements (997 / 999) and interchange acknowledgements (TA1).

Built from findings: every finding carries X12's own code, so a 997 says exactly what
envelope validation and mapping found. The ``build_*`` functions return typed values;
``render_*`` turn them into segments for the writer.
"""

from __future__ import annotations

from enum import StrEnum

import msgspec

from transforms.edi.findings import Finding, Kind, Level, Severity
from transforms.edi.x12.envelope import GroupSummary, InterchangeSummary, SetOutcome
from transforms.edi.x12.segments import Segment
from transforms.edi.x12.settings import AckKind

IMPLEMENTATION_999 = "005010X231A1"
"""ST03 and GS08 of the 999s written."""


class AckStatus(StrEnum):
    """AK5/IK5/AK9/TA1 status codes."""

    ACCEPTED = "A"
    ACCEPTED_WITH_ERRORS = "E"
    PARTIALLY_ACCEPTED = "P"
    REJECTED = "R"


class ElementError(msgspec.Struct, frozen=True, kw_only=True):
    """An AK4/IK4: a data element in error."""

    position: int
    component: int | None
    data_element_ref: str
    code: str
    bad_value: str


class SegmentError(msgspec.Struct, frozen=True, kw_only=True):
    """An AK3/IK3: a segment in error, with its element errors."""

    segment_id: str
    position: int
    code: str
    elements: tuple[ElementError, ...] = ()


class SetResponse(msgspec.Struct, frozen=True, kw_only=True):
    """AK2..AK5 (or IK5): the response for one transaction set."""

    set_id: str
    control_number: str
    implementation: str
    status: AckStatus
    codes: tuple[str, ...]
    segment_errors: tuple[SegmentError, ...] = ()


class FunctionalAck(msgspec.Struct, frozen=True, kw_only=True):
    """A 997 or 999 for one functional group."""

    kind: AckKind
    functional_id: str
    group_control_number: str
    version: str
    sets: tuple[SetResponse, ...]
    status: AckStatus
    declared_sets: int
    received_sets: int
    accepted_sets: int
    group_codes: tuple[str, ...]


class InterchangeAck(msgspec.Struct, frozen=True, kw_only=True):
    """A TA1 for one interchange."""

    control_number: str
    date: str
    time: str
    status: AckStatus
    note_code: str


def ack_kind_for(version: str, requested: AckKind) -> AckKind:
    """997 or 999 for a group of ``version`` (GS08) under ``requested``."""
    if requested is not AckKind.AUTO:
        return requested
    return AckKind.ACK_999 if version.startswith("005010X") else AckKind.ACK_997


def _segment_errors(findings: tuple[Finding, ...]) -> tuple[SegmentError, ...]:
    by_segment: dict[tuple[str, int], tuple[str, list[ElementError]]] = {}
    for finding in findings:
        if finding.kind is Kind.ENVELOPE:
            continue
        key = (finding.segment_id, finding.segment_position)
        code, elements = by_segment.get(key, ("8", []))
        if finding.kind is Kind.SEGMENT:
            code = finding.code
        else:
            elements.append(
                ElementError(
                    position=finding.element or 0,
                    component=finding.component,
                    data_element_ref=finding.data_element_ref,
                    code=finding.code,
                    bad_value=finding.bad_value,
                )
            )
        by_segment[key] = (code, elements)
    return tuple(
        SegmentError(segment_id=tag, position=pos, code=code, elements=tuple(elements))
        for (tag, pos), (code, elements) in by_segment.items()
    )


def build_set_response(outcome: SetOutcome) -> SetResponse:
    """The AK2..AK5 for one set, from its outcome and findings."""
    segment_errors = _segment_errors(outcome.findings)
    codes = [f.code for f in outcome.findings if f.kind is Kind.ENVELOPE and f.level is Level.SET]
    if segment_errors and "5" not in codes:
        codes.append("5")
    if not outcome.accepted:
        status = AckStatus.REJECTED
    elif outcome.findings:
        status = AckStatus.ACCEPTED_WITH_ERRORS
    else:
        status = AckStatus.ACCEPTED
    return SetResponse(
        set_id=outcome.set_id,
        control_number=outcome.control_number,
        implementation=outcome.implementation,
        status=status,
        codes=tuple(codes[:5]),
        segment_errors=segment_errors,
    )


def build_functional_ack(
    group: GroupSummary, findings: tuple[Finding, ...], requested: AckKind = AckKind.AUTO
) -> FunctionalAck:
    """The 997/999 for one group: a response per set and the AK9 summary."""
    responses = tuple(build_set_response(outcome) for outcome in group.sets)
    received = len(responses)
    group_rejected = any(f.severity is Severity.ERROR for f in findings)
    accepted = 0 if group_rejected else sum(r.status is not AckStatus.REJECTED for r in responses)
    if group_rejected or (received and accepted == 0):
        status = AckStatus.REJECTED
    elif accepted < received:
        status = AckStatus.PARTIALLY_ACCEPTED
    elif findings or any(r.status is AckStatus.ACCEPTED_WITH_ERRORS for r in responses):
        status = AckStatus.ACCEPTED_WITH_ERRORS
    else:
        status = AckStatus.ACCEPTED
    codes = tuple(dict.fromkeys(f.code for f in findings if f.kind is Kind.ENVELOPE))
    return FunctionalAck(
        kind=ack_kind_for(group.header.version, requested),
        functional_id=group.header.functional_id,
        group_control_number=group.header.control_number,
        version=group.header.version,
        sets=responses,
        status=status,
        declared_sets=group.declared_sets if group.declared_sets is not None else received,
        received_sets=received,
        accepted_sets=accepted,
        group_codes=codes[:5],
    )


def build_interchange_ack(
    interchange: InterchangeSummary, findings: tuple[Finding, ...]
) -> InterchangeAck:
    """The TA1 for one interchange: the first error's note code, else the first warning's."""
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        status, note = AckStatus.REJECTED, errors[0].code
    elif findings:
        status, note = AckStatus.ACCEPTED_WITH_ERRORS, findings[0].code
    else:
        status, note = AckStatus.ACCEPTED, "000"
    header = interchange.header
    return InterchangeAck(
        control_number=header.control_number,
        date=header.date,
        time=header.time,
        status=status,
        note_code=note,
    )


def render_ta1(ack: InterchangeAck) -> Segment:
    """The TA1 segment (written between ISA and the first GS)."""
    return Segment("TA1", (ack.control_number, ack.date, ack.time, ack.status.value, ack.note_code))


def render_functional_ack(
    ack: FunctionalAck, control_number: str, component_separator: str
) -> list[Segment]:
    """The ST..SE segments of the 997 or 999 (SE01 counted)."""
    is_999 = ack.kind is AckKind.ACK_999
    five = ack.version.startswith("005")
    set_id = "999" if is_999 else "997"
    segments = [
        Segment(
            "ST",
            (set_id, control_number, IMPLEMENTATION_999) if is_999 else (set_id, control_number),
        ),
        Segment(
            "AK1",
            (ack.functional_id, ack.group_control_number, ack.version)
            if five
            else (ack.functional_id, ack.group_control_number),
        ),
    ]
    for response in ack.sets:
        ak2: tuple[str, ...] = (response.set_id, response.control_number)
        if five and response.implementation:
            ak2 = (*ak2, response.implementation)
        segments.append(Segment("AK2", ak2))
        for error in response.segment_errors:
            segments.append(
                Segment(
                    "IK3" if is_999 else "AK3",
                    (error.segment_id, str(error.position), "", error.code),
                )
            )
            for element in error.elements:
                position = str(element.position)
                if element.component is not None:
                    position += f"{component_separator}{element.component}"
                segments.append(
                    Segment(
                        "IK4" if is_999 else "AK4",
                        (position, element.data_element_ref, element.code, element.bad_value),
                    )
                )
        segments.append(
            Segment("IK5" if is_999 else "AK5", (response.status.value, *response.codes))
        )
    segments.append(
        Segment(
            "AK9",
            (
                ack.status.value,
                str(ack.declared_sets),
                str(ack.received_sets),
                str(ack.accepted_sets),
                *ack.group_codes,
            ),
        )
    )
    segments.append(Segment("SE", (str(len(segments) + 1), control_number)))
    return segments
