"""NAD segments: party ids, names and postal addresses."""

from __future__ import annotations

from collections.abc import Iterable

from transforms.edi.edifact.syntax import EdifactSegment
from transforms.edi.mapping_settings import MappingSettings
from transforms.model import Address


class Nad:
    """One NAD: qualifier, C082 id, C080 name, C059 street, city, region, postcode, country."""

    def __init__(self, nad: EdifactSegment) -> None:
        self.segment = nad
        self.qualifier = nad.get(1)
        self.id = nad.get(2, 1).strip()
        self.name = " ".join(c.strip() for c in nad.element(4) if c.strip())
        self.street = [c.strip() for c in nad.element(5) if c.strip()]
        self.city = nad.get(6).strip()
        self.region = nad.get(7, 1).strip()
        self.postal_code = nad.get(8).strip()
        self.country = nad.get(9).strip().upper()

    def identifier(self) -> str:
        return self.id or self.name

    def address(self, settings: MappingSettings) -> Address | None:
        """The postal address when NAD gives a street and a city; else ``None``."""
        if not self.street or not self.city:
            return None
        return Address(
            name=self.name or None,
            line1=self.street[0],
            line2=" ".join(self.street[1:]) or None,
            city=self.city,
            region=self.region or None,
            postal_code=self.postal_code or None,
            country=self.country or settings.country,
        )


def parties(segments: Iterable[EdifactSegment]) -> dict[str, Nad]:
    """NAD segments by party qualifier (first one wins)."""
    found: dict[str, Nad] = {}
    for segment in segments:
        if segment.tag == "NAD":
            nad = Nad(segment)
            found.setdefault(nad.qualifier, nad)
    return found
