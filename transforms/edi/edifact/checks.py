"""EDIFACT envelope checks; codes are syntax error codes (0085) for the CONTRL."""

from __future__ import annotations

from typing import NamedTuple

from transforms.edi.edifact.syntax import EdifactSegment
from transforms.edi.findings import Finding, Kind, Level, Severity
from transforms.edi.strictness import Strictness

MISSING = "13"
REFERENCES_DO_NOT_MATCH = "28"
COUNT_DOES_NOT_MATCH = "29"
DUPLICATE = "26"
INVALID_VALUE = "12"


def envelope_finding(
    level: Level,
    code: str,
    message: str,
    segment_id: str,
    position: int,
    strictness: Strictness | None,
    element: int | None = None,
) -> Finding:
    """A finding; ``strictness`` ``None`` means a message-level error (always rejects)."""
    severity = Severity.WARNING if strictness is Strictness.WARN else Severity.ERROR
    return Finding(
        level=level,
        kind=Kind.ENVELOPE,
        severity=severity,
        code=code,
        message=message,
        segment_id=segment_id,
        segment_position=position,
        element=element,
    )


def check_unz(
    unb: EdifactSegment,
    unz: EdifactSegment | None,
    count: int,
    strictness: Strictness,
    last_position: int,
) -> list[Finding]:
    """UNZ against UNB: present, same control reference, right count."""
    return _check_trailer(
        _Trailer(Level.INTERCHANGE, "UNZ", "UNB", "interchange", "control reference"),
        unb.get(5),
        unz,
        count,
        strictness,
        last_position,
        missing="the transmission ended early",
        counted="messages or groups",
    )


def check_une(
    ung: EdifactSegment,
    une: EdifactSegment | None,
    count: int,
    strictness: Strictness,
    last_position: int,
) -> list[Finding]:
    """UNE against UNG: present, same group reference, right count."""
    return _check_trailer(
        _Trailer(Level.GROUP, "UNE", "UNG", "group", "group reference"),
        ung.get(5),
        une,
        count,
        strictness,
        last_position,
        missing=None,
        counted="messages",
    )


class _Trailer(NamedTuple):
    level: Level
    tag: str
    header_tag: str
    noun: str  # what the header opens: "interchange", "group"
    reference_name: str


def _check_trailer(
    trailer_kind: _Trailer,
    reference: str | None,
    trailer: EdifactSegment | None,
    count: int,
    strictness: Strictness,
    last_position: int,
    *,
    missing: str | None,
    counted: str,
) -> list[Finding]:
    level, tag, header_tag, noun, reference_name = trailer_kind
    if trailer is None:
        why = f" ({missing})" if missing else ""
        message = f"{noun} {reference} has no {tag} trailer{why}"
        return [envelope_finding(level, MISSING, message, tag, last_position + 1, strictness)]
    found: list[Finding] = []
    if trailer.get(2) != reference:
        message = (
            f"{tag} {reference_name} {trailer.get(2)!r} does not match {header_tag} {reference!r}"
        )
        found.append(
            envelope_finding(
                level, REFERENCES_DO_NOT_MATCH, message, tag, trailer.index, strictness, element=2
            )
        )
    if trailer.get(1) != str(count):
        message = f"{tag} says {trailer.get(1)!r} {counted}, the {noun} has {count}"
        found.append(
            envelope_finding(
                level, COUNT_DOES_NOT_MATCH, message, tag, trailer.index, strictness, element=1
            )
        )
    return found


def check_message(segments: list[EdifactSegment], seen: set[str]) -> list[Finding]:
    """UNH/UNT: trailer present, same reference, segment count (UNH..UNT)."""
    unh = segments[0]
    reference = unh.get(1)
    found: list[Finding] = []
    if reference in seen:
        found.append(
            envelope_finding(
                Level.SET,
                DUPLICATE,
                f"message reference {reference!r} is used twice in the interchange",
                "UNH",
                1,
                None,
                element=1,
            )
        )
    unt = segments[-1]
    if unt.tag != "UNT" or len(segments) == 1:
        found.append(
            envelope_finding(
                Level.SET,
                MISSING,
                f"message {reference} has no UNT trailer",
                "UNT",
                len(segments) + 1,
                None,
            )
        )
        return found
    count = len(segments)
    if unt.get(1) != str(count):
        found.append(
            envelope_finding(
                Level.SET,
                COUNT_DOES_NOT_MATCH,
                f"UNT says {unt.get(1)!r} segments, the message has {count} (UNH to UNT included)",
                "UNT",
                count,
                None,
                element=1,
            )
        )
    if unt.get(2) != reference:
        found.append(
            envelope_finding(
                Level.SET,
                REFERENCES_DO_NOT_MATCH,
                f"UNT message reference {unt.get(2)!r} does not match UNH {reference!r}",
                "UNT",
                count,
                None,
                element=2,
            )
        )
    return found


def check_group_version(ung: EdifactSegment, unh: EdifactSegment) -> list[Finding]:
    """UNG S008 (version:release) against the message's UNH S009."""
    group_version = f"{ung.get(7, 1)}:{ung.get(7, 2)}"
    message_version = f"{unh.get(2, 2)}:{unh.get(2, 3)}"
    if not ung.get(7, 1) or group_version == message_version:
        return []
    return [
        Finding(
            level=Level.SET,
            kind=Kind.ENVELOPE,
            severity=Severity.WARNING,
            code=INVALID_VALUE,
            message=f"UNH says version {message_version}, its group (UNG) says {group_version}",
            segment_id="UNH",
            segment_position=1,
            element=2,
        )
    ]
