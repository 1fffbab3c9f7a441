"""Canonical ASN → DESADV message, the inverse of :mod:`desadv` (times in UTC)."""

from __future__ import annotations

from datetime import UTC, datetime

from transforms.edi.edifact.syntax import Delimiters, EdifactSegment
from transforms.edi.edifact.writer import render_segment
from transforms.model import ASN, AsnItem


def _seg(tag: str, *elements: str | tuple[str, ...]) -> EdifactSegment:
    return EdifactSegment(tag, tuple(((e,),) if isinstance(e, str) else (e,) for e in elements))


def _when(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def desadv_segments(asn: ASN, reference: str = "1") -> list[EdifactSegment]:
    """UNH..UNT of the DESADV for ``asn`` (UNT counted)."""
    segments = [
        _seg("UNH", reference, ("DESADV", "D", "96A", "UN", "EAN005")),
        _seg("BGM", "351", asn.asn_number, "9"),
        _seg("DTM", ("11", _when(asn.shipped_at), "204")),
    ]
    if asn.expected_at is not None:
        segments.append(_seg("DTM", ("132", _when(asn.expected_at), "204")))
    if asn.bill_of_lading is not None:
        segments.append(_seg("RFF", ("BM", asn.bill_of_lading)))
    if asn.tracking_number is not None:
        segments.append(_seg("RFF", ("CN", asn.tracking_number)))
    segments.append(_seg("NAD", "SU", (asn.supplier_id, "", "9")))
    segments.append(_seg("NAD", "DP", (asn.ship_to_location_id, "", "9")))
    if asn.carrier is not None:
        segments.append(_seg("TDT", "20", "", "", "", (asn.carrier,)))
    segments.append(_seg("CPS", "1"))
    level, line = 1, 0
    for order in asn.orders:
        if order.items:
            level += 1
            segments.append(_seg("CPS", str(level), "1"))
            for item in order.items:
                line += 1
                segments += _item(line, item, order.purchase_order_number)
        for pack in order.packs:
            level += 1
            segments.append(_seg("CPS", str(level), "1"))
            if pack.sscc is not None:
                segments.append(_seg("GIN", "BJ", pack.sscc))
            if pack.carton_id is not None:
                segments.append(_seg("GIN", "ML", pack.carton_id))
            for item in pack.items:
                line += 1
                segments += _item(line, item, order.purchase_order_number)
    segments.append(_seg("CNT", ("2", str(line))))
    segments.append(_seg("UNT", str(len(segments) + 1), reference))
    return segments


def _item(line: int, item: AsnItem, order_number: str) -> list[EdifactSegment]:
    segments = [_seg("LIN", str(line), "", (item.sku, "SA"))]
    if item.gtin is not None:
        segments.append(_seg("PIA", "1", (item.gtin, "SRV")))
    quantity = format(item.quantity.value, "f")
    segments.append(_seg("QTY", ("12", quantity, item.quantity.uom)))
    segments.append(_seg("RFF", ("ON", order_number)))
    if item.lot is not None:
        segments.append(_seg("GIN", "BX", item.lot))
    if item.expiry_date is not None:
        segments.append(_seg("DTM", ("361", item.expiry_date.strftime("%Y%m%d"), "102")))
    return segments


def write_desadv(asn: ASN, delimiters: Delimiters, reference: str = "1") -> str:
    """The DESADV message text (UNH..UNT), ready for ``render_interchange``."""
    return "".join(
        render_segment(segment, delimiters) + delimiters.segment
        for segment in desadv_segments(asn, reference)
    )
