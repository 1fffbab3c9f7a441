"""Canonical Order → 850 body, the inverse of :mod:`order_850`."""

from __future__ import annotations

from datetime import UTC

from transforms.edi.money import to_decimal_text
from transforms.edi.x12.mapping.parties import address_segments
from transforms.edi.x12.mapping.products import id_elements
from transforms.edi.x12.segments import Segment
from transforms.edi.x12.writer import OutboundSet
from transforms.model import Money, Order, minor_unit_exponent


def write_850(order: Order) -> OutboundSet:
    """The 850 for ``order`` (placed time in UTC, DTM*004 with time code UT)."""
    placed = order.placed_at.astimezone(UTC)
    body = [
        Segment("BEG", ("00", "SA", order.order_number, "", placed.strftime("%Y%m%d"))),
        Segment("CUR", ("BY", order.currency)),
    ]
    if order.external_reference is not None:
        body.append(Segment("REF", ("CO", order.external_reference)))
    if order.tax is not None:
        body.append(Segment("TXI", ("TX", to_decimal_text(order.tax))))
    if order.shipping_charge is not None:
        body.append(_sac("C", "D240", order.shipping_charge))
    body.append(Segment("DTM", ("004", placed.strftime("%Y%m%d"), placed.strftime("%H%M%S"), "UT")))
    if order.promised_date is not None:
        body.append(Segment("DTM", ("002", order.promised_date.strftime("%Y%m%d"))))
    customer = order.customer
    if any((customer.customer_id, customer.name, customer.email, customer.phone)):
        body += address_segments(
            "BY", None, customer.customer_id, customer.name, customer.phone, customer.email
        )
    if order.ship_to is not None or order.ship_to_location_id is not None:
        body += address_segments("ST", order.ship_to, order.ship_to_location_id)
    if order.bill_to is not None:
        body += address_segments("BT", order.bill_to)
    for line in order.lines:
        body.append(
            Segment(
                "PO1",
                (
                    str(line.line_number),
                    format(line.quantity.value, "f"),
                    line.quantity.uom,
                    to_decimal_text(line.unit_price),
                    "PE",
                    *id_elements(line.sku, None),
                ),
            )
        )
        if line.description is not None:
            body.append(Segment("PID", ("F", "", "", "", line.description)))
        if line.discount is not None:
            body.append(_sac("A", "C310", line.discount))
        if line.tax is not None:
            body.append(Segment("TXI", ("TX", to_decimal_text(line.tax))))
    body.append(Segment("CTT", (str(len(order.lines)),)))
    if order.total is not None:
        body.append(Segment("AMT", ("TT", to_decimal_text(order.total))))
    return OutboundSet(set_id="850", body=tuple(body))


def _sac(indicator: str, code: str, money: Money) -> Segment:
    """SAC05 is N2: the amount in hundredths of the major unit."""
    exponent = minor_unit_exponent(money.currency)
    hundredths = money.amount * 10 ** (2 - exponent) if exponent <= 2 else money.amount
    return Segment("SAC", (indicator, code, "", "", str(hundredths)))
