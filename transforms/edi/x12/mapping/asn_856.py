"""856 Ship Notice/Manifest → canonical ASN (S-O-P-I and S-O-T-P-I hierarchies).

Shipment (S): BSN, TD1/TD5/REF/DTM/N1. Order (O): PRF01 purchase order.
Tare (T) and pack (P): MAN*GM SSCC-18 (a 20-digit ``00`` + SSCC value is accepted;
a label with a wrong check digit, or another MAN qualifier, becomes the carton id).
Item (I): LIN product ids, SN1 shipped quantity, REF*LT / LIN LT lot, DTM*036 expiry;
items directly under an order (S-O-I) are the order's loose items.
"""

from __future__ import annotations

from datetime import date, datetime

from transforms.edi.errors import EdiMappingError
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
from transforms.edi.x12.mapping.products import product_ids
from transforms.edi.x12.segments import Segment
from transforms.model import ASN, AsnItem, AsnOrder, AsnPack, Quantity, is_valid_gs1

EVENT_TYPE = "asn.received"
SUPPLIER_CODES = ("SU", "SF", "VN", "SH")


def map_856(transaction_set: TransactionSet, context: MapContext) -> Mapped:
    cursor = SetCursor(transaction_set)
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
    ship_to = names.get("ST")
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
        orders=[_order(cursor, level) for level in shipment.descendants("O")],
    )
    return Mapped(event_type=EVENT_TYPE, payload=asn)


def _order(cursor: SetCursor, level: Level) -> AsnOrder:
    prf = level.first("PRF")
    if prf is None:
        raise EdiMappingError(
            f"order level HL {level.id} has no PRF (purchase order reference)",
            segment_id="HL",
            segment_position=level.position,
            code="3",
        )
    packs = [_pack(cursor, pack) for pack in _pack_levels(level)]
    loose = [_item(cursor, item) for item in level.children if item.code == "I"]
    if not packs and not loose:
        raise EdiMappingError(
            f"order level HL {level.id} has no pack (P), tare (T) or item (I) level under it",
            segment_id="HL",
            segment_position=level.position,
            code="3",
        )
    return AsnOrder(
        purchase_order_number=cursor.required_el(prf, 1, "purchase order number"),
        packs=packs,
        items=loose,
    )


def _pack_levels(order: Level) -> list[Level]:
    """Packs under the order: P levels, and tares that hold items directly.

    Items directly under the order (S-O-I) are its loose ``items``, not packs.
    """
    found: list[Level] = []
    for child in order.children:
        if child.code == "P" or (child.code == "T" and any(c.code == "I" for c in child.children)):
            found.append(child)
        elif child.code == "T":
            found.extend(_pack_levels(child))
    return found


def _pack(cursor: SetCursor, level: Level) -> AsnPack:
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
    items = [_item(cursor, item) for item in level.children if item.code == "I"]
    return AsnPack(sscc=sscc, carton_id=carton_id, items=items)


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
