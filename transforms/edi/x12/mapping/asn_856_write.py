"""Canonical ASN → 856 body (S-O-P-I; loose items S-O-I), the inverse of :mod:`asn_856`."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from transforms.edi.x12.mapping.products import id_elements
from transforms.edi.x12.segments import Segment
from transforms.edi.x12.writer import OutboundSet
from transforms.model import ASN, AsnItem


def write_856(asn: ASN) -> OutboundSet:
    """The 856 for ``asn``; times are written in UTC (DTM04 ``UT``)."""
    shipped = asn.shipped_at.astimezone(UTC)
    body = [
        Segment(
            "BSN",
            ("00", asn.asn_number, shipped.strftime("%Y%m%d"), shipped.strftime("%H%M%S"), "0001"),
        ),
        Segment("HL", ("1", "", "S")),
    ]
    if asn.carrier is not None:
        body.append(Segment("TD5", ("", "2", asn.carrier)))
    if asn.bill_of_lading is not None:
        body.append(Segment("REF", ("BM", asn.bill_of_lading)))
    if asn.tracking_number is not None:
        body.append(Segment("REF", ("CN", asn.tracking_number)))
    body.append(_dtm("011", asn.shipped_at))
    if asn.expected_at is not None:
        body.append(_dtm("017", asn.expected_at))
    body.append(Segment("N1", ("ST", "", "92", asn.ship_to_location_id)))
    body.append(Segment("N1", ("SU", "", "92", asn.supplier_id)))
    number = 1
    for order in asn.orders:
        number += 1
        order_id = number
        body += [
            Segment("HL", (str(order_id), "1", "O")),
            Segment("PRF", (order.purchase_order_number,)),
        ]
        for item in order.items:
            number += 1
            body += _item(number, order_id, item)
        for pack in order.packs:
            number += 1
            pack_id = number
            body.append(Segment("HL", (str(pack_id), str(order_id), "P")))
            if pack.sscc is not None:
                body.append(Segment("MAN", ("GM", pack.sscc)))
            if pack.carton_id is not None:
                body.append(Segment("MAN", ("CP", pack.carton_id)))
            for item in pack.items:
                number += 1
                body += _item(number, pack_id, item)
    body.append(Segment("CTT", (str(number),)))
    return OutboundSet(set_id="856", body=tuple(body))


def _item(number: int, parent: int, item: AsnItem) -> list[Segment]:
    segments = [
        Segment("HL", (str(number), str(parent), "I")),
        Segment("LIN", ("", *id_elements(item.sku, item.gtin, item.lot))),
        Segment("SN1", ("", _decimal(item.quantity.value), item.quantity.uom)),
    ]
    if item.expiry_date is not None:
        segments.append(Segment("DTM", ("036", item.expiry_date.strftime("%Y%m%d"))))
    return segments


def _dtm(qualifier: str, at: datetime) -> Segment:
    utc = at.astimezone(UTC)
    return Segment("DTM", (qualifier, utc.strftime("%Y%m%d"), utc.strftime("%H%M%S"), "UT"))


def _decimal(value: Decimal) -> str:
    """A decimal as X12 R-type text: no exponent."""
    text = format(value, "f")
    return text
