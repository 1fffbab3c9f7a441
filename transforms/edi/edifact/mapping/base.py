"""What EDIFACT → canonical mappings share: context, cursor, dates and numbers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal

import msgspec

from transforms.edi.edifact.envelope import InterchangeHeader, Message
from transforms.edi.edifact.requirements import directory_key, is_mandatory
from transforms.edi.edifact.syntax import EdifactSegment, parse_number
from transforms.edi.errors import EdiMappingError, EdiUnmappableError
from transforms.edi.mapped import Mapped
from transforms.edi.mapping_settings import MappingSettings

MISSING = "13"
INVALID_VALUE = "12"


class EdifactMapContext(msgspec.Struct, frozen=True, kw_only=True):
    interchange: InterchangeHeader
    settings: MappingSettings = MappingSettings()


EdifactMapper = Callable[[Message, EdifactMapContext], Mapped]


class MessageCursor:
    """Walks a message's body with positions for precise errors (UCS/UCD)."""

    def __init__(self, message: Message) -> None:
        self.message = message
        self.segments = message.body
        self._placed: set[int] = set()

    def position(self, segment: EdifactSegment) -> int:
        return self.message.position_of(segment)

    def place(self, *segments: EdifactSegment | None) -> None:
        """Note item-level segments as carried into the canonical payload."""
        self._placed.update(self.position(s) for s in segments if s is not None)

    def mapped(self, event_type: str, payload: msgspec.Struct) -> Mapped:
        """The mapping result, with the item-level segments placed."""
        return Mapped(event_type=event_type, payload=payload, placed=frozenset(self._placed))

    def first(self, tag: str, qualifier: str | None = None) -> EdifactSegment | None:
        for segment in self.segments:
            if segment.tag == tag and (qualifier is None or segment.get(1) == qualifier):
                return segment
        return None

    def all(self, tag: str, qualifier: str | None = None) -> Iterator[EdifactSegment]:
        for segment in self.segments:
            if segment.tag == tag and (qualifier is None or segment.get(1) == qualifier):
                yield segment

    def require(self, tag: str) -> EdifactSegment:
        found = self.first(tag)
        if found is None:
            raise EdiMappingError(
                f"mandatory segment {tag} is missing from the {self.message.header.message_type}",
                segment_id=tag,
                segment_position=len(self.message.segments),
                code=MISSING,
            )
        return found

    def required(self, segment: EdifactSegment, element: int, component: int, what: str) -> str:
        """The value; empty rejects the message (code 13) when the message's directory
        makes it mandatory, else the message cannot be mapped (``edi.unmapped``)."""
        value = segment.get(element, component).strip()
        header = self.message.header
        directory = directory_key(header.version, header.release)
        if not value and not is_mandatory(segment.tag, element, component, directory):
            raise EdiUnmappableError(
                f"{segment.tag} element {element}:{component} ({what}) at segment "
                f"{self.position(segment)} is empty: conditional in directory "
                f"{header.version}:{header.release}, but the canonical document needs it"
            )
        if not value:
            raise EdiMappingError(
                f"{segment.tag} element {element}:{component} ({what}) is empty",
                segment_id=segment.tag,
                segment_position=self.position(segment),
                element=element,
                code=MISSING,
            )
        return value

    def number(self, segment: EdifactSegment, element: int, component: int, what: str) -> Decimal:
        raw = self.required(segment, element, component, what)
        value = parse_number(raw)
        if value is None:
            raise EdiMappingError(
                f"{what} {raw!r} is not a number",
                segment_id=segment.tag,
                segment_position=self.position(segment),
                element=element,
                code=INVALID_VALUE,
                bad_value=raw,
            )
        return value

    def dtm(self, dtm: EdifactSegment, settings: MappingSettings) -> datetime:
        """DTM C507: qualifier:value:format (102, 203, 204, 101, 303 supported)."""
        raw = self.required(dtm, 1, 2, "date/time")
        code = dtm.get(1, 3, "102")
        parsed = parse_dtm(raw, code, settings)
        if parsed is None:
            raise EdiMappingError(
                f"DTM {raw!r} does not match format {code}",
                segment_id="DTM",
                segment_position=self.position(dtm),
                element=1,
                code=INVALID_VALUE,
                bad_value=raw,
            )
        return parsed


_FORMATS = {
    "102": ("%Y%m%d", 8),
    "203": ("%Y%m%d%H%M", 12),
    "204": ("%Y%m%d%H%M%S", 14),
    "101": ("%y%m%d", 6),
}


def parse_dtm(raw: str, code: str, settings: MappingSettings) -> datetime | None:
    """An EDIFACT date/time in the partner's zone (303: with an explicit offset)."""
    try:
        if code == "303" and len(raw) == 15:
            return datetime.strptime(raw[:12] + raw[12:] + "00", "%Y%m%d%H%M%z")
        pattern = _FORMATS.get(code)
        if pattern is None or len(raw) != pattern[1]:
            return None
        return datetime.strptime(raw, pattern[0]).replace(tzinfo=settings.zone())
    except ValueError:
        return None


def dtm_date(cursor: MessageCursor, dtm: EdifactSegment, settings: MappingSettings) -> date:
    return cursor.dtm(dtm, settings).date()


def groups(segments: tuple[EdifactSegment, ...], start: str) -> list[list[EdifactSegment]]:
    """Split into segment groups each starting at ``start`` (e.g. LIN)."""
    result: list[list[EdifactSegment]] = []
    for segment in segments:
        if segment.tag == start:
            result.append([segment])
        elif result:
            result[-1].append(segment)
    return result
