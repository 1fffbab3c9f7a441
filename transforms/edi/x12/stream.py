"""Read X12 as a stream of events: each set, group and interchange as it completes.

Memory stays bounded by the largest transaction set, whatever the interchange size.
A set's ``accepted`` reflects set-level checks only; under ``Strictness.REJECT`` an
interchange- or group-level error found later (at GE/IEA) rejects every set of that
group or interchange, so a streaming consumer that publishes must wait for the
``GroupRead``/``InterchangeRead`` event (``read_x12`` does this for you).
"""

from __future__ import annotations

from collections.abc import Iterator

import msgspec

from transforms.edi.control_numbers import control_key
from transforms.edi.findings import Finding, Kind, Level, Severity
from transforms.edi.source import Source, text_chunks
from transforms.edi.x12 import checks
from transforms.edi.x12.envelope import (
    GroupHeader,
    GroupSummary,
    InterchangeHeader,
    InterchangeSummary,
    SetOutcome,
    TransactionSet,
)
from transforms.edi.x12.segments import Segment
from transforms.edi.x12.settings import X12ReadSettings
from transforms.edi.x12.tokenizer import X12Tokenizer


class SetRead(msgspec.Struct, frozen=True, kw_only=True):
    """A transaction set, read and envelope-checked."""

    interchange: InterchangeHeader
    group: GroupHeader | None
    transaction_set: TransactionSet
    findings: tuple[Finding, ...]
    accepted: bool


class GroupRead(msgspec.Struct, frozen=True, kw_only=True):
    """A functional group closed (by GE, or by what followed when GE is missing)."""

    interchange: InterchangeHeader
    group: GroupSummary
    findings: tuple[Finding, ...]

    @property
    def rejected(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)


class InterchangeRead(msgspec.Struct, frozen=True, kw_only=True):
    """An interchange closed (by IEA, or by what followed when IEA is missing)."""

    interchange: InterchangeSummary
    findings: tuple[Finding, ...]

    @property
    def rejected(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)


class OutsideInterchange(msgspec.Struct, frozen=True, kw_only=True):
    """Text found between interchanges (after an IEA and before the next ISA)."""

    finding: Finding


X12Event = SetRead | GroupRead | InterchangeRead | OutsideInterchange


def iter_x12(source: Source, settings: X12ReadSettings | None = None) -> Iterator[X12Event]:
    """Read ``source`` and yield an event for each set, group and interchange read.

    Raises :class:`~transforms.edi.errors.X12SyntaxError` when the data is not X12 at
    all and :class:`~transforms.edi.errors.EdiDecodeError` when it is not valid text.
    """
    settings = settings or X12ReadSettings()
    tokenizer = X12Tokenizer(text_chunks(source, encoding=settings.encoding))
    yield from _Assembler(settings, tokenizer).run()


class _OpenGroup:
    def __init__(self, gs: Segment) -> None:
        self.gs = gs
        self.header = GroupHeader.from_segment(gs)
        self.outcomes: list[SetOutcome] = []
        self.control_numbers: set[str] = set()
        self.findings: list[Finding] = []


class _Assembler:
    def __init__(self, settings: X12ReadSettings, tokenizer: X12Tokenizer) -> None:
        self._settings = settings
        self._tokenizer = tokenizer
        self._header: InterchangeHeader | None = None
        self._interchange_findings: list[Finding] = []
        self._group_count = 0
        self._group_numbers: set[str] = set()
        self._group: _OpenGroup | None = None
        self._set: list[Segment] | None = None
        self._last = 0

    def run(self) -> Iterator[X12Event]:
        for segment in self._tokenizer:
            if segment.index == 0:
                yield OutsideInterchange(finding=self._stray(segment, Level.INTERCHANGE))
                continue
            tag = segment.tag
            if tag == "ISA":
                yield from self._close_interchange(None)
                self._open_interchange(segment)
            elif tag == "GS":
                yield from self._close_group(None)
                self._open_group(segment)
            elif tag == "ST":
                yield from self._close_set()
                self._set = [segment]
            elif tag == "GE":
                yield from self._close_group(segment)
            elif tag == "IEA":
                yield from self._close_interchange(segment)
            elif self._set is not None:
                self._set.append(segment)
                if tag == "SE":
                    yield from self._close_set()
            else:
                level = Level.GROUP if self._group is not None else Level.INTERCHANGE
                finding = self._stray(segment, level)
                if self._group is not None:
                    self._group.findings.append(finding)
                else:
                    self._interchange_findings.append(finding)
            self._last = segment.index
        yield from self._close_interchange(None)

    def _stray(self, segment: Segment, level: Level) -> Finding:
        """A warning for a segment outside any set: AK3 ``2`` (unexpected segment) in a
        group, TA1 ``024`` (invalid interchange content) outside groups."""
        return Finding(
            level=level,
            kind=Kind.SEGMENT,
            severity=Severity.WARNING,
            code="2" if level is Level.GROUP else "024",
            message=f"segment {segment.tag!r} is outside any transaction set; it was ignored",
            segment_id=segment.tag,
            segment_position=segment.index,
        )

    def _open_interchange(self, isa: Segment) -> None:
        separators = self._tokenizer.separators
        assert separators is not None
        self._header = InterchangeHeader.from_segment(isa, separators, self._tokenizer.isa_length)
        self._interchange_findings = checks.check_isa(self._header, isa, self._settings.strictness)
        self._group_count = 0
        self._group_numbers = set()

    def _open_group(self, gs: Segment) -> None:
        self._group = _OpenGroup(gs)
        self._group_count += 1
        number = self._group.header.control_number
        if control_key(number) in self._group_numbers:
            self._group.findings.append(
                checks.group_finding(
                    "19",
                    f"GS06 control number {number!r} is used twice in the interchange",
                    gs,
                    self._settings.strictness,
                    element=6,
                )
            )
        self._group_numbers.add(control_key(number))

    def _close_set(self) -> Iterator[X12Event]:
        segments, self._set = self._set, None
        if segments is None:
            return
        assert self._header is not None
        group = self._group
        seen = group.control_numbers if group is not None else set()
        findings = checks.check_set(segments, seen)
        if group is None:
            findings.append(
                checks.set_finding(
                    "6", "transaction set is not inside a functional group (no GS)", "ST", 1
                )
            )
        st = segments[0]
        seen.add(control_key(st.el(2)))
        accepted = not any(f.severity is Severity.ERROR for f in findings)
        transaction_set = TransactionSet(
            set_id=st.el(1),
            control_number=st.el(2),
            implementation=st.el(3),
            segments=tuple(segments),
            separators=self._header.separators,
        )
        if group is not None:
            group.outcomes.append(
                SetOutcome(
                    set_id=transaction_set.set_id,
                    control_number=transaction_set.control_number,
                    implementation=transaction_set.implementation,
                    accepted=accepted,
                    findings=tuple(findings),
                )
            )
        yield SetRead(
            interchange=self._header,
            group=group.header if group is not None else None,
            transaction_set=transaction_set,
            findings=tuple(findings),
            accepted=accepted,
        )

    def _close_group(self, ge: Segment | None) -> Iterator[X12Event]:
        yield from self._close_set()
        group, self._group = self._group, None
        if group is None:
            if ge is not None:
                self._interchange_findings.append(self._stray(ge, Level.INTERCHANGE))
            return
        assert self._header is not None
        group.findings.extend(
            checks.check_ge(
                group.header,
                group.gs,
                ge,
                len(group.outcomes),
                self._settings.strictness,
                self._last,
            )
        )
        declared = ge.el(1) if ge is not None else ""
        yield GroupRead(
            interchange=self._header,
            group=GroupSummary(
                header=group.header,
                declared_sets=int(declared) if declared.isdigit() else None,
                trailer_control_number=ge.el(2) if ge is not None else None,
                sets=tuple(group.outcomes),
            ),
            findings=tuple(group.findings),
        )

    def _close_interchange(self, iea: Segment | None) -> Iterator[X12Event]:
        yield from self._close_group(None)
        header, self._header = self._header, None
        if header is None:
            return
        findings = self._interchange_findings
        findings.extend(
            checks.check_iea(header, iea, self._group_count, self._settings.strictness, self._last)
        )
        declared = iea.el(1) if iea is not None else ""
        yield InterchangeRead(
            interchange=InterchangeSummary(
                header=header,
                declared_groups=int(declared) if declared.isdigit() else None,
                trailer_control_number=iea.el(2) if iea is not None else None,
                group_count=self._group_count,
            ),
            findings=tuple(findings),
        )
