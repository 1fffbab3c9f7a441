"""ORDERS → canonical Order.

BGM 1004 order number; DTM+137/4 placed; DTM+2 promised date; RFF+CO partner
reference; CUX currency;
NAD+BY customer, NAD+DP/ST ship-to (C082 id → ship_to_location_id, e.g. a GLN, and
the address when given; without a delivery party the buyer's), NAD+IV bill-to;
LIN groups: LIN 1082 line number and C212 item id, PIA additional ids, IMD
description, QTY+21/1 quantity, PRI+AAA/AAB unit price (missing → 0, listed in
``attributes["edi.unpriced_lines"]``).
"""

from __future__ import annotations

from transforms.edi.edifact.envelope import Message
from transforms.edi.edifact.mapping.base import (
    EdifactMapContext,
    MessageCursor,
    dtm_date,
    groups,
)
from transforms.edi.edifact.mapping.parties import parties
from transforms.edi.edifact.syntax import EdifactSegment
from transforms.edi.errors import EdiMappingError
from transforms.edi.mapped import Mapped
from transforms.edi.money import to_money
from transforms.model import Customer, Money, Order, OrderLine, Quantity

EVENT_TYPE = "order.created"
UNPRICED_ATTRIBUTE = "edi.unpriced_lines"
SKU_TYPES = ("SA", "BP", "IN", "VN", "MF", "SRV", "EN", "UP", "IB")
"""C212 item type codes used as SKU, in order of preference."""


def map_orders(message: Message, context: EdifactMapContext) -> Mapped:
    cursor = MessageCursor(message)
    bgm = cursor.require("BGM")
    line_groups = groups(cursor.segments, "LIN")
    if not line_groups:
        raise EdiMappingError(
            "the ORDERS has no LIN line", segment_id="LIN", segment_position=2, code="13"
        )
    header = list(cursor.segments[: cursor.segments.index(line_groups[0][0])])
    settings = context.settings
    cux = next((s for s in header if s.tag == "CUX"), None)
    currency = (cux.get(1, 2) if cux else "") or settings.currency
    names = parties(header)
    buyer = names.get("BY")
    delivery = names.get("DP") or names.get("ST")
    invoicee = names.get("IV")
    placed = next((s for s in header if s.tag == "DTM" and s.get(1, 1) in ("137", "4")), None)
    if placed is None:
        raise EdiMappingError(
            "the ORDERS has no DTM+137 or DTM+4 order date",
            segment_id="DTM",
            segment_position=cursor.position(bgm) + 1,
            code="13",
        )
    promised = next((s for s in header if s.tag == "DTM" and s.get(1, 1) == "2"), None)
    lines, unpriced = _lines(cursor, line_groups, currency)
    receiver = delivery or buyer  # without a delivery party, goods go to the buyer
    ship_to = receiver.address(settings) if receiver else None
    order = Order(
        order_number=cursor.required(bgm, 2, 1, "document number"),
        channel=settings.channel,
        placed_at=cursor.dtm(placed, settings),
        currency=currency,
        customer=Customer(
            customer_id=(buyer.id or None) if buyer else None,
            name=(buyer.name or None) if buyer else None,
        ),
        ship_to=ship_to,
        ship_to_location_id=(receiver.id or None) if receiver else None,
        bill_to=invoicee.address(settings) if invoicee else None,
        promised_date=dtm_date(cursor, promised, settings) if promised else None,
        lines=lines,
        external_reference=next(
            (s.get(1, 2).strip() or None for s in header if s.tag == "RFF" and s.get(1, 1) == "CO"),
            None,
        ),
        attributes={UNPRICED_ATTRIBUTE: ",".join(map(str, unpriced))} if unpriced else {},
    )
    return cursor.mapped(EVENT_TYPE, order)


def _lines(
    cursor: MessageCursor, line_groups: list[list[EdifactSegment]], currency: str
) -> tuple[list[OrderLine], list[int]]:
    lines: list[OrderLine] = []
    unpriced: list[int] = []
    for index, group in enumerate(line_groups, start=1):
        lin = group[0]
        number = int(lin.get(1)) if lin.get(1).isdigit() else index
        qty = next((s for s in group if s.tag == "QTY" and s.get(1, 1) in ("21", "1")), None)
        if qty is None:
            raise EdiMappingError(
                f"line {number} has no QTY+21 (ordered quantity)",
                segment_id="QTY",
                segment_position=cursor.position(lin) + 1,
                code="13",
            )
        pri = next((s for s in group if s.tag == "PRI" and s.get(1, 1) in ("AAA", "AAB")), None)
        if pri is not None and pri.get(1, 2):
            price = to_money(cursor.number(pri, 1, 2, "price"), currency)
        else:
            price = Money(amount=0, currency=currency)
            unpriced.append(number)
        imd = next((s for s in group if s.tag == "IMD"), None)
        cursor.place(lin)
        description = (imd.get(3, 4).strip() or None) if imd else None
        lines.append(
            OrderLine(
                line_number=number,
                sku=_sku(cursor, lin, group),
                quantity=Quantity(
                    value=cursor.number(qty, 1, 2, "quantity"), uom=qty.get(1, 3) or "EA"
                ),
                unit_price=price,
                description=description,
            )
        )
    return lines, unpriced


def _sku(cursor: MessageCursor, lin: EdifactSegment, group: list[EdifactSegment]) -> str:
    ids: dict[str, str] = {}
    if lin.get(3, 1):
        ids.setdefault(lin.get(3, 2) or "SA", lin.get(3, 1).strip())
    for pia in (s for s in group if s.tag == "PIA"):
        for element in range(2, len(pia.elements) + 1):
            value, kind = pia.get(element, 1).strip(), pia.get(element, 2)
            if value:
                ids.setdefault(kind, value)
    for kind in SKU_TYPES:
        if kind in ids:
            return ids[kind]
    if ids:
        return next(iter(ids.values()))
    raise EdiMappingError(
        "LIN has no item number (C212) and no PIA",
        segment_id="LIN",
        segment_position=cursor.position(lin),
        element=3,
        code="13",
    )
