from __future__ import annotations

from typing import Any

import msgspec
import pytest

from transforms.model import CANONICAL_TYPES, InventoryEvent


def _decode(type_name: str, doc: dict[str, Any]) -> Any:
    return msgspec.convert(doc, CANONICAL_TYPES[type_name])


def _inventory(kind: str, value: str, **extra: Any) -> dict[str, Any]:
    return {
        "event_id": "E1",
        "kind": kind,
        "location_id": "STORE-1",
        "occurred_at": "2026-11-23T10:00:00Z",
        "lines": [{"sku": "SKU-1", "quantity": {"value": value}}],
        **extra,
    }


def test_registry_names_the_seven_top_level_types() -> None:
    assert set(CANONICAL_TYPES) == {
        "Order",
        "InventoryEvent",
        "Shipment",
        "Return",
        "ASN",
        "Product",
        "Location",
    }


def test_negative_adjustment_is_accepted() -> None:
    event = _decode("InventoryEvent", _inventory("adjustment", "-3"))
    assert isinstance(event, InventoryEvent)


def test_negative_sale_is_refused() -> None:
    with pytest.raises(msgspec.ValidationError, match="sale quantity must be positive"):
        _decode("InventoryEvent", _inventory("sale", "-1"))


def test_transfer_needs_a_destination() -> None:
    with pytest.raises(msgspec.ValidationError, match="to_location_id is required"):
        _decode("InventoryEvent", _inventory("transfer", "1"))


def test_unknown_inventory_status_is_refused() -> None:
    doc = _inventory("count_snapshot", "0")
    doc["lines"][0]["status"] = "lost"
    with pytest.raises(msgspec.ValidationError, match=r"\$\.lines\[0\]\.status"):
        _decode("InventoryEvent", doc)


def _asn(sscc: str) -> dict[str, Any]:
    return {
        "asn_number": "ASN-1",
        "supplier_id": "V1",
        "ship_to_location_id": "DC-1",
        "shipped_at": "2026-11-23T10:00:00Z",
        "orders": [
            {
                "purchase_order_number": "PO-1",
                "packs": [
                    {
                        "sscc": sscc,
                        "items": [
                            {
                                "sku": "SKU-1",
                                "quantity": {"value": "12"},
                                "lot": "L1",
                                "expiry_date": "2027-01-31",
                            }
                        ],
                    }
                ],
            }
        ],
    }


def test_asn_with_valid_sscc_decodes() -> None:
    asn = _decode("ASN", _asn("106141411234567897"))
    assert asn.orders[0].packs[0].items[0].expiry_date.isoformat() == "2027-01-31"


def test_asn_with_wrong_sscc_check_digit_is_refused() -> None:
    with pytest.raises(msgspec.ValidationError, match="wrong check digit"):
        _decode("ASN", _asn("106141411234567890"))


def test_inspected_return_needs_inspection_per_line() -> None:
    doc = {
        "rma_number": "R1",
        "order_number": "A1",
        "stage": "inspected",
        "authorised_at": "2026-11-20T10:00:00Z",
        "received_at": "2026-11-22T10:00:00Z",
        "location_id": "DC-1",
        "lines": [{"sku": "SKU-1", "quantity": {"value": "1"}}],
    }
    with pytest.raises(msgspec.ValidationError, match="inspection is required"):
        _decode("Return", doc)


def test_every_canonical_type_has_a_json_schema() -> None:
    _, components = msgspec.json.schema_components(list(CANONICAL_TYPES.values()))
    assert set(CANONICAL_TYPES) <= set(components)


def test_asn_order_may_ship_loose_items_without_packs() -> None:
    doc = _asn("106141411234567897")
    order = doc["orders"][0]
    order["items"] = order.pop("packs")[0]["items"]
    asn = _decode("ASN", doc)
    assert (asn.orders[0].packs, asn.orders[0].items[0].sku) == ([], "SKU-1")


def test_asn_order_without_packs_or_items_is_refused() -> None:
    doc = _asn("106141411234567897")
    del doc["orders"][0]["packs"]
    with pytest.raises(msgspec.ValidationError, match="give packs or items"):
        _decode("ASN", doc)


def test_pack_without_sscc_needs_a_carton_id() -> None:
    doc = _asn("106141411234567897")
    del doc["orders"][0]["packs"][0]["sscc"]
    with pytest.raises(msgspec.ValidationError, match="needs an sscc"):
        _decode("ASN", doc)
    doc["orders"][0]["packs"][0]["carton_id"] = "CTN-7"
    assert _decode("ASN", doc).orders[0].packs[0].carton_id == "CTN-7"
