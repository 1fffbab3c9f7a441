"""Findings: what envelope validation and mapping report about an interchange."""

from __future__ import annotations

from enum import StrEnum

import msgspec


class Severity(StrEnum):
    """How bad a finding is: warnings are acknowledged, errors reject their level."""

    WARNING = "warning"
    ERROR = "error"


class Level(StrEnum):
    """Which envelope level a finding belongs to (and which acknowledgement reports it)."""

    INTERCHANGE = "interchange"
    GROUP = "group"
    SET = "set"


class Kind(StrEnum):
    """What a finding is about, which decides the acknowledgement segment reporting it.

    ``ENVELOPE``: a header/trailer problem (TA1, AK9, AK5 / UCI, UCM codes).
    ``SEGMENT``: a segment in a set (AK3 or IK3 / UCS). ``ELEMENT``: a data element
    (AK4 or IK4 / UCD), always reported under its segment.
    """

    ENVELOPE = "envelope"
    SEGMENT = "segment"
    ELEMENT = "element"


class Finding(msgspec.Struct, frozen=True, kw_only=True):
    """One problem found in an interchange.

    ``segment_position`` is 1-based: within the transaction set / message (ST or UNH
    = 1) for set-level findings, within the interchange (ISA or UNB = 1) otherwise.
    ``element`` and ``component`` are 1-based positions inside the segment.
    ``code`` is the standard's own code for the problem (TA1 I18, AK5/AK9/AK3/AK4
    for X12; 0085 for EDIFACT), so the acknowledgement can be built from findings.
    """

    level: Level
    kind: Kind
    severity: Severity
    code: str
    message: str
    segment_id: str
    segment_position: int
    element: int | None = None
    component: int | None = None
    data_element_ref: str = ""
    bad_value: str = ""

    def describe(self) -> str:
        """A one-line, human readable description with the location."""
        where = f"{self.segment_id} at segment {self.segment_position}"
        if self.element is not None:
            where += f", element {self.element:02d}"
            if self.component is not None:
                where += f"-{self.component}"
        return f"{self.severity.value}: {self.message} ({where})"
