"""Nothing accepted is silently dropped: every item-level segment must be placed.

A mapper reports the positions of the item-level segments its canonical payload
carries (``Mapped.placed``). ``read_x12`` / ``read_edifact`` compare them with the
item-level segments the document holds; what the mapping could not place is a finding
(reported in the 997 / CONTRL) and the document is handed over as ``edi.unmapped``
instead of being published with items missing.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from transforms.edi.findings import Finding, Kind, Level, Severity

ITEM_SEGMENTS: dict[str, tuple[str, ...]] = {
    # X12 transaction sets
    "856": ("LIN", "SN1"),
    "850": ("PO1",),
    "940": ("LX", "W01"),
    "945": ("LX", "W12"),
    "846": ("LIN",),
    # EDIFACT messages
    "DESADV": ("LIN",),
    "ORDERS": ("LIN",),
}
"""The segments that each carry (part of) one item, per document type."""


class Unplaced(msgspec.Struct, frozen=True):
    """An item-level segment the mapping did not carry into the canonical payload."""

    tag: str
    position: int


def unplaced(
    document_type: str, segments: Iterable[tuple[str, int]], placed: frozenset[int] | None
) -> list[Unplaced]:
    """The item-level ``(tag, position)`` segments of a document not in ``placed``."""
    tags = ITEM_SEGMENTS.get(document_type, ())
    if not tags:
        return []
    done = placed or frozenset()
    return [
        Unplaced(tag, position)
        for tag, position in segments
        if tag in tags and position not in done
    ]


def unplaced_reason(document_type: str, missing: list[Unplaced]) -> str:
    """Why the document is handed over unmapped, naming the first segments left out."""
    shown = ", ".join(f"{m.tag} at segment {m.position}" for m in missing[:5])
    more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
    return (
        f"the {document_type} mapping could not place {len(missing)} item segment(s) "
        f"({shown}{more}) in the canonical document; handed over unmapped so that no "
        "item is lost"
    )


def placement_finding(missing: Unplaced, code: str, document: str) -> Finding:
    """The finding for an item segment left out: a warning on the segment, reported with
    the standard's ``code`` (X12 AK3 ``2`` unexpected segment; EDIFACT 0085 ``15`` not
    supported in this position) while the ``document`` is handed over unmapped."""
    return Finding(
        level=Level.SET,
        kind=Kind.SEGMENT,
        severity=Severity.WARNING,
        code=code,
        message=f"{missing.tag} at segment {missing.position} has no place in the canonical "
        f"document (outside the structure the mapping reads); the {document} is handed "
        "over unmapped",
        segment_id=missing.tag,
        segment_position=missing.position,
    )
