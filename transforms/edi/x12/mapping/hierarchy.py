"""HL hierarchies (856, 945, 846): segments grouped into levels linked by parent ids.

HL02 (the parent's HL01) may be left empty on levels below the first: the parent is
then the nearest preceding level of a higher level code (S above O above T above P
above I), which is how senders that omit HL02 mean it (``HL*2**O`` under ``HL*1**S``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from transforms.edi.errors import EdiMappingError
from transforms.edi.x12.segments import Segment

RANKS = {"S": 0, "O": 1, "T": 2, "P": 3, "Q": 4, "I": 5}
"""Level codes from the top (shipment) down to the item; unknown codes rank lowest."""


class Level:
    """One HL level: its code (S, O, T, P, I), its own segments, parent and children."""

    def __init__(self, hl: Segment, position: int) -> None:
        self.hl = hl
        self.position = position
        self.id = hl.el(1)
        self.parent_id = hl.el(2)
        self.code = hl.el(3)
        self.segments: list[Segment] = []
        self.children: list[Level] = []
        self.parent: Level | None = None

    @property
    def rank(self) -> int:
        return RANKS.get(self.code, len(RANKS))

    def first(self, tag: str, qualifier: str | None = None) -> Segment | None:
        for segment in self.segments:
            if segment.tag == tag and (qualifier is None or segment.el(1) == qualifier):
                return segment
        return None

    def all(self, tag: str) -> Iterator[Segment]:
        return (segment for segment in self.segments if segment.tag == tag)

    def walk(self) -> Iterator[Level]:
        """This level and every level below it, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def lineage(self) -> Iterator[Level]:
        """This level, then its parent, up to the root."""
        level: Level | None = self
        while level is not None:
            yield level
            level = level.parent


def build_levels(body: Sequence[Segment], first_position: int) -> tuple[list[Segment], list[Level]]:
    """Segments before the first HL, and the root levels.

    ``first_position`` is the set position of ``body[0]`` (2 for a body after ST).
    """
    header: list[Segment] = []
    by_id: dict[str, Level] = {}
    ordered: list[Level] = []
    roots: list[Level] = []
    current: Level | None = None
    for offset, segment in enumerate(body):
        position = first_position + offset
        if segment.tag == "HL":
            current = Level(segment, position)
            if not current.id or current.id in by_id:
                raise EdiMappingError(
                    f"HL01 {current.id!r} is empty or repeats an earlier HL id",
                    segment_id="HL",
                    segment_position=position,
                    element=1,
                    code="7",
                    bad_value=current.id,
                )
            current.parent = _parent(current, by_id, ordered)
            if current.parent is None:
                roots.append(current)
            else:
                current.parent.children.append(current)
            by_id[current.id] = current
            ordered.append(current)
        elif current is None:
            header.append(segment)
        else:
            current.segments.append(segment)
    return header, roots


def _parent(level: Level, by_id: dict[str, Level], earlier: list[Level]) -> Level | None:
    """The level HL02 names; without HL02, the nearest earlier level ranked above it."""
    if level.parent_id:
        parent = by_id.get(level.parent_id)
        if parent is None:
            raise EdiMappingError(
                f"HL02 parent {level.parent_id!r} does not name an earlier HL",
                segment_id="HL",
                segment_position=level.position,
                element=2,
                code="7",
                bad_value=level.parent_id,
            )
        return parent
    return next((e for e in reversed(earlier) if e.rank < level.rank), None)
