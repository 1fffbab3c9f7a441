"""856 hierarchies: S-O-T-P-I (tares holding packs), tares holding items, positions."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from transforms.edi.x12.read import read_x12
from transforms.model import ASN

X12Builder = Callable[..., str]
SHIPMENT = [
    "BSN*00*ASN77*20261123*1200",
    "HL*1**S",
    "TD5**2*UPSN",
    "DTM*011*20261123*1200",
    "N1*ST**92*DC1",
    "N1*SU**92*SUP1",
    "HL*2*1*O",
    "PRF*PO-1",
]


def read_asn(x12: X12Builder, body: list[str]) -> ASN:
    (item,) = read_x12(x12(("856", body))).sets()
    assert item.accepted, [f.describe() for f in item.findings]
    assert isinstance(item.payload, ASN)
    return item.payload


def test_s_o_t_p_i_packs_under_a_tare_belong_to_the_order(x12: X12Builder) -> None:
    asn = read_asn(
        x12,
        [
            *SHIPMENT,
            "HL*3*2*T",
            "MAN*GM*000123450000000010",
            "HL*4*3*P",
            "MAN*GM*000123450000000027",
            "HL*5*4*I",
            "LIN**SK*A",
            "SN1**2*EA",
            "HL*6*3*P",
            "MAN*GM*000123450000000034",
            "HL*7*6*I",
            "LIN**SK*B",
            "SN1**3*EA",
        ],
    )
    (order,) = asn.orders
    assert [(p.sscc, [i.sku for i in p.items]) for p in order.packs] == [
        ("000123450000000027", ["A"]),
        ("000123450000000034", ["B"]),
    ]


def test_tare_holding_items_directly_is_a_pack(x12: X12Builder) -> None:
    asn = read_asn(
        x12,
        [
            *SHIPMENT,
            "HL*3*2*T",
            "MAN*GM*000123450000000010",
            "HL*4*3*I",
            "LIN**SK*A",
            "SN1**5*CA",
        ],
    )
    (pack,) = asn.orders[0].packs
    assert pack.sscc == "000123450000000010"
    assert [(i.sku, i.quantity.value, i.quantity.uom) for i in pack.items] == [
        ("A", Decimal(5), "CA")
    ]


def test_hl_with_unknown_parent_rejects_the_set_with_its_position(x12: X12Builder) -> None:
    body = [*SHIPMENT, "HL*3*9*I", "LIN**SK*A", "SN1**1*EA"]
    (item,) = read_x12(x12(("856", body))).sets()
    assert not item.accepted
    finding = item.findings[0]
    assert (finding.segment_id, finding.segment_position, finding.element, finding.code) == (
        "HL",
        10,
        2,
        "7",
    )


def test_missing_shipped_quantity_is_an_element_error(x12: X12Builder) -> None:
    body = [*SHIPMENT, "HL*3*2*I", "LIN**SK*A", "SN1***EA"]
    (item,) = read_x12(x12(("856", body))).sets()
    assert not item.accepted
    ack = read_x12(x12(("856", body))).interchanges[0].groups[0].ack_text
    assert "AK3*SN1*12**8~AK4*2*382*1~AK5*R*5~" in ack
