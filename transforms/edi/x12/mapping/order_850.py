"""850 Purchase Order → canonical Order.

BEG03 order number, DTM*004 (or BEG05) placed, CUR currency, N1 BY/ST/BT parties with
N3/N4/PER (N1*ST N104 → ship_to_location_id), DTM*002 promised date, SAC*C*D240
shipping charge, TXI order tax (header), REF*CO partner reference, AMT*TT the total the
buyer states (so a route can reconcile it); PO1 lines with PID description, SAC*A*C310
discount and TXI tax.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from transforms.edi.errors import EdiMappingError
from transforms.edi.money import to_money
from transforms.edi.x12.envelope import TransactionSet
from transforms.edi.x12.mapping.base import (
    MapContext,
    Mapped,
    SetCursor,
    dtm_datetime,
    local_datetime,
    loops,
)
from transforms.edi.x12.mapping.parties import parties
from transforms.edi.x12.mapping.parties import ship_to as ship_to_party
from transforms.edi.x12.mapping.products import product_ids
from transforms.edi.x12.segments import Segment
from transforms.model import Customer, Money, Order, OrderLine, Quantity

EVENT_TYPE = "order.created"
UNPRICED_ATTRIBUTE = "edi.unpriced_lines"
"""Order attribute listing line numbers the 850 gave no price for (price set to 0)."""


def map_850(transaction_set: TransactionSet, context: MapContext) -> Mapped:
    cursor = SetCursor(transaction_set, context)
    beg = cursor.require("BEG")
    first_line = next((i for i, s in enumerate(cursor.segments) if s.tag == "PO1"), None)
    if first_line is None:
        raise EdiMappingError(
            "the 850 has no PO1 line", segment_id="PO1", segment_position=2, code="3"
        )
    header = list(cursor.segments[:first_line])
    cur = cursor.first("CUR")
    currency = (cur.el(2) if cur else "") or context.settings.currency
    names = parties(header)
    buyer = names.get("BY")
    ship_to = ship_to_party(names)
    bill_to = names.get("BT")
    placed = _placed(cursor, beg, header, context)
    promised = next((s for s in header if s.tag == "DTM" and s.el(1) == "002"), None)
    lines, unpriced = _lines(cursor, cursor.segments[first_line:], currency)
    attributes = {UNPRICED_ATTRIBUTE: ",".join(map(str, unpriced))} if unpriced else {}
    order = Order(
        order_number=cursor.required_el(beg, 3, "purchase order number"),
        channel=context.settings.channel,
        placed_at=placed,
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
        promised_date=cursor.date(promised, 2, "promised date") if promised else None,
        shipping_charge=_charge(cursor, header, "C", "D240", currency),
        tax=_amount(cursor, header, "TXI", "TX", currency),
        total=_amount(cursor, cursor.segments, "AMT", "TT", currency),
        lines=lines,
        external_reference=_ref(header, "CO"),
        attributes=attributes,
    )
    return cursor.mapped(EVENT_TYPE, order)


def _placed(
    cursor: SetCursor, beg: Segment, header: list[Segment], context: MapContext
) -> datetime:
    dtm = next((s for s in header if s.tag == "DTM" and s.el(1) == "004"), None)
    if dtm is not None:
        return dtm_datetime(cursor, dtm, context.settings)
    return local_datetime(cursor.date(beg, 5, "purchase order date"), time(0), context.settings)


def _ref(segments: list[Segment], qualifier: str) -> str | None:
    ref = next((s for s in segments if s.tag == "REF" and s.el(1) == qualifier), None)
    return (ref.el(2).strip() or None) if ref else None


def _charge(
    cursor: SetCursor, segments: list[Segment], indicator: str, code: str, currency: str
) -> Money | None:
    """SAC amount (SAC05, N2: implied two decimals) for an allowance/charge code."""
    for sac in segments:
        if sac.tag == "SAC" and sac.el(1) == indicator and sac.el(2) == code:
            cents = cursor.decimal(sac, 5, "allowance or charge amount")
            return to_money(cents.scaleb(-2), currency)
    return None


def _amount(
    cursor: SetCursor, segments: Sequence[Segment], tag: str, qualifier: str, currency: str
) -> Money | None:
    """Element 2 of the first ``tag`` segment with element 1 ``qualifier`` (a decimal)."""
    for segment in segments:
        if segment.tag == tag and segment.el(1) == qualifier:
            return to_money(cursor.decimal(segment, 2, f"{tag}*{qualifier} amount"), currency)
    return None


def _lines(
    cursor: SetCursor, segments: tuple[Segment, ...], currency: str
) -> tuple[list[OrderLine], list[int]]:
    lines: list[OrderLine] = []
    unpriced: list[int] = []
    for index, loop in enumerate(loops(segments, "PO1"), start=1):
        po1 = loop[0]
        number = int(po1.el(1)) if po1.el(1).isdigit() else index
        ids = product_ids(po1, 6)
        if ids.sku is None:
            raise cursor.error(po1, 7, "PO1 has no product id (PO106/PO107)", "1")
        if po1.el(4):
            price = to_money(cursor.decimal(po1, 4, "unit price"), currency)
        else:
            price = Money(amount=0, currency=currency)
            unpriced.append(number)
        pid = next((s for s in loop if s.tag == "PID"), None)
        txi = next((s for s in loop if s.tag == "TXI"), None)
        cursor.place(po1)
        lines.append(
            OrderLine(
                line_number=number,
                sku=ids.sku,
                quantity=Quantity(
                    value=cursor.decimal(po1, 2, "quantity ordered"), uom=po1.el(3) or "EA"
                ),
                unit_price=price,
                discount=_charge(cursor, loop, "A", "C310", currency),
                tax=to_money(cursor.decimal(txi, 2, "tax amount"), currency) if txi else None,
                description=(pid.el(5).strip() or None) if pid else None,
            )
        )
    return lines, unpriced
