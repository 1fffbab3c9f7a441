"""HL hierarchies (856, 945, 846): segments grouped into levels linked by parent ids."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from transforms.edi.errors import EdiMappingError
from transforms.edi.x12.segments import Segment


class Level:
    """One HL level: its code (S, O, T, P, I), its own segments and its children."""

    def __init__(self, hl: Segment, position: int) -> None:
        self.hl = hl
        self.position = position
        self.id = hl.el(1)
        self.parent_id = hl.el(2)
        self.code = hl.el(3)
        self.segments: list[Segment] = []
        self.children: list[Level] = []

    def first(self, tag: str, qualifier: str | None = None) -> Segment | None:
        for segment in self.segments:
            if segment.tag == tag and (qualifier is None or segment.el(1) == qualifier):
                return segment
        return None

    def all(self, tag: str) -> Iterator[Segment]:
        return (segment for segment in self.segments if segment.tag == tag)

    def descendants(self, code: str) -> Iterator[Level]:
        for child in self.children:
            if child.code == code:
                yield child
            yield from child.descendants(code)


def build_levels(body: Sequence[Segment], first_position: int) -> tuple[list[Segment], list[Level]]:
    """Segments before the first HL, and the root levels (HL02 empty).

    ``first_position`` is the set position of ``body[0]`` (2 for a body after ST).
    """
    header: list[Segment] = []
    by_id: dict[str, Level] = {}
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
            by_id[current.id] = current
            if not current.parent_id:
                roots.append(current)
            elif current.parent_id in by_id:
                by_id[current.parent_id].children.append(current)
            else:
                raise EdiMappingError(
                    f"HL02 parent {current.parent_id!r} does not name an earlier HL",
                    segment_id="HL",
                    segment_position=position,
                    element=2,
                    code="7",
                    bad_value=current.parent_id,
                )
        elif current is None:
            header.append(segment)
        else:
            current.segments.append(segment)
    return header, roots
