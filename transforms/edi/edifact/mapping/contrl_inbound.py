"""Read an inbound CONTRL as the acknowledgement of an interchange we sent."""

from __future__ import annotations

from transforms.edi.edifact.contrl import (
    ContrlAck,
    DataElementError,
    MessageResponse,
    SegmentError,
)
from transforms.edi.edifact.envelope import Message
from transforms.edi.edifact.mapping.base import EdifactMapContext, MessageCursor
from transforms.edi.mapped import Mapped

EVENT_TYPE = "edi.ack_received"


def map_contrl(message: Message, context: EdifactMapContext) -> Mapped:
    """The CONTRL as a :class:`ContrlAck`; match it on ``interchange_reference``."""
    cursor = MessageCursor(message)
    uci = cursor.require("UCI")
    responses: list[MessageResponse] = []
    errors: list[SegmentError] = []
    for segment in cursor.segments:
        if segment.tag == "UCM":
            if responses:
                responses[-1] = _with_errors(responses[-1], errors)
            errors = []
            responses.append(
                MessageResponse(
                    reference=segment.get(1),
                    message_type=segment.get(2, 1),
                    version=segment.get(2, 2),
                    release=segment.get(2, 3),
                    agency=segment.get(2, 4),
                    action=segment.get(3),
                    code=segment.get(4),
                    segment_id=segment.get(5),
                    element=int(segment.get(6)) if segment.get(6).isdigit() else None,
                )
            )
        elif segment.tag == "UCS":
            position = segment.get(1)
            errors.append(
                SegmentError(
                    position=int(position) if position.isdigit() else 0, code=segment.get(2)
                )
            )
        elif segment.tag == "UCD" and errors:
            element, component = segment.get(2, 1), segment.get(2, 2)
            errors[-1] = SegmentError(
                position=errors[-1].position,
                code=errors[-1].code,
                elements=(
                    *errors[-1].elements,
                    DataElementError(
                        code=segment.get(1),
                        element=int(element) if element.isdigit() else 0,
                        component=int(component) if component.isdigit() else None,
                    ),
                ),
            )
    if responses:
        responses[-1] = _with_errors(responses[-1], errors)
    ack = ContrlAck(
        syntax_version=context.interchange.syntax_version,
        interchange_reference=cursor.required(uci, 1, 1, "interchange control reference"),
        sender_id=uci.get(2, 1),
        sender_qualifier=uci.get(2, 2),
        recipient_id=uci.get(3, 1),
        recipient_qualifier=uci.get(3, 2),
        action=cursor.required(uci, 4, 1, "action"),
        code=uci.get(5),
        segment_id=uci.get(6),
        element=int(uci.get(7)) if uci.get(7).isdigit() else None,
        messages=tuple(responses),
    )
    return Mapped(event_type=EVENT_TYPE, payload=ack)


def _with_errors(response: MessageResponse, errors: list[SegmentError]) -> MessageResponse:
    return MessageResponse(
        reference=response.reference,
        message_type=response.message_type,
        version=response.version,
        release=response.release,
        agency=response.agency,
        action=response.action,
        code=response.code,
        segment_id=response.segment_id,
        element=response.element,
        segment_errors=tuple(errors),
    )
