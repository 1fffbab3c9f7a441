"""Canonical Order → 940 body (an order for a warehouse to ship), inverse of order_940."""

from __future__ import annotations

from datetime import UTC

from transforms.edi.x12.mapping.parties import address_segments
from transforms.edi.x12.mapping.products import id_elements
from transforms.edi.x12.segments import Segment
from transforms.edi.x12.writer import OutboundSet
from transforms.model import Order


def write_940(order: Order) -> OutboundSet:
    """The 940 for ``order``; dates in UTC; prices are not part of a 940."""
    placed = order.placed_at.astimezone(UTC)
    body = [Segment("W05", ("N", order.order_number, order.external_reference or ""))]
    customer = order.customer
    if any((customer.customer_id, customer.name, customer.email, customer.phone)):
        body += address_segments(
            "BY", None, customer.customer_id, customer.name, customer.phone, customer.email
        )
    if order.ship_to is not None or order.ship_to_location_id is not None:
        body += address_segments("ST", order.ship_to, order.ship_to_location_id)
    if order.bill_to is not None:
        body += address_segments("BT", order.bill_to)
    if order.fulfillment_location_id is not None:
        body += address_segments("WH", None, order.fulfillment_location_id)
    body.append(Segment("G62", ("04", placed.strftime("%Y%m%d"), "", placed.strftime("%H%M%S"))))
    if order.promised_date is not None:
        body.append(Segment("G62", ("02", order.promised_date.strftime("%Y%m%d"))))
    for line in order.lines:
        body.append(Segment("LX", (str(line.line_number),)))
        body.append(
            Segment(
                "W01",
                (
                    format(line.quantity.value, "f"),
                    line.quantity.uom,
                    "",
                    *id_elements(line.sku, None),
                ),
            )
        )
        if line.description is not None:
            body.append(Segment("G69", (line.description,)))
    total = sum(line.quantity.value for line in order.lines)
    body.append(Segment("W76", (format(total, "f"),)))
    return OutboundSet(set_id="940", body=tuple(body))
