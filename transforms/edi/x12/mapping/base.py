"""What every X12 ↔ canonical mapping shares: context, result, helpers on segments."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation

import msgspec

from transforms.edi.errors import EdiMappingError, EdiUnmappableError
from transforms.edi.mapped import Mapped as Mapped
from transforms.edi.mapping_settings import MappingSettings
from transforms.edi.x12.envelope import GroupHeader, InterchangeHeader, TransactionSet
from transforms.edi.x12.requirements import missing_code, standard_version
from transforms.edi.x12.segments import Segment


class MapContext(msgspec.Struct, frozen=True, kw_only=True):
    """Where a set came from, and the partner's mapping defaults."""

    interchange: InterchangeHeader
    group: GroupHeader
    settings: MappingSettings = MappingSettings()


Mapper = Callable[[TransactionSet, MapContext], Mapped]
"""Maps one transaction set to a canonical event, raising EdiMappingError."""


class SetCursor:
    """Walks a set's body, tracking positions for precise mapping errors."""

    def __init__(self, transaction_set: TransactionSet, context: MapContext | None = None) -> None:
        self.set = transaction_set
        self.version = (
            standard_version(context.group.version, context.interchange.version) if context else ""
        )
        self.segments = transaction_set.body
        self._placed: set[int] = set()

    def position(self, segment: Segment) -> int:
        return self.set.position_of(segment)

    def place(self, *segments: Segment | None) -> None:
        """Note item-level segments as carried into the canonical payload."""
        self._placed.update(self.position(s) for s in segments if s is not None)

    def mapped(self, event_type: str, payload: msgspec.Struct) -> Mapped:
        """The mapping result, with the item-level segments placed."""
        return Mapped(event_type=event_type, payload=payload, placed=frozenset(self._placed))

    def first(self, tag: str, qualifier: str | None = None) -> Segment | None:
        for segment in self.segments:
            if segment.tag == tag and (qualifier is None or segment.el(1) == qualifier):
                return segment
        return None

    def all(self, tag: str) -> Iterator[Segment]:
        return (segment for segment in self.segments if segment.tag == tag)

    def require(self, tag: str) -> Segment:
        found = self.first(tag)
        if found is None:
            raise EdiMappingError(
                f"mandatory segment {tag} is missing from the {self.set.set_id}",
                segment_id=tag,
                segment_position=len(self.set.segments),
                code="3",
            )
        return found

    def required_el(self, segment: Segment, number: int, what: str) -> str:
        """The element's value; empty is a rejection (AK4 code 1) when the set's version
        makes the element mandatory, else the set cannot be mapped (``edi.unmapped``)."""
        value = segment.el(number).strip()
        if value:
            return value
        present = {n for n in range(1, len(segment.elements) + 1) if segment.el(n).strip()}
        code = missing_code(segment.tag, number, present, self.version)
        if code is None:
            raise EdiUnmappableError(
                f"{segment.tag}{number:02d} ({what}) at segment {self.position(segment)} is "
                f"empty: optional in {self.version or 'this version'}, but the canonical "
                "document needs it"
            )
        raise EdiMappingError(
            f"{segment.tag}{number:02d} ({what}) is empty",
            segment_id=segment.tag,
            segment_position=self.position(segment),
            element=number,
            code=code,
        )

    def error(
        self, segment: Segment, number: int, message: str, code: str = "7"
    ) -> EdiMappingError:
        return EdiMappingError(
            message,
            segment_id=segment.tag,
            segment_position=self.position(segment),
            element=number,
            code=code,
            bad_value=segment.el(number),
        )

    def decimal(self, segment: Segment, number: int, what: str) -> Decimal:
        raw = self.required_el(segment, number, what)
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise self.error(segment, number, f"{what} {raw!r} is not a number", "6") from None
        if not value.is_finite():
            raise self.error(segment, number, f"{what} {raw!r} is not a number", "6")
        return value

    def date(self, segment: Segment, number: int, what: str) -> date:
        raw = self.required_el(segment, number, what)
        parsed = parse_date(raw)
        if parsed is None:
            raise self.error(segment, number, f"{what} {raw!r} is not a CCYYMMDD date", "8")
        return parsed

    def time(self, segment: Segment, number: int) -> time:
        raw = segment.el(number).strip()
        if not raw:
            return time(0, 0)
        parsed = parse_time(raw)
        if parsed is None:
            raise self.error(segment, number, f"time {raw!r} is not HHMM[SS]", "9")
        return parsed


def parse_date(raw: str) -> date | None:
    """CCYYMMDD or YYMMDD (years 00-49 → 20xx, as X12 windowing does), else None."""
    try:
        if len(raw) == 8 and raw.isdigit():
            return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        if len(raw) == 6 and raw.isdigit():
            year = int(raw[:2])
            return date(2000 + year if year < 50 else 1900 + year, int(raw[2:4]), int(raw[4:]))
    except ValueError:
        return None
    return None


def parse_time(raw: str) -> time | None:
    """HHMM, HHMMSS or HHMMSSd..d, else None."""
    if len(raw) < 4 or not raw.isdigit():
        return None
    try:
        return time(int(raw[:2]), int(raw[2:4]), int(raw[4:6]) if len(raw) >= 6 else 0)
    except ValueError:
        return None


def local_datetime(day: date, at: time, settings: MappingSettings) -> datetime:
    """An EDI date and time, in the partner's zone, as an aware datetime."""
    return datetime.combine(day, at, tzinfo=settings.zone())


UTC_TIME_CODES = ("UT", "GM", "UTC")
"""DTM04 time codes meaning universal time; any other (or none) means the partner's zone."""


def dtm_datetime(cursor: SetCursor, dtm: Segment, settings: MappingSettings) -> datetime:
    """DTM02 date + DTM03 time, in UTC when DTM04 says so, else the partner's zone."""
    day = cursor.date(dtm, 2, f"DTM {dtm.el(1)} date")
    at = cursor.time(dtm, 3)
    if dtm.el(4) in UTC_TIME_CODES:
        return datetime.combine(day, at, tzinfo=UTC)
    return local_datetime(day, at, settings)


def loops(segments: Iterable[Segment], start: str) -> list[list[Segment]]:
    """Split ``segments`` into loops each starting at a ``start`` segment."""
    result: list[list[Segment]] = []
    for segment in segments:
        if segment.tag == start:
            result.append([segment])
        elif result:
            result[-1].append(segment)
    return result
