"""856 Ship Notice/Manifest → canonical ASN, whatever the hierarchy's shape.

Shipment (S): BSN, TD1/TD5/REF/DTM/N1. Order (O): PRF01 purchase order.
Tare (T) and pack (P): MAN*GM SSCC-18 (a 20-digit ``00`` + SSCC value is accepted;
a label with a wrong check digit, or another MAN qualifier, becomes the carton id).
Item (I): LIN product ids, SN1 shipped quantity, REF*LT / LIN LT lot, DTM*036 expiry.

Items may hang under S, O, T or P (S-O-P-I, S-O-T-P-I, S-O-I, S-T-P-I, S-P-I, S-I…):
an item's purchase order is its O level's PRF; with no O level above it, the PRF of the
nearest level that has one (the item's own, else a pack's, else the shipment's); its
pack is its nearest P or T level above; items with no pack above them ship loose
(``AsnOrder.items``). Item segments outside item levels are not placed: ``read_x12``
reports them.
"""

from __future__ import annotations

from datetime import date, datetime

from transforms.edi.errors import EdiMappingError, EdiUnmappableError
from transforms.edi.x12.envelope import TransactionSet
from transforms.edi.x12.mapping.base import (
    MapContext,
    Mapped,
    SetCursor,
    dtm_datetime,
    local_datetime,
    parse_date,
    parse_time,
)
from transforms.edi.x12.mapping.hierarchy import Level, build_levels
from transforms.edi.x12.mapping.parties import parties
from transforms.edi.x12.mapping.parties import ship_to as ship_to_party
from transforms.edi.x12.mapping.products import product_ids
from transforms.edi.x12.segments import Segment
from transforms.model import ASN, AsnItem, AsnOrder, AsnPack, Quantity, is_valid_gs1

EVENT_TYPE = "asn.received"
SUPPLIER_CODES = ("SU", "SF", "VN", "SH")
PACK_CODES = ("P", "T")


class _Order:
    """Items of one purchase order, gathered in document order."""

    def __init__(self, number: str) -> None:
        self.number = number
        self.packs: dict[str, AsnPack] = {}
        self.loose: list[AsnItem] = []


def map_856(transaction_set: TransactionSet, context: MapContext) -> Mapped:
    cursor = SetCursor(transaction_set, context)
    bsn = cursor.require("BSN")
    _, roots = build_levels(cursor.segments, 2)
    shipment = next((level for level in roots if level.code == "S"), None)
    if shipment is None:
        raise EdiMappingError(
            "the 856 has no shipment-level HL (HL03 = S)",
            segment_id="HL",
            segment_position=cursor.position(bsn) + 1,
            code="3",
        )
    names = parties(shipment.segments)
    supplier = next((names[c] for c in SUPPLIER_CODES if c in names), None)
    ship_to = ship_to_party(names)
    td5 = shipment.first("TD5")
    shipped = _dtm(cursor, shipment, "011", context) or _bsn_time(cursor, bsn, context)
    asn = ASN(
        asn_number=cursor.required_el(bsn, 2, "shipment identification"),
        supplier_id=supplier.identifier() if supplier else context.group.sender,
        ship_to_location_id=ship_to.identifier() if ship_to else context.group.receiver,
        shipped_at=shipped,
        expected_at=_dtm(cursor, shipment, "017", context),
        carrier=(td5.el(3) or None) if td5 else None,
        tracking_number=_ref(shipment, "CN"),
        bill_of_lading=_ref(shipment, "BM"),
        orders=_orders(cursor, shipment),
    )
    return cursor.mapped(EVENT_TYPE, asn)


def _orders(cursor: SetCursor, shipment: Level) -> list[AsnOrder]:
    """One order per O level (and per PO number for items with no O level above)."""
    orders: dict[str, _Order] = {}
    for level in shipment.walk():
        if level.code not in ("O", "I"):
            continue
        order_level = next((o for o in level.lineage() if o.code == "O"), None)
        key = f"HL {order_level.id}" if order_level else ""
        number = _order_number(cursor, order_level or level)
        order = orders.setdefault(key or f"PRF {number}", _Order(number))
        if level.code == "O":
            continue
        item = _item(cursor, level)
        pack = next((p for p in level.lineage() if p.code in PACK_CODES), None)
        if pack is None:
            order.loose.append(item)
        elif pack.id in order.packs:
            order.packs[pack.id].items.append(item)
        else:
            order.packs[pack.id] = _pack(cursor, pack, item)
    if not orders:
        raise EdiUnmappableError(
            f"the 856 shipment (HL {shipment.id}) has no order (O) or item (I) level"
        )
    for order in orders.values():
        if not order.packs and not order.loose:
            raise EdiUnmappableError(
                f"purchase order {order.number} has no item (I) level under it"
            )
    return [
        AsnOrder(purchase_order_number=o.number, packs=list(o.packs.values()), items=o.loose)
        for o in orders.values()
    ]


def _order_number(cursor: SetCursor, level: Level) -> str:
    """The PRF01 of the nearest level (this one or above) that has a PRF."""
    for candidate in level.lineage():
        prf = candidate.first("PRF")
        if prf is not None:
            return cursor.required_el(prf, 1, "purchase order number")
        if candidate.code == "O":
            raise EdiMappingError(
                f"order level HL {candidate.id} has no PRF (purchase order reference)",
                segment_id="HL",
                segment_position=candidate.position,
                code="3",
            )
    raise EdiMappingError(
        f"item level HL {level.id} has no order: no O level above it and no PRF "
        "(purchase order reference) in it or in the shipment level",
        segment_id="HL",
        segment_position=level.position,
        code="3",
    )


def _pack(cursor: SetCursor, level: Level, first: AsnItem) -> AsnPack:
    """A pack: MAN*GM is its SSCC-18; a label failing the GS1 check digit, or any other
    MAN qualifier (e.g. CP), is kept as the supplier's carton id instead."""
    sscc: str | None = None
    carton_id: str | None = None
    for man in level.all("MAN"):
        value = man.el(2).strip()
        if not value:
            continue
        if man.el(1) == "GM" and sscc is None:
            label = value[2:] if len(value) == 20 and value.startswith("00") else value
            if len(label) == 18 and is_valid_gs1(label):
                sscc = label
                continue
        if carton_id is None:
            carton_id = value
    if sscc is None and carton_id is None:
        raise EdiMappingError(
            f"pack level HL {level.id} has no MAN (SSCC-18 or carton id)",
            segment_id="HL",
            segment_position=level.position,
            code="3",
        )
    return AsnPack(sscc=sscc, carton_id=carton_id, items=[first])


def _item(cursor: SetCursor, level: Level) -> AsnItem:
    lin = level.first("LIN")
    sn1 = level.first("SN1")
    if lin is None or sn1 is None:
        raise EdiMappingError(
            f"item level HL {level.id} needs LIN and SN1",
            segment_id="HL",
            segment_position=level.position,
            code="3",
        )
    ids = product_ids(lin)
    if ids.sku is None:
        raise cursor.error(lin, 3, "LIN has no product id", "1")
    expiry = level.first("DTM", "036")
    cursor.place(lin, sn1)
    return AsnItem(
        sku=ids.sku,
        gtin=ids.gtin,
        quantity=Quantity(value=cursor.decimal(sn1, 2, "shipped quantity"), uom=sn1.el(3) or "EA"),
        lot=ids.lot or _ref(level, "LT"),
        expiry_date=_expiry(cursor, expiry) if expiry else None,
    )


def _expiry(cursor: SetCursor, dtm: Segment) -> date:
    return cursor.date(dtm, 2, "expiration date")


def _ref(level: Level, qualifier: str) -> str | None:
    ref = level.first("REF", qualifier)
    return (ref.el(2).strip() or None) if ref else None


def _dtm(cursor: SetCursor, level: Level, qualifier: str, context: MapContext) -> datetime | None:
    dtm = level.first("DTM", qualifier)
    return dtm_datetime(cursor, dtm, context.settings) if dtm else None


def _bsn_time(cursor: SetCursor, bsn: Segment, context: MapContext) -> datetime:
    day = parse_date(bsn.el(3))
    if day is None:
        raise cursor.error(bsn, 3, f"BSN03 date {bsn.el(3)!r} is not CCYYMMDD", "8")
    at = parse_time(bsn.el(4)) if bsn.el(4) else None
    return local_datetime(day, at or cursor.time(bsn, 4), context.settings)
