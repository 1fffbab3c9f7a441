"""Read a raw EDI request body with the codecs and build the partner's acknowledgement.

Pure apart from the control-number allocator: what to publish (one item per accepted
set or message), who sent it, and the 997/TA1 or CONTRL text that answers it. The two
agree by construction (`transforms.edi`): a partly bad interchange publishes the good
sets and rejects the bad ones exactly as its acknowledgement says.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

import msgspec

from gateway.edge.problems import ProblemError
from omnihub.config.model import PartnerEdi
from transforms.edi import (
    ControlNumberAllocator,
    EdiDecodeError,
    EdifactEnvelopeSettings,
    EdifactReadResult,
    EdiSyntaxError,
    EnvelopeSettings,
    X12ReadResult,
    read_edifact,
    read_x12,
    write_acknowledgements,
    write_contrl,
)
from transforms.edi.findings import Finding
from transforms.edi.unmapped import UnmappedDocument
from transforms.edi.x12.segments import Separators

__all__ = [
    "EdiItem",
    "EdiRead",
    "acknowledgement",
    "business_key",
    "check_senders",
    "read_body",
]

DEFAULT_AGREEMENT = PartnerEdi()


class EdiItem(msgspec.Struct, frozen=True, kw_only=True):
    """One accepted set or message, ready to publish as its canonical event."""

    event_type: str
    payload: msgspec.Struct
    control_key: str  # x12:ISA13:GS06:ST02 or edifact:UNB0020:UNH0062
    business_key: str | None
    detail: str | None = None  # the set's findings (and why it is unmapped), for its journey


class EdiRead(msgspec.Struct, frozen=True, kw_only=True):
    standard: Literal["x12", "edifact"]
    items: list[EdiItem]
    rejected: int
    senders: list[str]  # ISA06 / UNB S002 of each interchange
    interchange_numbers: list[str]  # ISA13 / UNB 0020 of each interchange
    result: X12ReadResult | EdifactReadResult


_KEY_FIELDS = ("asn_number", "order_number", "shipment_id", "event_id")


def journey_detail(payload: msgspec.Struct, findings: Sequence[Finding]) -> str | None:
    """What the journey says about a published set: why it is unmapped, its findings."""
    parts = [f"unmapped: {payload.reason}"] if isinstance(payload, UnmappedDocument) else []
    parts.extend(f.describe() for f in findings)
    return "; ".join(parts) or None


def business_key(payload: msgspec.Struct) -> str | None:
    """The id people search by: ASN number, order number, shipment id, event id."""
    for name in _KEY_FIELDS:
        value = getattr(payload, name, None)
        if isinstance(value, str):
            return value
    return None


def _segment_at(standard: str, body: bytes, offset: int) -> tuple[int, str]:
    """(1-based position, id) of the segment holding character `offset`, best effort:
    the terminator is the first header's (ISA: the character after ISA16; UNA: its 6th
    service character; else EDIFACT's default ``'``), line breaks end segments too."""
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
    lead = len(body.decode("utf-8", errors="replace")) - len(text)
    start = text.lstrip()
    lead += len(text) - len(start)
    if standard == "x12":
        terminator = start[105] if start.startswith("ISA") and len(start) > 105 else "~"
    else:
        terminator = start[8] if start.startswith("UNA") and len(start) > 8 else "'"
    before = text[: max(0, offset - lead)]
    normalized = before.replace("\r\n", "\n").replace("\r", "\n")
    normalized = normalized.replace(terminator + "\n", terminator)
    segments = normalized.replace("\n", terminator).split(terminator)
    position = max(1, len([s for s in segments[:-1] if s.strip()]) + 1)
    rest = text[max(0, offset - lead) :].lstrip()
    return position, rest[:3]


def _syntax_problem(
    standard: str, body: bytes, exc: EdiSyntaxError | EdiDecodeError
) -> ProblemError:
    offset = exc.offset if isinstance(exc, EdiSyntaxError) else None
    position, segment = _segment_at(standard, body, offset) if offset is not None else (None, None)
    return ProblemError(
        422,
        f"the body cannot be read as {standard.upper()}: {exc}. Nothing was accepted; "
        "fix the interchange and send it again",
        kind="edi-syntax",
        title="Unreadable EDI interchange",
        offset=offset,  # character offset in the decoded body, when the reader knows it
        segment_position=position,  # 1-based, counted over the whole body
        segment=segment,
    )


def read_body(standard: Literal["x12", "edifact"], body: bytes, agreement: PartnerEdi) -> EdiRead:
    """Read `body`; raise a 422 `ProblemError` when it is not an interchange at all."""
    try:
        if standard == "x12":
            x12 = read_x12(body, settings=agreement.x12)
        else:
            edifact = read_edifact(body, settings=agreement.edifact)
    except (EdiSyntaxError, EdiDecodeError) as exc:
        raise _syntax_problem(standard, body, exc) from None
    if standard == "x12":
        if not x12.interchanges:
            raise ProblemError(422, "the body holds no X12 interchange", kind="edi-syntax")
        return EdiRead(
            standard=standard,
            items=[
                EdiItem(
                    event_type=s.event_type or "",
                    payload=s.payload,
                    control_key=f"x12:{s.interchange_control_number}:"
                    f"{s.group_control_number}:{s.control_number}",
                    business_key=business_key(s.payload),
                    detail=journey_detail(s.payload, s.findings),
                )
                for s in x12.accepted()
                if s.payload is not None
            ],
            rejected=len(x12.rejected()),
            senders=[i.header.sender_id.strip() for i in x12.interchanges],
            interchange_numbers=[i.header.control_number for i in x12.interchanges],
            result=x12,
        )
    if not edifact.interchanges:
        raise ProblemError(422, "the body holds no EDIFACT interchange", kind="edi-syntax")
    return EdiRead(
        standard=standard,
        items=[
            EdiItem(
                event_type=m.event_type or "",
                payload=m.payload,
                control_key=f"edifact:{m.interchange_reference}:{m.reference}",
                business_key=business_key(m.payload),
                detail=journey_detail(m.payload, m.findings),
            )
            for m in edifact.accepted()
            if m.payload is not None
        ],
        rejected=len(edifact.rejected()),
        senders=[i.header.sender_id.strip() for i in edifact.interchanges],
        interchange_numbers=[i.header.control_reference for i in edifact.interchanges],
        result=edifact,
    )


def check_senders(read: EdiRead, partner: str, agreement: PartnerEdi) -> None:
    """403 when an interchange names a sender id that is not the partner's."""
    if not agreement.sender_ids:
        return
    for sender in read.senders:
        if sender not in agreement.sender_ids:
            raise ProblemError(
                403,
                f"partner '{partner}' may not send interchanges as '{sender}'; its EDI "
                f"ids are {', '.join(agreement.sender_ids)}. Nothing was accepted",
                kind="forbidden",
            )


def _x12_reply(result: X12ReadResult, index: int) -> EnvelopeSettings:
    interchange = result.interchanges[index]
    header = interchange.header
    seps = header.separators
    version = header.version if header.version.isdigit() else "00401"
    repetition = seps.repetition if version >= "00402" else None
    groups = [g.header.version for g in interchange.groups if g.header.version]
    return EnvelopeSettings(
        sender_id=header.receiver_id.strip() or "OMNIHUB",
        receiver_id=header.sender_id.strip() or "PARTNER",
        sender_qualifier=header.receiver_qualifier.strip() or "ZZ",
        receiver_qualifier=header.sender_qualifier.strip() or "ZZ",
        version=version,
        group_version=groups[0] if groups else "004010",
        usage="T" if header.usage == "T" else "P",
        separators=Separators(seps.element, seps.component, seps.segment, repetition),
    )


async def acknowledgement(
    read: EdiRead,
    agreement: PartnerEdi,
    allocator: ControlNumberAllocator,
    now: datetime,
) -> list[str]:
    """One reply interchange per inbound interchange that has something to say."""
    replies: list[str] = []
    if isinstance(read.result, X12ReadResult):
        for i, interchange in enumerate(read.result.interchanges):
            envelope = agreement.x12_reply or _x12_reply(read.result, i)
            written = await write_acknowledgements(interchange, envelope, allocator, now)
            if written is not None:
                replies.append(written.text)
        return replies
    for edi_interchange in read.result.interchanges:
        header = edi_interchange.header
        settings = agreement.edifact_reply or EdifactEnvelopeSettings(
            sender_id=header.recipient_id or "OMNIHUB",
            recipient_id=header.sender_id or "PARTNER",
            sender_qualifier=header.recipient_qualifier,
            recipient_qualifier=header.sender_qualifier,
            syntax_id=header.syntax_id,
            syntax_version=header.syntax_version,
            delimiters=header.delimiters,
        )
        text = await write_contrl(edi_interchange, settings, allocator, now)
        if text:
            replies.append(text)
    return replies
