"""945 → Shipment and 846 → InventoryEvent, from documents written for these tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from transforms.edi.unmapped import UnmappedDocument
from transforms.edi.x12.read import read_x12
from transforms.model import InventoryEvent, InventoryStatus, Shipment

X12Builder = Callable[..., str]
SHIPPING_ADVICE = (
    "945",
    [
        "W06*N*ORD-7*20261120*SHIP-9**PO-3",
        "N1*SF*DC EAST*92*DC1",
        "N1*ST*JANE ROE",
        "N3*5 ELM ST",
        "N4*AKRON*OH*44301*US",
        "N9*CN*1Z999",
        "G62*11*20261121**0930",
        "W27*M*UPSN*GROUND",
        "LX*1",
        "MAN*GM*00000123450000000010",
        "W12*CC*2*2**EA**SK*SKU-1*LOT7",
        "LX*2",
        "W12*CC*1*1**EA**SK*SKU-2",
        "W03*3",
    ],
)
INVENTORY = (
    "846",
    [
        "BIA*00*MM*INV-1*20261122*0600",
        "N1*WH*DC EAST*92*DC1",
        "LIN**SK*SKU-1",
        "QTY*17*40*EA",
        "QTY*33*38*EA",
        "QTY*74*2*EA",
        "LIN**SK*SKU-2",
        "QTY*33*5*EA",
    ],
)


def test_945_maps_to_a_confirmed_shipment(x12: X12Builder) -> None:
    (item,) = read_x12(x12(SHIPPING_ADVICE)).sets()
    shipment = item.payload
    assert item.event_type == "shipment.confirmed" and isinstance(shipment, Shipment)
    assert (shipment.shipment_id, shipment.order_number, shipment.from_location_id) == (
        "SHIP-9",
        "ORD-7",
        "DC1",
    )
    assert shipment.shipped_at == datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
    assert (shipment.carrier, shipment.service_level, shipment.tracking_number) == (
        "UPSN",
        "GROUND",
        "1Z999",
    )
    assert [(ln.sku, ln.quantity.value, ln.line_number, ln.lot) for ln in shipment.lines] == [
        ("SKU-1", Decimal(2), 1, "LOT7"),
        ("SKU-2", Decimal(1), 2, None),
    ]
    assert [p.sscc for p in shipment.packages] == ["000123450000000010"]


def test_945_without_carrier_is_handed_over_unmapped(x12: X12Builder) -> None:
    body = [s for s in SHIPPING_ADVICE[1] if not s.startswith("W27")]
    (item,) = read_x12(x12(("945", body))).sets()
    assert item.accepted and isinstance(item.payload, UnmappedDocument)
    assert "carrier" in item.payload.reason


def test_846_maps_to_a_count_snapshot_per_status(x12: X12Builder) -> None:
    (item,) = read_x12(x12(INVENTORY)).sets()
    event = item.payload
    assert item.event_type == "inventory.counted" and isinstance(event, InventoryEvent)
    assert (event.event_id, event.location_id) == ("INV-1", "DC1")
    assert [(ln.sku, ln.quantity.value, ln.status) for ln in event.lines] == [
        ("SKU-1", Decimal(40), InventoryStatus.ON_HAND),
        ("SKU-1", Decimal(2), InventoryStatus.DAMAGED),
        ("SKU-2", Decimal(5), InventoryStatus.ON_HAND),
    ]


def test_846_item_without_quantity_rejects_the_set(x12: X12Builder) -> None:
    body = [*INVENTORY[1][:3], "LIN**SK*SKU-2"]
    (item,) = read_x12(x12(("846", body))).sets()
    assert not item.accepted
    assert (item.findings[0].segment_id, item.findings[0].code) == ("QTY", "3")
