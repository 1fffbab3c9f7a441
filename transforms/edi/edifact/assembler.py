"""Group EDIFACT segments into interchanges, groups and messages, checking envelopes.

A stream of events: each message as soon as its UNT is read (``MessageRead``), then the
interchange at UNZ (``InterchangeRead``); memory is bounded by the largest message.
Under ``Strictness.REJECT`` an interchange error found at UNZ rejects messages already
yielded, so a streaming publisher waits for the ``InterchangeRead`` (``read_edifact``
does).
"""

from __future__ import annotations

from collections.abc import Iterator

import msgspec

from transforms.edi.edifact import checks
from transforms.edi.edifact.envelope import InterchangeHeader, Message, MessageHeader
from transforms.edi.edifact.syntax import EdifactSegment
from transforms.edi.edifact.tokenizer import EdifactTokenizer
from transforms.edi.findings import Finding, Kind, Level, Severity
from transforms.edi.strictness import Strictness


class MessageRead(msgspec.Struct, frozen=True, kw_only=True):
    """A message, read and envelope-checked (UNH/UNT)."""

    interchange: InterchangeHeader
    message: Message
    findings: tuple[Finding, ...]
    accepted: bool


class InterchangeRead(msgspec.Struct, frozen=True, kw_only=True):
    """An interchange closed (by UNZ, or by the end of the data / the next UNB)."""

    header: InterchangeHeader
    message_count: int
    findings: tuple[Finding, ...]

    @property
    def rejected(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)


EdifactEvent = MessageRead | InterchangeRead


def iter_events(tokenizer: EdifactTokenizer, strictness: Strictness) -> Iterator[EdifactEvent]:
    """Each message as it closes, then its interchange."""
    state = _State(tokenizer, strictness)
    for segment in tokenizer:
        yield from state.feed(segment)
    yield from state.close_interchange(None)


class _State:
    def __init__(self, tokenizer: EdifactTokenizer, strictness: Strictness) -> None:
        self.tokenizer = tokenizer
        self.strictness = strictness
        self.unb: EdifactSegment | None = None
        self.header: InterchangeHeader | None = None
        self.findings: list[Finding] = []
        self.message_count = 0
        self.references: set[str] = set()
        self.ung: EdifactSegment | None = None
        self.group_count = 0
        self.group_messages = 0
        self.message: list[EdifactSegment] | None = None
        self.last = 0

    def feed(self, segment: EdifactSegment) -> Iterator[EdifactEvent]:
        tag = segment.tag
        if tag == "UNB":
            yield from self.close_interchange(None)
            self.unb = segment
            self.header = InterchangeHeader.from_segment(
                segment, self.tokenizer.delimiters, self.tokenizer.una_present
            )
            self.findings, self.message_count, self.references = [], 0, set()
            self.group_count = 0
        elif tag == "UNZ":
            yield from self.close_interchange(segment)
        elif tag == "UNG":
            yield from self.close_group(None)
            self.ung, self.group_messages = segment, 0
            self.group_count += 1
        elif tag == "UNE":
            yield from self.close_group(segment)
        elif tag == "UNH":
            yield from self.close_message()
            self.message = [segment]
        elif self.message is not None:
            self.message.append(segment)
            if tag == "UNT":
                yield from self.close_message()
        else:
            self.findings.append(
                Finding(
                    level=Level.INTERCHANGE,
                    kind=Kind.SEGMENT,
                    severity=Severity.WARNING,
                    code="33",
                    message=f"segment {tag!r} is outside any message; it was ignored",
                    segment_id=tag,
                    segment_position=segment.index,
                )
            )
        self.last = segment.index

    def close_message(self) -> Iterator[EdifactEvent]:
        segments, self.message = self.message, None
        if segments is None or self.header is None:
            return
        findings = checks.check_message(segments, self.references)
        if self.ung is not None:
            findings += checks.check_group_version(self.ung, segments[0])
        self.references.add(segments[0].get(1))
        self.group_messages += 1
        message = Message(
            header=MessageHeader.from_segment(segments[0]),
            segments=tuple(segments),
            delimiters=self.header.delimiters,
            group_reference=self.ung.get(5) if self.ung is not None else "",
        )
        accepted = not any(f.severity is Severity.ERROR for f in findings)
        self.message_count += 1
        yield MessageRead(
            interchange=self.header, message=message, findings=tuple(findings), accepted=accepted
        )

    def close_group(self, une: EdifactSegment | None) -> Iterator[EdifactEvent]:
        yield from self.close_message()
        if self.ung is None:
            return
        self.findings += checks.check_une(
            self.ung, une, self.group_messages, self.strictness, self.last
        )
        self.ung = None

    def close_interchange(self, unz: EdifactSegment | None) -> Iterator[EdifactEvent]:
        yield from self.close_group(None)
        yield from self.close_message()
        if self.unb is None or self.header is None:
            return
        count = self.group_count or self.message_count
        self.findings += checks.check_unz(self.unb, unz, count, self.strictness, self.last)
        yield InterchangeRead(
            header=self.header, message_count=self.message_count, findings=tuple(self.findings)
        )
        self.unb, self.header = None, None
