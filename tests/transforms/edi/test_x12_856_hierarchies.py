"""856 hierarchies as partners send them: every item reaches the ASN, or is a finding."""

from __future__ import annotations

from decimal import Decimal

from tests.support.edi_fixtures import fixture
from transforms.edi.unmapped import UnmappedDocument
from transforms.edi.x12.read import read_x12
from transforms.edi.x12.results import SetResult
from transforms.model import ASN


def read_one(name: str) -> SetResult:
    (item,) = read_x12(fixture(f"x12/{name}")).sets()
    return item


def items_by_order(asn: ASN) -> list[tuple[str, list[str], list[list[str]]]]:
    return [
        (
            o.purchase_order_number,
            [i.sku for i in o.items],
            [[i.sku for i in p.items] for p in o.packs],
        )
        for o in asn.orders
    ]


def test_omitted_hl02_means_the_nearest_earlier_level_above() -> None:
    item = read_one("856_hl02-omitted.edi")
    assert item.accepted and isinstance(item.payload, ASN)
    assert items_by_order(item.payload) == [
        ("PO-1", ["A-1", "A-2"], []),
        ("PO-2", ["B-1"], []),
    ]


def test_items_directly_under_the_shipment_take_their_own_prf() -> None:
    item = read_one("856_s-i_prf-at-item.edi")
    assert item.accepted and isinstance(item.payload, ASN)
    assert items_by_order(item.payload) == [("PO-7", ["C-1", "C-2"], []), ("PO-8", ["D-1"], [])]
    assert item.payload.orders[1].items[0].quantity.uom == "CA"


def test_s_t_p_i_without_order_level_uses_the_shipment_prf() -> None:
    item = read_one("856_s-t-p-i_prf-at-shipment.edi")
    assert item.accepted and isinstance(item.payload, ASN)
    (order,) = item.payload.orders
    assert order.purchase_order_number == "PO-9"
    assert [(p.sscc, [i.sku for i in p.items]) for p in order.packs] == [
        ("000123450000000027", ["E-1"]),
        ("000123450000000034", ["E-2"]),
    ]


def test_s_o_i_items_are_the_orders_loose_items() -> None:
    item = read_one("856_s-o-i_loose-items.edi")
    assert isinstance(item.payload, ASN)
    (order,) = item.payload.orders
    assert (order.purchase_order_number, order.packs) == ("PO-4711", [])
    assert [(i.sku, i.quantity.value) for i in order.items] == [
        ("87787D", Decimal(24)),
        ("99887D", Decimal(6)),
    ]


def test_item_segments_the_mapping_cannot_place_are_a_finding_in_the_997() -> None:
    result = read_x12(fixture("x12/856_lin-in-pack-level.edi"))
    (item,) = result.sets()
    assert item.accepted and item.event_type == "edi.unmapped"
    assert isinstance(item.payload, UnmappedDocument)
    assert "could not place 2 item segment(s) (LIN at segment 16, SN1 at segment 17)" in (
        item.payload.reason
    )
    assert [(f.segment_id, f.segment_position, f.code) for f in item.findings] == [
        ("LIN", 16, "2"),
        ("SN1", 17, "2"),
    ]
    ack = result.interchanges[0].groups[0].ack_text
    assert "AK3*LIN*16**2~AK3*SN1*17**2~AK5*E*5~AK9*E*1*1*1~" in ack
    assert "AK5*A" not in ack
