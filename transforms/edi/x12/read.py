"""``read_x12``: read, validate, map and acknowledge a whole X12 document."""

from __future__ import annotations

import msgspec

from transforms.edi.coverage import placement_finding, unplaced, unplaced_reason
from transforms.edi.errors import EdiMappingError, EdiUnmappableError
from transforms.edi.findings import Finding, Kind, Level, Severity
from transforms.edi.source import Source
from transforms.edi.unmapped import EVENT_TYPE as UNMAPPED
from transforms.edi.unmapped import UnmappedDocument
from transforms.edi.x12.acks import (
    build_functional_ack,
    build_interchange_ack,
    render_functional_ack,
)
from transforms.edi.x12.element_refs import element_ref
from transforms.edi.x12.mapping import Mapper, default_mappers
from transforms.edi.x12.mapping.base import MapContext
from transforms.edi.x12.results import GroupResult, InterchangeResult, SetResult, X12ReadResult
from transforms.edi.x12.settings import X12ReadSettings
from transforms.edi.x12.stream import (
    GroupRead,
    InterchangeRead,
    OutsideInterchange,
    SetRead,
    iter_x12,
)


def read_x12(
    data: Source,
    *,
    settings: X12ReadSettings | None = None,
    mappers: dict[str, Mapper] | None = None,
) -> X12ReadResult:
    """Read every interchange in ``data``; map accepted sets; build 997/999 and TA1.

    Raises :class:`~transforms.edi.errors.X12SyntaxError` only when ``data`` is not
    X12 at all; every envelope or content problem is a finding, acknowledged.
    """
    settings = settings or X12ReadSettings()
    mappers = default_mappers() if mappers is None else mappers
    interchanges: list[InterchangeResult] = []
    outside: list[Finding] = []
    sets: list[SetResult] = []
    groups: list[GroupResult] = []
    for event in iter_x12(data, settings):
        if isinstance(event, SetRead):
            sets.append(_map_set(event, mappers, settings))
        elif isinstance(event, GroupRead):
            groups.append(_group_result(event, sets, settings))
            sets = []
        elif isinstance(event, InterchangeRead):
            interchanges.append(_interchange_result(event, groups, settings))
            groups = []
        elif isinstance(event, OutsideInterchange):
            outside.append(event.finding)
    return X12ReadResult(interchanges=tuple(interchanges), findings=tuple(outside))


def _map_set(event: SetRead, mappers: dict[str, Mapper], settings: X12ReadSettings) -> SetResult:
    transaction_set = event.transaction_set
    findings = list(event.findings)
    accepted = event.accepted
    event_type: str | None = None
    payload: msgspec.Struct | None = None
    mapper = mappers.get(transaction_set.set_id)
    # A set rejected by its envelope is still mapped, for the AK3/AK4 it may add;
    # its payload is never published.
    if mapper is not None and event.group is not None:
        context = MapContext(
            interchange=event.interchange, group=event.group, settings=settings.mapping
        )
        try:
            mapped = mapper(transaction_set, context)
        except EdiMappingError as exc:
            findings.append(_mapping_finding(exc))
            accepted = False
        except (EdiUnmappableError, ValueError, msgspec.ValidationError) as exc:
            if accepted:
                reason = f"the canonical model cannot hold this {transaction_set.set_id}: {exc}"
                event_type, payload = UNMAPPED, _unmapped(event, reason)
        else:
            missing = unplaced(
                transaction_set.set_id,
                ((s.tag, transaction_set.position_of(s)) for s in transaction_set.body),
                mapped.placed,
            )
            if accepted and missing:
                findings.extend(placement_finding(m, "2", "set") for m in missing)
                reason = unplaced_reason(transaction_set.set_id, missing)
                event_type, payload = UNMAPPED, _unmapped(event, reason)
            elif accepted:
                event_type, payload = mapped.event_type, mapped.payload
    elif accepted and event.group is not None:
        event_type = UNMAPPED
        payload = _unmapped(event, f"no mapping is configured for {transaction_set.set_id}")
    return SetResult(
        set_id=transaction_set.set_id,
        control_number=transaction_set.control_number,
        group_control_number=event.group.control_number if event.group else "",
        interchange_control_number=event.interchange.control_number,
        accepted=accepted,
        event_type=event_type,
        payload=payload,
        findings=tuple(findings),
        transaction_set=transaction_set,
    )


def _unmapped(event: SetRead, reason: str) -> UnmappedDocument:
    transaction_set = event.transaction_set
    separators = transaction_set.separators
    return UnmappedDocument(
        standard="x12",
        document_type=transaction_set.set_id,
        control_number=transaction_set.control_number,
        group_control_number=event.group.control_number if event.group else "",
        interchange_control_number=event.interchange.control_number,
        sender_id=event.interchange.sender_id,
        receiver_id=event.interchange.receiver_id,
        reason=reason,
        text="".join(
            segment.render(separators) + separators.segment for segment in transaction_set.segments
        ),
    )


def _mapping_finding(exc: EdiMappingError) -> Finding:
    kind = Kind.ELEMENT if exc.element is not None else Kind.SEGMENT
    return Finding(
        level=Level.SET,
        kind=kind,
        severity=Severity.ERROR,
        code=exc.code or ("7" if kind is Kind.ELEMENT else "8"),
        message=str(exc),
        segment_id=exc.segment_id,
        segment_position=exc.segment_position,
        element=exc.element,
        data_element_ref=element_ref(exc.segment_id, exc.element),
        bad_value=exc.bad_value,
    )


def _rejected(item: SetResult, finding: Finding) -> SetResult:
    if not item.accepted:
        return item
    return msgspec.structs.replace(
        item,
        accepted=False,
        event_type=None,
        payload=None,
        findings=(*item.findings, finding),
    )


def _group_result(
    event: GroupRead, sets: list[SetResult], settings: X12ReadSettings
) -> GroupResult:
    header = event.group.header
    if event.rejected:
        reason = next(f for f in event.findings if f.severity is Severity.ERROR)
        sets = [_rejected(item, reason) for item in sets]
    outcomes = tuple(
        msgspec.structs.replace(outcome, accepted=item.accepted, findings=item.findings)
        for outcome, item in zip(event.group.sets, sets, strict=True)
    )
    summary = msgspec.structs.replace(event.group, sets=outcomes)
    if header.functional_id == "FA":
        return GroupResult(
            header=header, findings=event.findings, sets=tuple(sets), ack=None, ack_text=""
        )
    ack = build_functional_ack(summary, event.findings, settings.ack)
    separators = event.interchange.separators
    segments = render_functional_ack(ack, "0001", separators.component)
    terminator = separators.segment
    text = "".join(segment.render(separators) + terminator for segment in segments)
    return GroupResult(
        header=header, findings=event.findings, sets=tuple(sets), ack=ack, ack_text=text
    )


def _interchange_result(
    event: InterchangeRead, groups: list[GroupResult], settings: X12ReadSettings
) -> InterchangeResult:
    summary = event.interchange
    if event.rejected:
        reason = next(f for f in event.findings if f.severity is Severity.ERROR)
        groups = [
            msgspec.structs.replace(
                group,
                sets=tuple(_rejected(item, reason) for item in group.sets),
                ack=None,  # a rejected interchange is answered by its TA1 alone
                ack_text="",
            )
            for group in groups
        ]
    wants_ta1 = bool(event.findings) or summary.header.ack_requested == "1"
    ta1 = build_interchange_ack(summary, event.findings) if settings.ta1 and wants_ta1 else None
    return InterchangeResult(
        header=summary.header,
        findings=event.findings,
        rejected=event.rejected,
        groups=tuple(groups),
        ta1=ta1,
    )
