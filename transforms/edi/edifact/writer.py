"""Write EDIFACT: segments with release escaping, and UNA/UNB..UNZ envelopes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import msgspec

from transforms.edi.edifact.syntax import Delimiters, EdifactSegment
from transforms.edi.errors import EdiWriteError


class EdifactEnvelopeSettings(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """One partner's EDIFACT envelope."""

    sender_id: str
    recipient_id: str
    sender_qualifier: str = "14"
    recipient_qualifier: str = "14"
    syntax_id: str = "UNOC"
    syntax_version: str = "3"
    delimiters: Delimiters = Delimiters()
    write_una: bool = True
    line_break: bool = True

    def __post_init__(self) -> None:
        if not self.sender_id or not self.recipient_id:
            raise EdiWriteError("sender_id and recipient_id are required for UNB S002/S003")


def escape(value: str, d: Delimiters) -> str:
    """``value`` with every service character preceded by the release character."""
    specials = {d.release, d.element, d.component, d.segment}
    if d.repetition:
        specials.add(d.repetition)
    return "".join(f"{d.release}{c}" if c in specials else c for c in value)


def render_segment(segment: EdifactSegment, d: Delimiters) -> str:
    """The segment text without terminator, escaped, trailing empties dropped."""
    elements: list[str] = []
    for repetitions in segment.elements:
        parts = []
        for components in repetitions:
            comps = [escape(c, d) for c in components]
            while comps and comps[-1] == "":
                comps.pop()
            parts.append(d.component.join(comps))
        elements.append((d.repetition or "").join(parts) if d.repetition else parts[0])
    while elements and elements[-1] == "":
        elements.pop()
    return d.element.join([segment.tag, *elements])


def render_interchange(
    messages: Sequence[str],
    settings: EdifactEnvelopeSettings,
    *,
    control_reference: int,
    now: datetime,
) -> str:
    """UNA? UNB, the given UNH..UNT message texts, UNZ."""
    d = settings.delimiters
    utc = now.astimezone(UTC)
    date = utc.strftime("%Y%m%d" if settings.syntax_version >= "4" else "%y%m%d")
    unb = EdifactSegment(
        "UNB",
        (
            ((settings.syntax_id, settings.syntax_version),),
            ((settings.sender_id, settings.sender_qualifier),),
            ((settings.recipient_id, settings.recipient_qualifier),),
            ((date, utc.strftime("%H%M")),),
            ((str(control_reference),),),
        ),
    )
    unz = EdifactSegment("UNZ", (((str(len(messages)),),), ((str(control_reference),),)))
    newline = "\n" if settings.line_break else ""
    una = ""
    if settings.write_una:
        una = (
            "UNA"
            + d.component
            + d.element
            + d.decimal
            + d.release
            + (d.repetition or " ")
            + d.segment
            + newline
        )
    body = "".join(_break_lines(text, d) if newline else text for text in messages)
    return (
        una
        + render_segment(unb, d) + d.segment + newline
        + body
        + render_segment(unz, d) + d.segment + newline
    )  # fmt: skip


def _break_lines(text: str, d: Delimiters) -> str:
    """A newline after each real segment terminator (not after released ones)."""
    out: list[str] = []
    released = False
    for char in text:
        out.append(char)
        if released:
            released = False
        elif char == d.release:
            released = True
        elif char == d.segment:
            out.append("\n")
    return "".join(out)
