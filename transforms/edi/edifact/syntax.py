"""EDIFACT service characters and segments (elements → repetitions → components)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import msgspec

Components = tuple[str, ...]


class Delimiters(msgspec.Struct, frozen=True):
    """Service characters, from UNA or the syntax defaults (ISO 9735).

    ``repetition`` is ``None`` before syntax version 4 (UNA5 is then reserved).
    """

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    repetition: str | None = None
    segment: str = "'"

    @classmethod
    def from_una(cls, una: str) -> Delimiters:
        """From the 6 characters after ``UNA``."""
        return cls(
            component=una[0],
            element=una[1],
            decimal=una[2],
            release=una[3],
            repetition=None if una[4] == " " else una[4],
            segment=una[5],
        )


class EdifactSegment(msgspec.Struct, frozen=True):
    """One segment, released characters already unescaped.

    ``elements[i]`` is data element ``i + 1`` as a tuple of repetitions, each a tuple
    of components. ``index`` is the 1-based position in the interchange (UNB = 1;
    UNA is not a segment).
    """

    tag: str
    elements: tuple[tuple[Components, ...], ...]
    index: int = 0

    def get(self, element: int, component: int = 1, default: str = "") -> str:
        """Component ``component`` of the first repetition of element ``element``."""
        if 1 <= element <= len(self.elements):
            first = self.elements[element - 1][0]
            if 1 <= component <= len(first) and first[component - 1] != "":
                return first[component - 1]
        return default

    def element(self, element: int) -> Components:
        """The components of the first repetition of element ``element``."""
        if 1 <= element <= len(self.elements):
            return self.elements[element - 1][0]
        return ()

    def repetitions(self, element: int) -> tuple[Components, ...]:
        if 1 <= element <= len(self.elements):
            return self.elements[element - 1]
        return ()


def parse_number(text: str) -> Decimal | None:
    """A numeric data element; both ``.`` and ``,`` are decimal marks (ISO 9735)."""
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None
