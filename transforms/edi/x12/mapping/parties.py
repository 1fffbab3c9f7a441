"""N1 loops (N1/N2/N3/N4): parties and addresses named by entity code.

The ship-to is the first of ``SHIP_TO_CODES`` present: ``ST`` (ship to) in most
documents, ``CN`` (consignee) in 3PL warehouse orders, ``BS`` (bill and ship to) when
one party is both, ``DA`` (delivery address) and ``SN`` (store) in retail practice.
"""

from __future__ import annotations

from collections.abc import Sequence

from transforms.edi.mapping_settings import MappingSettings
from transforms.edi.x12.segments import Segment
from transforms.model import Address

SHIP_TO_CODES = ("ST", "CN", "BS", "DA", "SN")
"""N101 entity codes naming where goods go, in order of preference."""


class Party:
    """One N1 loop: entity code, name, id, and the address lines that follow."""

    def __init__(self, n1: Segment) -> None:
        self.n1 = n1
        self.code = n1.el(1)
        self.name = n1.el(2).strip()
        self.id_qualifier = n1.el(3)
        self.id = n1.el(4).strip()
        self.n2: Segment | None = None
        self.n3: Segment | None = None
        self.n4: Segment | None = None
        self.per: Segment | None = None

    def contact(self, qualifier: str) -> str | None:
        """A PER communication number by qualifier (TE phone, EM e-mail)."""
        if self.per is None:
            return None
        for number in (3, 5, 7):
            if self.per.el(number) == qualifier:
                return self.per.el(number + 1).strip() or None
        return None

    def full_name(self) -> str:
        """N102, followed by the N2 additional name lines when there are any."""
        extra = [self.n2.el(1).strip(), self.n2.el(2).strip()] if self.n2 else []
        return " ".join(part for part in (self.name, *extra) if part)

    def identifier(self) -> str:
        """The N104 id, else the N102 name."""
        return self.id or self.name

    def address(self, settings: MappingSettings) -> Address | None:
        """The postal address, when N3 and N4 give a street and a city."""
        if self.n3 is None or self.n4 is None or not self.n3.el(1).strip():
            return None
        city = self.n4.el(1).strip()
        if not city:
            return None
        return Address(
            name=self.full_name() or None,
            line1=self.n3.el(1).strip(),
            line2=self.n3.el(2).strip() or None,
            city=city,
            region=self.n4.el(2).strip() or None,
            postal_code=self.n4.el(3).strip() or None,
            country=self.n4.el(4).strip() or settings.country,
            phone=self.contact("TE"),
            email=self.contact("EM"),
        )


def parties(segments: Sequence[Segment]) -> dict[str, Party]:
    """The N1 loops in ``segments`` by entity identifier code (first one wins)."""
    found: dict[str, Party] = {}
    current: Party | None = None
    for segment in segments:
        if segment.tag == "N1":
            current = Party(segment)
            found.setdefault(current.code, current)
        elif current is not None and segment.tag == "N2" and current.n2 is None:
            current.n2 = segment
        elif current is not None and segment.tag == "N3" and current.n3 is None:
            current.n3 = segment
        elif current is not None and segment.tag == "N4" and current.n4 is None:
            current.n4 = segment
        elif current is not None and segment.tag == "PER" and current.per is None:
            current.per = segment
        elif segment.tag not in ("N2", "REF", "FOB"):
            current = None
    return found


def ship_to(found: dict[str, Party]) -> Party | None:
    """The party goods are shipped to (see ``SHIP_TO_CODES``)."""
    return next((found[code] for code in SHIP_TO_CODES if code in found), None)


def address_segments(
    code: str,
    address: Address | None,
    party_id: str | None = None,
    name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> list[Segment]:
    """N1 (+N3/N4, +PER) for writing a party."""
    if address is not None:
        name, phone, email = address.name, address.phone, address.email
    n1 = Segment("N1", (code, name or "", "92" if party_id else "", party_id or ""))
    segments = [n1]
    if address is not None:
        segments.append(Segment("N3", (address.line1, address.line2 or "")))
        segments.append(
            Segment(
                "N4",
                (address.city, address.region or "", address.postal_code or "", address.country),
            )
        )
    if phone is not None or email is not None:
        per = ["IC", ""]
        if phone is not None:
            per += ["TE", phone]
        if email is not None:
            per += ["EM", email]
        segments.append(Segment("PER", tuple(per)))
    return segments
