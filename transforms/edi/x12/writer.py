"""Write X12 interchanges with per-partner envelope settings.

``render_interchange`` is pure (control numbers and ``now`` are passed in);
``write_interchange`` allocates the control numbers from a
:class:`~transforms.edi.control_numbers.ControlNumberAllocator` first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal

import msgspec

from transforms.edi.control_numbers import (
    ControlNumberAllocator,
    control_number_scope,
    wrap,
)
from transforms.edi.errors import EdiWriteError
from transforms.edi.x12.ack_matching import SentGroup
from transforms.edi.x12.segments import Segment, Separators

FUNCTIONAL_IDS = {
    "810": "IN",
    "846": "IB",
    "850": "PO",
    "855": "PR",
    "856": "SH",
    "940": "OW",
    "945": "SW",
    "997": "FA",
    "999": "FA",
}
"""GS01 functional identifier code for each transaction set written."""


class EnvelopeSettings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One partner's envelope: who we are to them, who they are, how they want it."""

    sender_id: str
    receiver_id: str
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    application_sender: str = ""
    """GS02; the ISA sender id when empty."""
    application_receiver: str = ""
    """GS03; the ISA receiver id when empty."""
    version: str = "00401"
    """ISA12 interchange control version."""
    group_version: str = "004010"
    """GS08 version / release / industry identifier."""
    usage: Literal["P", "T"] = "P"
    ack_requested: bool = False
    separators: Separators = Separators()
    line_break: bool = True
    """Write a newline after each segment terminator (readable; ignored by readers)."""
    authorization_qualifier: str = "00"
    authorization: str = ""
    security_qualifier: str = "00"
    security: str = ""

    def __post_init__(self) -> None:
        for name in ("sender_id", "receiver_id"):
            value = getattr(self, name)
            if not 1 <= len(value) <= 15:
                raise EdiWriteError(f"{name} {value!r} must be 1 to 15 characters (ISA06/ISA08)")
        for name in ("authorization", "security"):
            if len(getattr(self, name)) > 10:
                raise EdiWriteError(f"{name} must be at most 10 characters (ISA02/ISA04)")
        seps = self.separators
        chars = [seps.element, seps.component, seps.segment]
        if seps.repetition is not None:
            chars.append(seps.repetition)
            if self.version < "00402":
                raise EdiWriteError(
                    f"version {self.version} has no repetition separator (ISA11 is 'U' "
                    "before 00402); remove separators.repetition or raise the version"
                )
        if len(set(chars)) != len(chars) or any(len(c) != 1 or c.isalnum() for c in chars):
            raise EdiWriteError(
                f"separators {chars!r} must be distinct single non-alphanumeric characters"
            )


class OutboundSet(msgspec.Struct, frozen=True, kw_only=True):
    """A transaction set to write: its id and body segments (ST and SE are added)."""

    set_id: str
    body: tuple[Segment, ...]
    implementation: str = ""


class WrittenInterchange(msgspec.Struct, frozen=True, kw_only=True):
    """An interchange as written, with the control numbers it used.

    ``groups`` describe each functional group sent, to match the partner's 997 later
    (see :mod:`transforms.edi.x12.ack_matching`).
    """

    text: str
    interchange_control_number: int
    group_control_numbers: tuple[int, ...]
    groups: tuple[SentGroup, ...] = ()


def group_sets(sets: Sequence[OutboundSet]) -> list[list[OutboundSet]]:
    """Sets grouped by functional identifier (one GS per kind), order kept."""
    groups: dict[str, list[OutboundSet]] = {}
    for item in sets:
        groups.setdefault(functional_id(item.set_id), []).append(item)
    return list(groups.values())


def functional_id(set_id: str) -> str:
    try:
        return FUNCTIONAL_IDS[set_id]
    except KeyError:
        raise EdiWriteError(
            f"no GS01 functional identifier is known for transaction set {set_id!r}; "
            f"known: {', '.join(sorted(FUNCTIONAL_IDS))}"
        ) from None


def render_interchange(
    groups: Sequence[Sequence[OutboundSet]],
    settings: EnvelopeSettings,
    *,
    interchange_control_number: int,
    group_control_numbers: Sequence[int],
    now: datetime,
    leading: Sequence[Segment] = (),
) -> str:
    """The interchange text; ``leading`` segments (e.g. a TA1) go before the first GS."""
    if len(group_control_numbers) != len(groups):
        raise EdiWriteError(
            f"{len(groups)} groups need {len(groups)} group control numbers, "
            f"got {len(group_control_numbers)}"
        )
    now = now.astimezone(UTC)
    seps = settings.separators
    segments = [_isa(settings, interchange_control_number, now), *leading]
    for group, number in zip(groups, group_control_numbers, strict=True):
        segments.extend(_group(group, settings, number, now))
    segments.append(Segment("IEA", (str(len(groups)), f"{interchange_control_number:09d}")))
    terminator = seps.segment + ("\n" if settings.line_break and seps.segment != "\n" else "")
    lines = [_render_isa(segments[0], seps)]
    lines.extend(_render(segment, seps) for segment in segments[1:])
    return terminator.join(lines) + terminator


async def write_interchange(
    sets: Sequence[OutboundSet],
    settings: EnvelopeSettings,
    allocator: ControlNumberAllocator,
    now: datetime,
    *,
    leading: Sequence[Segment] = (),
) -> WrittenInterchange:
    """Group ``sets``, allocate control numbers, and render one interchange."""
    groups = group_sets(sets)
    isa = await allocator.allocate(
        control_number_scope(settings.sender_id, settings.receiver_id, "isa")
    )
    first_gs = await allocator.allocate(
        control_number_scope(settings.sender_id, settings.receiver_id, "gs"), max(len(groups), 1)
    )
    numbers = tuple(wrap(first_gs + i) for i in range(len(groups)))
    text = render_interchange(
        groups,
        settings,
        interchange_control_number=wrap(isa),
        group_control_numbers=numbers,
        now=now,
        leading=leading,
    )
    sent = tuple(
        SentGroup(
            functional_id=functional_id(group[0].set_id),
            control_number=str(number),
            interchange_control_number=f"{wrap(isa):09d}",
            set_control_numbers=tuple(f"{i:04d}" for i in range(1, len(group) + 1)),
            set_ids=tuple(item.set_id for item in group),
        )
        for group, number in zip(groups, numbers, strict=True)
    )
    return WrittenInterchange(
        text=text,
        interchange_control_number=wrap(isa),
        group_control_numbers=numbers,
        groups=sent,
    )


def _isa(settings: EnvelopeSettings, number: int, now: datetime) -> Segment:
    seps = settings.separators
    return Segment(
        "ISA",
        (
            settings.authorization_qualifier,
            settings.authorization.ljust(10),
            settings.security_qualifier,
            settings.security.ljust(10),
            settings.sender_qualifier,
            settings.sender_id.ljust(15),
            settings.receiver_qualifier,
            settings.receiver_id.ljust(15),
            now.strftime("%y%m%d"),
            now.strftime("%H%M"),
            seps.repetition if seps.repetition is not None else "U",
            settings.version,
            f"{number:09d}",
            "1" if settings.ack_requested else "0",
            settings.usage,
            seps.component,
        ),
    )


def _group(
    sets: Sequence[OutboundSet], settings: EnvelopeSettings, number: int, now: datetime
) -> list[Segment]:
    version = settings.group_version
    if sets and sets[0].set_id == "999":
        version = sets[0].implementation or version
    segments = [
        Segment(
            "GS",
            (
                functional_id(sets[0].set_id),
                settings.application_sender or settings.sender_id,
                settings.application_receiver or settings.receiver_id,
                now.strftime("%Y%m%d"),
                now.strftime("%H%M"),
                str(number),
                "X",
                version,
            ),
        )
    ]
    for index, item in enumerate(sets, start=1):
        control = f"{index:04d}"
        st = (
            (item.set_id, control, item.implementation)
            if item.implementation
            else (
                item.set_id,
                control,
            )
        )
        body = [Segment("ST", st), *item.body]
        body.append(Segment("SE", (str(len(body) + 1), control)))
        segments.extend(body)
    segments.append(Segment("GE", (str(len(sets)), str(number))))
    return segments


def _render_isa(isa: Segment, seps: Separators) -> str:
    return seps.element.join(["ISA", *isa.elements])


def _render(segment: Segment, seps: Separators) -> str:
    # Composite values arrive joined with the component separator, so it is allowed.
    reserved = {seps.element, seps.segment, "\r", "\n"}
    if seps.repetition is not None:
        reserved.add(seps.repetition)
    for number, value in enumerate(segment.elements, start=1):
        bad = reserved.intersection(value)
        if bad:
            raise EdiWriteError(
                f"{segment.tag}{number:02d} value {value!r} contains the separator(s) "
                f"{sorted(bad)!r}; X12 has no escape character, so change the data "
                "or the partner's separators"
            )
    return segment.render(seps)
