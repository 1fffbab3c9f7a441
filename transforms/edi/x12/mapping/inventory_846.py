"""846 Inventory Inquiry/Advice → canonical InventoryEvent (a count snapshot).

BIA 03 reference (event id), 04/05 date and time; N1 WH/SF/ST location (else GS02);
LIN id pairs → SKU; QTY per LIN: 17 quantity on hand (or 33 available for sale when
17 is absent) → on_hand, 74 damaged → damaged, QH on hold → quarantined.
"""

from __future__ import annotations

from datetime import time

from transforms.edi.errors import EdiMappingError
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
from transforms.edi.x12.mapping.products import product_ids
from transforms.edi.x12.segments import Segment
from transforms.model import (
    InventoryEvent,
    InventoryEventKind,
    InventoryLine,
    InventoryStatus,
    Quantity,
)

EVENT_TYPE = "inventory.counted"
QTY_STATUSES = {
    "17": InventoryStatus.ON_HAND,
    "33": InventoryStatus.ON_HAND,
    "74": InventoryStatus.DAMAGED,
    "QH": InventoryStatus.QUARANTINED,
}


def map_846(transaction_set: TransactionSet, context: MapContext) -> Mapped:
    cursor = SetCursor(transaction_set, context)
    bia = cursor.require("BIA")
    segments = cursor.segments
    first = next((i for i, s in enumerate(segments) if s.tag == "LIN"), None)
    if first is None:
        raise EdiMappingError(
            "the 846 has no LIN item", segment_id="LIN", segment_position=2, code="3"
        )
    names = parties(segments[:first])
    location = names.get("WH") or names.get("SF") or names.get("ST")
    day = cursor.date(bia, 4, "inventory date")
    event = InventoryEvent(
        event_id=cursor.required_el(bia, 3, "reference identification"),
        kind=InventoryEventKind.COUNT_SNAPSHOT,
        location_id=location.identifier() if location else context.group.sender,
        occurred_at=local_datetime(day, parse_time(bia.el(5)) or time(0), context.settings),
        lines=[line for loop in loops(segments[first:], "LIN") for line in _lines(cursor, loop)],
    )
    return cursor.mapped(EVENT_TYPE, event)


def _lines(cursor: SetCursor, loop: list[Segment]) -> list[InventoryLine]:
    lin = loop[0]
    ids = product_ids(lin)
    if ids.sku is None:
        raise cursor.error(lin, 3, "LIN has no product id", "1")
    quantities = {q.el(1): q for q in loop if q.tag == "QTY"}
    if "17" in quantities:
        quantities.pop("33", None)
    lines = [
        InventoryLine(
            sku=ids.sku,
            quantity=Quantity(value=cursor.decimal(qty, 2, "quantity"), uom=qty.el(3) or "EA"),
            status=QTY_STATUSES[code],
            lot=ids.lot,
        )
        for code, qty in quantities.items()
        if code in QTY_STATUSES
    ]
    cursor.place(lin)
    if not lines:
        raise EdiMappingError(
            f"LIN at segment {cursor.position(lin)} has no QTY 17/33/74/QH quantity",
            segment_id="QTY",
            segment_position=cursor.position(lin) + 1,
            code="3",
        )
    return lines
