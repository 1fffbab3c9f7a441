"""945 Warehouse Shipping Advice → canonical Shipment (``shipment.confirmed``).

W06 02 order (depositor order number), 03 date, 04 shipment id; G62*11 shipped
date/time (else W0603); N1 SF/WH ship-from (else GS02), N1 ST ship-to; W27 02 carrier
(SCAC), 03 routing (service level); N9*CN tracking (else N9*BM bill of lading);
LX loops: W12 03 shipped quantity, 05 unit, id pairs from W1207 (else W1206 UPC),
W1209 lot; MAN*GM package SSCC.
"""

from __future__ import annotations

from datetime import datetime, time

from transforms.edi.errors import EdiUnmappableError
from transforms.edi.x12.envelope import TransactionSet
from transforms.edi.x12.mapping.base import (
    MapContext,
    Mapped,
    SetCursor,
    local_datetime,
    loops,
    parse_time,
)
from transforms.edi.x12.mapping.parties import parties
from transforms.edi.x12.mapping.parties import ship_to as ship_to_party
from transforms.edi.x12.mapping.products import product_ids
from transforms.edi.x12.segments import Segment
from transforms.model import Package, Quantity, Shipment, ShipmentLine

EVENT_TYPE = "shipment.confirmed"


def map_945(transaction_set: TransactionSet, context: MapContext) -> Mapped:
    cursor = SetCursor(transaction_set, context)
    w06 = cursor.require("W06")
    segments = cursor.segments
    first_line = next((i for i, s in enumerate(segments) if s.tag in ("LX", "W12")), len(segments))
    header = list(segments[:first_line])
    names = parties(header)
    ship_from = names.get("SF") or names.get("WH")
    ship_to = ship_to_party(names)
    w27 = next((s for s in header if s.tag == "W27"), None)
    carrier = w27.el(2).strip() if w27 else ""
    if not carrier:
        raise EdiUnmappableError(
            "the 945 names no carrier (W27 02 SCAC); the canonical Shipment needs one"
        )
    lines, packages = _lines(cursor, segments[first_line:])
    shipment = Shipment(
        shipment_id=w06.el(4).strip()
        or w06.el(5).strip()  # the agent's shipment id
        or cursor.required_el(w06, 4, "shipment identification number"),
        order_number=w06.el(2).strip()
        or w06.el(6).strip()  # the purchase order number
        or cursor.required_el(w06, 2, "depositor order number"),
        from_location_id=ship_from.identifier() if ship_from else context.group.sender,
        shipped_at=_shipped(cursor, w06, header, context),
        carrier=carrier,
        service_level=(w27.el(3).strip() or None) if w27 else None,
        tracking_number=_n9(header, "CN") or _n9(header, "BM"),
        ship_to=ship_to.address(context.settings) if ship_to else None,
        lines=lines,
        packages=packages,
    )
    return cursor.mapped(EVENT_TYPE, shipment)


def _n9(segments: list[Segment], qualifier: str) -> str | None:
    n9 = next((s for s in segments if s.tag == "N9" and s.el(1) == qualifier), None)
    return (n9.el(2).strip() or None) if n9 else None


def _shipped(
    cursor: SetCursor, w06: Segment, header: list[Segment], context: MapContext
) -> datetime:
    g62 = next((s for s in header if s.tag == "G62" and s.el(1) == "11"), None)
    if g62 is not None:
        day = cursor.date(g62, 2, "shipped date")
        return local_datetime(day, parse_time(g62.el(4)) or time(0), context.settings)
    return local_datetime(cursor.date(w06, 3, "shipment date"), time(0), context.settings)


def _lines(
    cursor: SetCursor, segments: tuple[Segment, ...]
) -> tuple[list[ShipmentLine], list[Package]]:
    lines: list[ShipmentLine] = []
    packages: dict[str, Package] = {}
    for segment in segments:
        if segment.tag == "MAN" and segment.el(1) == "GM" and segment.el(2):
            sscc = segment.el(2)[2:] if len(segment.el(2)) == 20 else segment.el(2)
            try:
                packages.setdefault(sscc, Package(sscc=sscc))
            except ValueError as exc:
                raise EdiUnmappableError(f"MAN02 SSCC {segment.el(2)!r}: {exc}") from None
    for loop in loops(segments, "W12"):
        w12 = loop[0]
        ids = product_ids(w12, 7)
        sku = ids.sku or (w12.el(6).strip() or None)
        if sku is None:
            raise cursor.error(w12, 8, "W12 has no product id (W1206/W1208)", "1")
        lx = _before(segments, w12)
        cursor.place(w12, lx)
        lines.append(
            ShipmentLine(
                sku=sku,
                quantity=Quantity(
                    value=cursor.decimal(w12, 3, "number of units shipped"),
                    uom=w12.el(5) or "EA",
                ),
                line_number=int(lx.el(1)) if lx and lx.el(1).isdigit() else None,
                lot=w12.el(9).strip() or None,
            )
        )
    return lines, list(packages.values())


def _before(segments: tuple[Segment, ...], target: Segment) -> Segment | None:
    last_lx: Segment | None = None
    for segment in segments:
        if segment is target:
            return last_lx
        if segment.tag == "LX":
            last_lx = segment
    return None
