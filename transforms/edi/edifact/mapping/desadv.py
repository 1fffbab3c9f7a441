"""DESADV → canonical ASN.

BGM 1004 ASN number; DTM+11 despatched (else DTM+137), DTM+132/17/2 expected;
RFF+BM bill of lading, RFF+CN carrier reference (tracking), RFF+ON order (header
default); NAD+SU/SE supplier, NAD+DP/ST delivery party; TDT C040 carrier. CPS levels
carrying GIN+BJ (SSCC-18; a wrong check digit makes it a carton id) or GIN+ML (carton
id) are packs; the LIN groups that follow are its items (LIN C212 id, PIA ids, QTY+12
despatched, RFF+ON order, GIN+BX lot, DTM+361 expiry). Items of a CPS level without a
package id ship loose. Packs and loose items are grouped into orders by RFF+ON.
"""

from __future__ import annotations

from transforms.edi.edifact.envelope import Message
from transforms.edi.edifact.mapping.base import (
    EdifactMapContext,
    MessageCursor,
    dtm_date,
)
from transforms.edi.edifact.mapping.parties import parties
from transforms.edi.edifact.syntax import EdifactSegment
from transforms.edi.errors import EdiMappingError
from transforms.edi.mapped import Mapped
from transforms.edi.mapping_settings import MappingSettings
from transforms.model import ASN, AsnItem, AsnOrder, AsnPack, Quantity, is_valid_gs1

EVENT_TYPE = "asn.received"
GTIN_TYPES = ("SRV", "EN", "UP")
SKU_TYPES = ("SA", "BP", "IN", "VN", "MF")


class _Pack:
    def __init__(self, cps: EdifactSegment) -> None:
        self.cps = cps
        self.sscc: str | None = None
        self.carton_id: str | None = None
        self.lines: list[list[EdifactSegment]] = []

    @property
    def loose(self) -> bool:
        """A level holding items without any package id: they ship unpacked."""
        return self.sscc is None and self.carton_id is None


def map_desadv(message: Message, context: EdifactMapContext) -> Mapped:
    cursor = MessageCursor(message)
    bgm = cursor.require("BGM")
    first_cps = next((i for i, s in enumerate(cursor.segments) if s.tag == "CPS"), None)
    header = list(cursor.segments[:first_cps] if first_cps is not None else cursor.segments)
    settings = context.settings
    names = parties(header)
    supplier = names.get("SU") or names.get("SE")
    delivery = names.get("DP") or names.get("ST")
    shipped = _dtm(header, ("11", "137"))
    if shipped is None:
        raise EdiMappingError(
            "the DESADV has no DTM+11 (despatch) or DTM+137 date",
            segment_id="DTM",
            segment_position=cursor.position(bgm) + 1,
            code="13",
        )
    expected = _dtm(header, ("132", "17", "2"))
    tdt = next((s for s in header if s.tag == "TDT"), None)
    default_order = _rff(header, "ON")
    packs = _packs(cursor, cursor.segments[first_cps:] if first_cps is not None else ())
    orders: dict[str, tuple[list[AsnPack], list[AsnItem]]] = {}
    for pack in packs:
        if pack.loose:
            for line in pack.lines:
                _, loose = _order_of(cursor, pack, [line], default_order, orders)
                loose.append(_item(cursor, line, settings))
            continue
        items = [_item(cursor, line, settings) for line in pack.lines]
        packed, _ = _order_of(cursor, pack, pack.lines, default_order, orders)
        packed.append(AsnPack(sscc=pack.sscc, carton_id=pack.carton_id, items=items))
    asn = ASN(
        asn_number=cursor.required(bgm, 2, 1, "despatch advice number"),
        supplier_id=supplier.identifier() if supplier else context.interchange.sender_id,
        ship_to_location_id=delivery.identifier() if delivery else context.interchange.recipient_id,
        shipped_at=cursor.dtm(shipped, settings),
        expected_at=cursor.dtm(expected, settings) if expected else None,
        carrier=(tdt.get(5, 1) or None) if tdt else None,
        tracking_number=_rff(header, "CN"),
        bill_of_lading=_rff(header, "BM"),
        orders=[
            AsnOrder(purchase_order_number=number, packs=packed, items=loose)
            for number, (packed, loose) in orders.items()
        ],
    )
    return cursor.mapped(EVENT_TYPE, asn)


def _order_of(
    cursor: MessageCursor,
    pack: _Pack,
    lines: list[list[EdifactSegment]],
    default: str | None,
    orders: dict[str, tuple[list[AsnPack], list[AsnItem]]],
) -> tuple[list[AsnPack], list[AsnItem]]:
    """The order the lines belong to (their RFF+ON, else the header's), created once."""
    number = next((o for o in (_rff(line, "ON") for line in lines) if o), default)
    if number is None:
        raise EdiMappingError(
            f"CPS {pack.cps.get(1)} has items with no RFF+ON order number (nor has the header)",
            segment_id="CPS",
            segment_position=cursor.position(pack.cps),
            code="13",
        )
    return orders.setdefault(number, ([], []))


def _dtm(segments: list[EdifactSegment], qualifiers: tuple[str, ...]) -> EdifactSegment | None:
    for qualifier in qualifiers:
        for segment in segments:
            if segment.tag == "DTM" and segment.get(1, 1) == qualifier:
                return segment
    return None


def _rff(segments: list[EdifactSegment], qualifier: str) -> str | None:
    for segment in segments:
        if segment.tag == "RFF" and segment.get(1, 1) == qualifier:
            return segment.get(1, 2).strip() or None
    return None


def _packs(cursor: MessageCursor, segments: tuple[EdifactSegment, ...]) -> list[_Pack]:
    packs: list[_Pack] = []
    current: _Pack | None = None
    line: list[EdifactSegment] | None = None
    for segment in segments:
        if segment.tag == "CPS":
            current, line = _Pack(segment), None
            packs.append(current)
        elif current is None:
            continue
        elif segment.tag == "GIN" and line is None and segment.get(1) in ("BJ", "ML"):
            value = segment.get(2, 1).strip()
            if segment.get(1) == "BJ" and current.sscc is None and _is_sscc(value):
                current.sscc = value
            elif current.carton_id is None and value:
                current.carton_id = value
        elif segment.tag == "LIN":
            line = [segment]
            current.lines.append(line)
        elif line is not None:
            line.append(segment)
    found = [pack for pack in packs if pack.lines]
    if not found:
        raise EdiMappingError(
            "the DESADV has no CPS level holding LIN items",
            segment_id="CPS",
            segment_position=len(cursor.message.segments),
            code="13",
        )
    return found


def _item(cursor: MessageCursor, line: list[EdifactSegment], settings: MappingSettings) -> AsnItem:
    lin = line[0]
    ids: dict[str, str] = {}
    if lin.get(3, 1):
        ids[lin.get(3, 2) or "SA"] = lin.get(3, 1).strip()
    for pia in (s for s in line if s.tag == "PIA"):
        for element in range(2, len(pia.elements) + 1):
            if pia.get(element, 1):
                ids.setdefault(pia.get(element, 2), pia.get(element, 1).strip())
    gtin = next((ids[t] for t in GTIN_TYPES if t in ids and _is_gtin(ids[t])), None)
    sku = next((ids[t] for t in SKU_TYPES if t in ids), None) or next(iter(ids.values()), None)
    if sku is None:
        raise EdiMappingError(
            "LIN has no item number (C212) and no PIA",
            segment_id="LIN",
            segment_position=cursor.position(lin),
            element=3,
            code="13",
        )
    qty = next((s for s in line if s.tag == "QTY" and s.get(1, 1) == "12"), None)
    if qty is None:
        raise EdiMappingError(
            "LIN has no QTY+12 (despatch quantity)",
            segment_id="QTY",
            segment_position=cursor.position(lin) + 1,
            code="13",
        )
    lot = next((s.get(2, 1) for s in line if s.tag == "GIN" and s.get(1) == "BX"), None)
    expiry = next((s for s in line if s.tag == "DTM" and s.get(1, 1) == "361"), None)
    cursor.place(lin)
    return AsnItem(
        sku=sku,
        gtin=gtin,
        quantity=Quantity(value=cursor.number(qty, 1, 2, "quantity"), uom=qty.get(1, 3) or "EA"),
        lot=lot or None,
        expiry_date=dtm_date(cursor, expiry, settings) if expiry else None,
    )


def _is_sscc(value: str) -> bool:
    return len(value) == 18 and is_valid_gs1(value)


def _is_gtin(value: str) -> bool:
    return len(value) in (8, 12, 13, 14) and is_valid_gs1(value)
