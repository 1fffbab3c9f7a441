from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import msgspec
import pytest

from transforms.model import CANONICAL_TYPES, FulfillmentType, Order


def _decode(doc: dict[str, Any]) -> Order:
    return msgspec.json.decode(msgspec.json.encode(doc), type=CANONICAL_TYPES["Order"])  # type: ignore[return-value]


def _error(doc: dict[str, Any]) -> str:
    with pytest.raises(msgspec.ValidationError) as info:
        _decode(doc)
    return str(info.value)


def test_valid_order_decodes_with_placed_at_in_utc(order_doc: dict[str, Any]) -> None:
    order = _decode(order_doc)
    assert order.placed_at == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert order.placed_at.tzinfo is UTC
    assert order.lines[0].quantity.value == Decimal("2")
    assert order.fulfillment is FulfillmentType.SHIP


def test_order_encodes_utc_times_and_decimal_strings(order_doc: dict[str, Any]) -> None:
    encoded = msgspec.json.decode(msgspec.json.encode(_decode(order_doc)))
    assert encoded["placed_at"] == "2026-11-23T08:00:00Z"
    assert encoded["lines"][0]["quantity"] == {"value": "2", "uom": "EA"}


def test_lowercase_currency_is_refused_at_its_path(order_doc: dict[str, Any]) -> None:
    order_doc["currency"] = "usd"
    assert "$.currency" in _error(order_doc)


def test_order_without_lines_is_refused(order_doc: dict[str, Any]) -> None:
    order_doc["lines"] = []
    assert "$.lines" in _error(order_doc)


def test_zero_quantity_is_refused_at_the_line(order_doc: dict[str, Any]) -> None:
    order_doc["lines"][0]["quantity"]["value"] = "0"
    message = _error(order_doc)
    assert "quantity must be positive" in message
    assert "$.lines[0]" in message


def test_unknown_field_is_refused(order_doc: dict[str, Any]) -> None:
    order_doc["customer"]["loyalty"] = "gold"
    assert "unknown field `loyalty`" in _error(order_doc)


def test_naive_timestamp_is_refused(order_doc: dict[str, Any]) -> None:
    order_doc["placed_at"] = "2026-11-23T10:00:00"
    assert "$.placed_at" in _error(order_doc)


def test_empty_order_number_is_refused(order_doc: dict[str, Any]) -> None:
    order_doc["order_number"] = ""
    assert "$.order_number" in _error(order_doc)


def test_line_in_other_currency_is_refused(order_doc: dict[str, Any]) -> None:
    order_doc["lines"][0]["unit_price"]["currency"] = "EUR"
    assert "order currency is USD" in _error(order_doc)


def test_duplicate_line_numbers_are_refused(order_doc: dict[str, Any]) -> None:
    order_doc["lines"].append(dict(order_doc["lines"][0]))
    assert "line_number 1 appears twice" in _error(order_doc)


def test_shipping_order_needs_ship_to(order_doc: dict[str, Any]) -> None:
    del order_doc["ship_to"]
    assert "ship_to is required" in _error(order_doc)


def test_pickup_in_store_needs_a_store_but_no_address(order_doc: dict[str, Any]) -> None:
    del order_doc["ship_to"]
    order_doc["fulfillment"] = "pickup_in_store"
    assert "fulfillment_location_id is required" in _error(order_doc)
    order_doc["fulfillment_location_id"] = "STORE-12"
    assert _decode(order_doc).fulfillment is FulfillmentType.PICKUP_IN_STORE


def test_b2b_order_may_name_the_delivery_location_instead_of_an_address(
    order_doc: dict[str, Any],
) -> None:
    del order_doc["ship_to"]
    order_doc["ship_to_location_id"] = "4012345000009"
    assert _decode(order_doc).ship_to_location_id == "4012345000009"
