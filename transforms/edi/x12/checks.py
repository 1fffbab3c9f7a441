"""Envelope checks: pure functions from envelope facts to findings.

Codes are X12's own: TA1 ``I18`` note codes for the interchange, AK9 ``716`` codes for
the group, AK5 ``717`` codes for the set, so acknowledgements are built from findings.
"""

from __future__ import annotations

from typing import NamedTuple

from transforms.edi.control_numbers import control_key, same_control_number
from transforms.edi.findings import Finding, Kind, Level, Severity
from transforms.edi.x12.envelope import GroupHeader, InterchangeHeader
from transforms.edi.x12.segments import Segment
from transforms.edi.x12.settings import Strictness
from transforms.edi.x12.tokenizer import ISA_LENGTH


def _envelope_severity(strictness: Strictness) -> Severity:
    return Severity.ERROR if strictness is Strictness.REJECT else Severity.WARNING


def interchange_finding(
    code: str,
    message: str,
    segment: Segment | None,
    strictness: Strictness,
    *,
    element: int | None = None,
    segment_id: str = "",
    position: int = 0,
) -> Finding:
    at = segment if segment is not None else Segment(segment_id, (), position)
    return _envelope_finding(Level.INTERCHANGE, code, message, at, strictness, element=element)


def group_finding(
    code: str,
    message: str,
    segment: Segment,
    strictness: Strictness,
    *,
    element: int | None = None,
) -> Finding:
    return _envelope_finding(Level.GROUP, code, message, segment, strictness, element=element)


def _envelope_finding(
    level: Level,
    code: str,
    message: str,
    segment: Segment,
    strictness: Strictness,
    *,
    element: int | None = None,
) -> Finding:
    return Finding(
        level=level,
        kind=Kind.ENVELOPE,
        severity=_envelope_severity(strictness),
        code=code,
        message=message,
        segment_id=segment.tag,
        segment_position=segment.index,
        element=element,
    )


def set_finding(
    code: str, message: str, segment_id: str, position: int, *, element: int | None = None
) -> Finding:
    return Finding(
        level=Level.SET,
        kind=Kind.ENVELOPE,
        severity=Severity.ERROR,
        code=code,
        message=message,
        segment_id=segment_id,
        segment_position=position,
        element=element,
    )


def check_isa(header: InterchangeHeader, isa: Segment, strictness: Strictness) -> list[Finding]:
    """Checks on the ISA alone (length, control number, flags)."""
    found: list[Finding] = []
    if len(isa.elements) != 16:
        found.append(
            interchange_finding(
                "022", f"ISA has {len(isa.elements)} elements, expected 16", isa, strictness
            )
        )
    if header.isa_length != ISA_LENGTH:
        found.append(
            interchange_finding(
                "022",
                f"ISA is {header.isa_length} characters long, expected {ISA_LENGTH} "
                "(fixed-width ISA fields are mis-padded)",
                isa,
                strictness,
            )
        )
    if not (len(header.control_number) == 9 and header.control_number.isdigit()):
        found.append(
            interchange_finding(
                "018",
                f"ISA13 control number {header.control_number!r} is not 9 digits",
                isa,
                strictness,
                element=13,
            )
        )
    if header.ack_requested not in ("0", "1"):
        found.append(
            interchange_finding(
                "019",
                f"ISA14 acknowledgment requested {header.ack_requested!r} is not 0 or 1",
                isa,
                strictness,
                element=14,
            )
        )
    if header.usage not in ("P", "T", "I"):
        found.append(
            interchange_finding(
                "020",
                f"ISA15 usage indicator {header.usage!r} is not P, T or I",
                isa,
                strictness,
                element=15,
            )
        )
    return found


def check_iea(
    header: InterchangeHeader,
    iea: Segment | None,
    group_count: int,
    strictness: Strictness,
    last_position: int,
) -> list[Finding]:
    """Checks of the IEA trailer against the ISA and the groups read."""
    return _check_trailer(_IEA, header.control_number, iea, group_count, strictness, last_position)


def check_ge(
    header: GroupHeader,
    gs: Segment,
    ge: Segment | None,
    set_count: int,
    strictness: Strictness,
    last_position: int,
) -> list[Finding]:
    """Checks of the GE trailer against the GS and the sets read."""
    found = _check_trailer(_GE, header.control_number, ge, set_count, strictness, last_position)
    if ge is not None and not header.control_number.isdigit():
        found.append(
            group_finding(
                "6",
                f"GS06 control number {header.control_number!r} is not numeric",
                gs,
                strictness,
                element=6,
            )
        )
    return found


class _Trailer(NamedTuple):
    level: Level
    tag: str
    header_element: str  # where the control number it repeats is: "ISA13", "GS06"
    noun: str  # what the header opens
    counted: str  # what its first element counts
    codes: tuple[str, str, str]  # missing, control number differs, count differs
    missing_note: str = ""


_IEA = _Trailer(
    Level.INTERCHANGE,
    "IEA",
    "ISA13",
    "interchange",
    "functional groups",
    ("023", "001", "021"),
    " (the transmission ended early)",
)
_GE = _Trailer(Level.GROUP, "GE", "GS06", "functional group", "transaction sets", ("3", "4", "5"))


def _check_trailer(
    kind: _Trailer,
    control_number: str,
    trailer: Segment | None,
    count: int,
    strictness: Strictness,
    last_position: int,
) -> list[Finding]:
    missing, number_differs, count_differs = kind.codes
    noun = "interchange" if kind.level is Level.INTERCHANGE else "group"
    if trailer is None:
        message = f"{kind.noun} {control_number} has no {kind.tag} trailer{kind.missing_note}"
        at = Segment(kind.tag, (), last_position + 1)
        return [_envelope_finding(kind.level, missing, message, at, strictness)]
    found: list[Finding] = []
    if not same_control_number(trailer.el(2), control_number):
        message = (
            f"{kind.tag}02 control number {trailer.el(2)!r} does not match "
            f"{kind.header_element} {control_number!r}"
        )
        found.append(
            _envelope_finding(kind.level, number_differs, message, trailer, strictness, element=2)
        )
    if control_key(trailer.el(1)) != str(count):
        message = f"{kind.tag}01 says {trailer.el(1)!r} {kind.counted}, the {noun} has {count}"
        found.append(
            _envelope_finding(kind.level, count_differs, message, trailer, strictness, element=1)
        )
    return found


def check_set(segments: list[Segment], seen_control_numbers: set[str]) -> list[Finding]:
    """Checks of one set's ST/SE: ids, control numbers, segment count."""
    st = segments[0]
    found: list[Finding] = []
    if not st.el(1):
        found.append(set_finding("6", "ST01 transaction set identifier is missing", "ST", 1))
    if not st.el(2).strip():
        found.append(set_finding("7", "ST02 control number is missing", "ST", 1, element=2))
    elif control_key(st.el(2)) in seen_control_numbers:
        found.append(
            set_finding(
                "23",
                f"ST02 control number {st.el(2)!r} is used twice in the functional group",
                "ST",
                1,
                element=2,
            )
        )
    se = segments[-1]
    if se.tag != "SE" or len(segments) == 1:
        found.append(
            set_finding(
                "2",
                f"transaction set {st.el(1)} {st.el(2)} has no SE trailer",
                "SE",
                len(segments) + 1,
            )
        )
        return found
    count = len(segments)
    if control_key(se.el(1)) != str(count):
        found.append(
            set_finding(
                "4",
                f"SE01 says {se.el(1)!r} segments, the set has {count} (ST to SE included)",
                "SE",
                count,
                element=1,
            )
        )
    if not same_control_number(se.el(2), st.el(2)):
        found.append(
            set_finding(
                "3",
                f"SE02 control number {se.el(2)!r} does not match ST02 {st.el(2)!r}",
                "SE",
                count,
                element=2,
            )
        )
    return found
