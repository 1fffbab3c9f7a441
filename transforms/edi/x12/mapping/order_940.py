"""940 Warehouse Shipping Order → canonical Order (an order a warehouse must ship).

W05 02 depositor order number (order), 03 purchase order (external reference);
N1 ST/BY/BT parties, N1 WH warehouse (fulfilment location); G62*04 order date (else
the group date), G62*02 requested delivery date; W66 10 carrier (attribute); LX/W01
lines (quantity, unit, id pairs from W0104), G69 description. A 940 carries no
prices: unit prices are 0 in the currency from the partner's settings.
"""

from __future__ import annotations

from datetime import datetime, time

from transforms.edi.errors import EdiMappingError
from transforms.edi.x12.envelope import TransactionSet
from transforms.edi.x12.mapping.base import (
    MapContext,
    Mapped,
    SetCursor,
    local_datetime,
    loops,
    parse_date,
    parse_time,
)
from transforms.edi.x12.mapping.parties import parties
from transforms.edi.x12.mapping.parties import ship_to as ship_to_party
from transforms.edi.x12.mapping.products import product_ids
from transforms.edi.x12.segments import Segment
from transforms.model import Customer, Money, Order, OrderLine, Quantity

EVENT_TYPE = "order.fulfillment_requested"


def map_940(transaction_set: TransactionSet, context: MapContext) -> Mapped:
    cursor = SetCursor(transaction_set, context)
    w05 = cursor.require("W05")
    segments = cursor.segments
    first_line = next((i for i, s in enumerate(segments) if s.tag in ("LX", "W01")), None)
    if first_line is None:
        raise EdiMappingError(
            "the 940 has no W01 line", segment_id="W01", segment_position=2, code="3"
        )
    header = list(segments[:first_line])
    names = parties(header)
    buyer = names.get("BY")
    ship_to = ship_to_party(names)
    bill_to = names.get("BT")
    warehouse = names.get("WH")
    currency = context.settings.currency
    promised = _g62(header, "02")
    order = Order(
        order_number=cursor.required_el(w05, 2, "depositor order number"),
        channel=context.settings.channel,
        placed_at=_placed(cursor, header, context),
        currency=currency,
        customer=Customer(
            customer_id=(buyer.id or None) if buyer else None,
            name=(buyer.name or None) if buyer else None,
            email=buyer.contact("EM") if buyer else None,
            phone=buyer.contact("TE") if buyer else None,
        ),
        ship_to=ship_to.address(context.settings) if ship_to else None,
        ship_to_location_id=(ship_to.id or None) if ship_to else None,
        bill_to=bill_to.address(context.settings) if bill_to else None,
        fulfillment_location_id=warehouse.identifier() if warehouse else None,
        promised_date=cursor.date(promised, 2, "requested delivery date") if promised else None,
        lines=_lines(cursor, segments[first_line:], currency),
        external_reference=w05.el(3).strip() or None,
    )
    return cursor.mapped(EVENT_TYPE, order)


def _g62(segments: list[Segment], qualifier: str) -> Segment | None:
    return next((s for s in segments if s.tag == "G62" and s.el(1) == qualifier), None)


def _placed(cursor: SetCursor, header: list[Segment], context: MapContext) -> datetime:
    g62 = _g62(header, "04")
    if g62 is not None:
        day = cursor.date(g62, 2, "order date")
        at = parse_time(g62.el(4)) or time(0)
        return local_datetime(day, at, context.settings)
    group_day = parse_date(context.group.date)
    if group_day is None:
        raise EdiMappingError(
            "the 940 has no G62*04 order date and GS04 is not a date",
            segment_id="G62",
            segment_position=2,
            code="3",
        )
    return local_datetime(group_day, parse_time(context.group.time) or time(0), context.settings)


def _lines(cursor: SetCursor, segments: tuple[Segment, ...], currency: str) -> list[OrderLine]:
    lines: list[OrderLine] = []
    for index, loop in enumerate(loops(segments, "W01"), start=1):
        w01 = loop[0]
        lx = _lx_before(segments, w01)
        number = int(lx.el(1)) if lx is not None and lx.el(1).isdigit() else index
        ids = product_ids(w01, 4)
        if ids.sku is None:
            ids = product_ids(Segment("W01", ("UP", w01.el(3))), 1)
        if ids.sku is None:
            raise cursor.error(w01, 5, "W01 has no product id (W0103/W0105)", "1")
        g69 = next((s for s in loop if s.tag == "G69"), None)
        cursor.place(w01, lx)
        lines.append(
            OrderLine(
                line_number=number,
                sku=ids.sku,
                quantity=Quantity(
                    value=cursor.decimal(w01, 1, "quantity ordered"), uom=w01.el(2) or "EA"
                ),
                unit_price=Money(amount=0, currency=currency),
                description=(g69.el(1).strip() or None) if g69 else None,
            )
        )
    return lines


def _lx_before(segments: tuple[Segment, ...], w01: Segment) -> Segment | None:
    """The LX that opens the W01's loop (the nearest one before it, after any W01)."""
    last_lx: Segment | None = None
    for segment in segments:
        if segment is w01:
            return last_lx
        if segment.tag == "LX":
            last_lx = segment
        elif segment.tag == "W01":
            last_lx = None
    return None
