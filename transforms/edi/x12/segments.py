"""Typed X12 building blocks: separators and segments."""

from __future__ import annotations

import msgspec


class Separators(msgspec.Struct, frozen=True):
    """The delimiters of one interchange, as its ISA header declares them.

    ``segment`` is the terminator written after each segment; a reader also accepts
    CR/LF after it (or instead of it when ``segment`` is itself a line break).
    ``repetition`` is ``None`` before version 00402, where ISA11 is the standards id.
    """

    element: str = "*"
    component: str = ">"
    segment: str = "~"
    repetition: str | None = None


class Segment(msgspec.Struct, frozen=True):
    """One segment: its id, its elements as raw text, its place in the interchange.

    ``elements[0]`` is element 01 (X12 counts from 1, so use :meth:`el`).
    ``index`` is the 1-based position in the interchange (ISA = 1). Elements keep
    their raw text: use :meth:`components` / :meth:`repeats` to split composites.
    """

    tag: str
    elements: tuple[str, ...]
    index: int = 0

    def el(self, number: int, default: str = "") -> str:
        """Element ``number`` (1-based), or ``default`` when absent or empty."""
        if 1 <= number <= len(self.elements):
            value = self.elements[number - 1]
            return value if value != "" else default
        return default

    def components(self, number: int, separators: Separators) -> tuple[str, ...]:
        """Element ``number`` split on the component separator."""
        return tuple(self.el(number).split(separators.component))

    def repeats(self, number: int, separators: Separators) -> tuple[str, ...]:
        """Element ``number`` split on the repetition separator (one item before 00402)."""
        value = self.el(number)
        if separators.repetition is None:
            return (value,)
        return tuple(value.split(separators.repetition))

    def render(self, separators: Separators) -> str:
        """The segment as text, trailing empty elements dropped, without terminator."""
        elements = list(self.elements)
        while elements and elements[-1] == "":
            elements.pop()
        return separators.element.join([self.tag, *elements])
