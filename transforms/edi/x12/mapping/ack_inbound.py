"""Read an inbound 997 or 999 as the acknowledgement of something we sent."""

from __future__ import annotations

from transforms.edi.errors import EdiMappingError
from transforms.edi.x12.acks import (
    AckStatus,
    ElementError,
    FunctionalAck,
    SegmentError,
    SetResponse,
)
from transforms.edi.x12.envelope import TransactionSet
from transforms.edi.x12.mapping.base import MapContext, Mapped, SetCursor
from transforms.edi.x12.segments import Segment
from transforms.edi.x12.settings import AckKind

EVENT_TYPE = "edi.ack_received"


def map_functional_ack(transaction_set: TransactionSet, context: MapContext) -> Mapped:
    """The 997/999 as a :class:`FunctionalAck`; match it on ``group_control_number``."""
    return Mapped(event_type=EVENT_TYPE, payload=parse_functional_ack(transaction_set))


def parse_functional_ack(transaction_set: TransactionSet) -> FunctionalAck:
    cursor = SetCursor(transaction_set)
    ak1 = cursor.require("AK1")
    ak9 = cursor.require("AK9")
    responses: list[SetResponse] = []
    current: dict[str, object] | None = None
    errors: list[SegmentError] = []
    for segment in cursor.segments:
        if segment.tag == "AK2":
            current = {"ak2": segment}
            errors = []
        elif segment.tag in ("AK3", "IK3") and current is not None:
            errors.append(
                SegmentError(
                    segment_id=segment.el(1),
                    position=_int(cursor, segment, 2),
                    code=segment.el(4),
                )
            )
        elif segment.tag in ("AK4", "IK4") and errors:
            last = errors[-1]
            position = segment.el(1).split(transaction_set.separators.component)
            element = ElementError(
                position=int(position[0]) if position[0].isdigit() else 0,
                component=int(position[1]) if len(position) > 1 and position[1].isdigit() else None,
                data_element_ref=segment.el(2),
                code=segment.el(3),
                bad_value=segment.el(4),
            )
            errors[-1] = SegmentError(
                segment_id=last.segment_id,
                position=last.position,
                code=last.code,
                elements=(*last.elements, element),
            )
        elif segment.tag in ("AK5", "IK5") and current is not None:
            ak2 = current["ak2"]
            assert isinstance(ak2, Segment)
            responses.append(
                SetResponse(
                    set_id=ak2.el(1),
                    control_number=ak2.el(2),
                    implementation=ak2.el(3),
                    status=_status(cursor, segment, 1),
                    codes=tuple(code for code in segment.elements[1:] if code),
                    segment_errors=tuple(errors),
                )
            )
            current = None
    return FunctionalAck(
        kind=AckKind.ACK_999 if transaction_set.set_id == "999" else AckKind.ACK_997,
        functional_id=cursor.required_el(ak1, 1, "functional identifier code"),
        group_control_number=cursor.required_el(ak1, 2, "group control number"),
        version=ak1.el(3),
        sets=tuple(responses),
        status=_status(cursor, ak9, 1),
        declared_sets=_int(cursor, ak9, 2),
        received_sets=_int(cursor, ak9, 3),
        accepted_sets=_int(cursor, ak9, 4),
        group_codes=tuple(code for code in ak9.elements[4:] if code),
    )


def _status(cursor: SetCursor, segment: Segment, number: int) -> AckStatus:
    raw = cursor.required_el(segment, number, "acknowledgment code")
    try:
        return AckStatus(raw)
    except ValueError:
        raise cursor.error(segment, number, f"acknowledgment code {raw!r} is not A/E/P/R") from None


def _int(cursor: SetCursor, segment: Segment, number: int) -> int:
    raw = segment.el(number)
    if not raw.isdigit():
        raise EdiMappingError(
            f"{segment.tag}{number:02d} {raw!r} is not a count",
            segment_id=segment.tag,
            segment_position=cursor.position(segment),
            element=number,
            code="6",
            bad_value=raw,
        )
    return int(raw)
