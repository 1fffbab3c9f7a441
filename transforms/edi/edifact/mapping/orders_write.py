"""Canonical Order → ORDERS message, the inverse of :mod:`orders` (times in UTC).

Carries: order number (BGM), placed (DTM+137, 204), promised date (DTM+2), partner
reference (RFF+CO), currency (CUX), buyer id and name (NAD+BY), ship-to location and
address (NAD+DP), bill-to address (NAD+IV), lines (LIN/IMD/QTY+21/PRI+AAA). Contact
numbers, discounts, taxes and shipping charges are not written.
"""

from __future__ import annotations

from datetime import UTC

from transforms.edi.edifact.syntax import Delimiters, EdifactSegment
from transforms.edi.edifact.writer import render_segment
from transforms.edi.money import to_decimal_text
from transforms.model import Address, Order


def _seg(tag: str, *elements: str | tuple[str, ...]) -> EdifactSegment:
    return EdifactSegment(tag, tuple(((e,),) if isinstance(e, str) else (e,) for e in elements))


def _nad(
    qualifier: str, party_id: str | None, name: str | None, address: Address | None
) -> EdifactSegment:
    if address is None:
        return _seg(
            "NAD", qualifier, (party_id or "", "", "9" if party_id else ""), "", (name or "",)
        )
    return _seg(
        "NAD",
        qualifier,
        (party_id or "", "", "9" if party_id else ""),
        "",
        (address.name or "",),
        (address.line1, address.line2 or ""),
        address.city,
        (address.region or "",),
        address.postal_code or "",
        address.country,
    )


def orders_segments(order: Order, reference: str = "1") -> list[EdifactSegment]:
    """UNH..UNT of the ORDERS for ``order`` (UNT counted)."""
    placed = order.placed_at.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    segments = [
        _seg("UNH", reference, ("ORDERS", "D", "96A", "UN", "EAN008")),
        _seg("BGM", "220", order.order_number, "9"),
        _seg("DTM", ("137", placed, "204")),
    ]
    if order.promised_date is not None:
        segments.append(_seg("DTM", ("2", order.promised_date.strftime("%Y%m%d"), "102")))
    if order.external_reference is not None:
        segments.append(_seg("RFF", ("CO", order.external_reference)))
    customer = order.customer
    if customer.customer_id is not None or customer.name is not None:
        segments.append(_nad("BY", customer.customer_id, customer.name, None))
    segments.append(_nad("DP", order.ship_to_location_id, None, order.ship_to))
    if order.bill_to is not None:
        segments.append(_nad("IV", None, None, order.bill_to))
    segments.append(_seg("CUX", ("2", order.currency, "9")))
    for line in order.lines:
        segments.append(_seg("LIN", str(line.line_number), "", (line.sku, "SA")))
        if line.description is not None:
            segments.append(_seg("IMD", "F", "", ("", "", "", line.description)))
        quantity = format(line.quantity.value, "f")
        segments.append(_seg("QTY", ("21", quantity, line.quantity.uom)))
        segments.append(_seg("PRI", ("AAA", to_decimal_text(line.unit_price))))
    segments.append(_seg("UNS", "S"))
    segments.append(_seg("UNT", str(len(segments) + 1), reference))
    return segments


def write_orders(order: Order, delimiters: Delimiters, reference: str = "1") -> str:
    """The ORDERS message text (UNH..UNT), ready for ``render_interchange``."""
    return "".join(
        render_segment(segment, delimiters) + delimiters.segment
        for segment in orders_segments(order, reference)
    )
