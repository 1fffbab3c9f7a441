"""``read_edifact``: read, check, map and acknowledge (CONTRL) EDIFACT interchanges."""

from __future__ import annotations

from collections.abc import Iterator

import msgspec

from transforms.edi.coverage import placement_finding, unplaced, unplaced_reason
from transforms.edi.edifact.assembler import (
    EdifactEvent,
    InterchangeRead,
    MessageRead,
    iter_events,
)
from transforms.edi.edifact.charset import with_detected_encoding
from transforms.edi.edifact.contrl import build_contrl, build_message_response, render_contrl
from transforms.edi.edifact.envelope import InterchangeHeader, Message
from transforms.edi.edifact.mapping import EdifactMapper, default_mappers
from transforms.edi.edifact.mapping.base import EdifactMapContext
from transforms.edi.edifact.results import (
    EdifactInterchangeResult,
    EdifactReadResult,
    MessageResult,
)
from transforms.edi.edifact.settings import EdifactReadSettings
from transforms.edi.edifact.tokenizer import EdifactTokenizer
from transforms.edi.edifact.writer import render_segment
from transforms.edi.errors import EdiMappingError, EdiUnmappableError
from transforms.edi.findings import Finding, Kind, Level, Severity
from transforms.edi.source import Source, text_chunks
from transforms.edi.unmapped import EVENT_TYPE as UNMAPPED
from transforms.edi.unmapped import UnmappedDocument


def read_edifact(
    data: Source,
    *,
    settings: EdifactReadSettings | None = None,
    mappers: dict[str, EdifactMapper] | None = None,
) -> EdifactReadResult:
    """Read every interchange in ``data``; map accepted messages; build the CONTRLs.

    Raises :class:`~transforms.edi.errors.EdifactSyntaxError` only when ``data`` is
    not EDIFACT at all; envelope and content problems are findings, acknowledged.
    """
    settings = settings or EdifactReadSettings()
    mappers = default_mappers() if mappers is None else mappers
    chunks: Source
    if settings.encoding is None:
        chunks, encoding = with_detected_encoding(data)
    else:
        chunks, encoding = data, settings.encoding
    tokenizer = EdifactTokenizer(text_chunks(chunks, encoding=encoding))
    results: list[EdifactInterchangeResult] = []
    messages: list[MessageResult] = []
    for event in iter_events(tokenizer, settings.strictness):
        if isinstance(event, MessageRead):
            context = EdifactMapContext(interchange=event.interchange, settings=settings.mapping)
            messages.append(_message_result(event, mappers, context))
        else:
            results.append(_interchange_result(event, messages))
            messages = []
    return EdifactReadResult(interchanges=tuple(results))


def iter_edifact(
    data: Source, settings: EdifactReadSettings | None = None
) -> Iterator[EdifactEvent]:
    """Read ``data`` as a stream: each message as its UNT is read, then its interchange.

    For very large interchanges; map messages yourself (``default_mappers()``) and, under
    ``Strictness.REJECT``, publish only after the interchange's event.
    """
    settings = settings or EdifactReadSettings()
    chunks: Source
    if settings.encoding is None:
        chunks, encoding = with_detected_encoding(data)
    else:
        chunks, encoding = data, settings.encoding
    yield from iter_events(
        EdifactTokenizer(text_chunks(chunks, encoding=encoding)), settings.strictness
    )


def _interchange_result(
    read: InterchangeRead, messages: list[MessageResult]
) -> EdifactInterchangeResult:
    if read.rejected:
        reason = next(f for f in read.findings if f.severity is Severity.ERROR)
        messages = [
            msgspec.structs.replace(
                m, accepted=False, event_type=None, payload=None, findings=(*m.findings, reason)
            )
            if m.accepted
            else m
            for m in messages
        ]
    if all(m.message_type == "CONTRL" for m in messages) and messages:
        return EdifactInterchangeResult(
            header=read.header,
            findings=read.findings,
            rejected=read.rejected,
            messages=tuple(messages),
            contrl=None,
            contrl_text="",
        )
    responses = [build_message_response(m.message.header, m.accepted, m.findings) for m in messages]
    contrl = build_contrl(read.header, read.findings, read.rejected, responses)
    return EdifactInterchangeResult(
        header=read.header,
        findings=read.findings,
        rejected=read.rejected,
        messages=tuple(messages),
        contrl=contrl,
        contrl_text=render_contrl(contrl, read.header.delimiters),
    )


def _message_result(
    item: MessageRead,
    mappers: dict[str, EdifactMapper],
    context: EdifactMapContext,
) -> MessageResult:
    message = item.message
    findings = list(item.findings)
    accepted = item.accepted
    event_type: str | None = None
    payload: msgspec.Struct | None = None
    mapper = mappers.get(message.header.message_type)
    if mapper is not None:
        try:
            mapped = mapper(message, context)
        except EdiMappingError as exc:
            findings.append(_mapping_finding(exc))
            accepted = False
        except (EdiUnmappableError, ValueError, msgspec.ValidationError) as exc:
            if accepted:
                reason = (
                    f"the canonical model cannot hold this {message.header.message_type}: {exc}"
                )
                event_type, payload = UNMAPPED, _unmapped(item.interchange, message, reason)
        else:
            kind = message.header.message_type
            missing = unplaced(
                kind, ((s.tag, message.position_of(s)) for s in message.body), mapped.placed
            )
            if accepted and missing:
                findings.extend(placement_finding(m, "15", "message") for m in missing)
                reason = unplaced_reason(kind, missing)
                event_type, payload = UNMAPPED, _unmapped(item.interchange, message, reason)
            elif accepted:
                event_type, payload = mapped.event_type, mapped.payload
    elif accepted:
        event_type = UNMAPPED
        payload = _unmapped(
            item.interchange, message, f"no mapping is configured for {message.header.message_type}"
        )
    return MessageResult(
        message_type=message.header.message_type,
        reference=message.header.reference,
        interchange_reference=item.interchange.control_reference,
        accepted=accepted,
        event_type=event_type,
        payload=payload,
        findings=tuple(findings),
        message=message,
    )


def _mapping_finding(exc: EdiMappingError) -> Finding:
    return Finding(
        level=Level.SET,
        kind=Kind.ELEMENT if exc.element is not None else Kind.SEGMENT,
        severity=Severity.ERROR,
        code=exc.code or "12",
        message=str(exc),
        segment_id=exc.segment_id,
        segment_position=exc.segment_position,
        element=exc.element,
        bad_value=exc.bad_value,
    )


def _unmapped(header: InterchangeHeader, message: Message, reason: str) -> UnmappedDocument:
    d = message.delimiters
    return UnmappedDocument(
        standard="edifact",
        document_type=message.header.message_type,
        control_number=message.header.reference,
        group_control_number=message.group_reference,
        interchange_control_number=header.control_reference,
        sender_id=header.sender_id,
        receiver_id=header.recipient_id,
        reason=reason,
        text="".join(render_segment(s, d) + d.segment for s in message.segments),
    )
