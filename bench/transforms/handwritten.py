"""The ``orders:v1`` upgrade written by hand: what a team would write without pipelines.

Same input, same output as the example configuration's pipeline (the benchmark checks
they are equal before timing): the older ACME order shape to the canonical order,
decimal prices to minor units, local time to RFC 3339 UTC, seller SKU and shipping
method through the crosswalk tables of ``policies/tables.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from transforms.model.currency import minor_unit_exponent

__all__ = ["HandMapping", "MappingError"]

_NEW_YORK = ZoneInfo("America/New_York")


class MappingError(Exception):
    """The order cannot be mapped; the message says which field and why."""


def _minor_units(value: Any, currency: str) -> int | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise MappingError(f"not a decimal amount: {value!r}") from None
    scaled = amount.scaleb(minor_unit_exponent(currency))
    if scaled != scaled.to_integral_value():
        raise MappingError(f"{value!r} has more decimals than {currency} allows")
    return int(scaled)


def _money(value: Any, currency: str) -> dict[str, Any]:
    return {"amount": value, "currency": currency}


def _drop_nulls(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if v is not None}


class HandMapping:
    """The mapping with its two crosswalks (partner SKU → SKU, method → fulfillment)."""

    def __init__(self, skus: Mapping[str, Any], methods: Mapping[str, Any]) -> None:
        self._skus = skus
        self._methods = methods

    def __call__(self, order: dict[str, Any]) -> dict[str, Any]:
        if order.get("orderId") is None:
            return order
        currency: str = order["currencyCode"]
        buyer = order.get("buyer") or {}
        shipping = order.get("shipping") or {}
        first, last = buyer.get("firstName"), buyer.get("lastName")
        lines = []
        for item in order.get("items") or []:
            price, discount = item.get("price"), item.get("discount")
            sku = item.get("sellerSku")
            if sku is not None:
                try:
                    sku = self._skus[str(sku)]
                except KeyError:
                    raise MappingError(f"no internal SKU for seller SKU {sku!r}") from None
            lines.append(
                _drop_nulls(
                    {
                        "line_number": item.get("lineNo"),
                        "sku": sku,
                        "description": item.get("title"),
                        "quantity": {"value": item.get("qty"), "uom": "EA"},
                        "unit_price": {
                            "amount": _minor_units(price, currency),
                            "currency": currency,
                        },
                        "discount": {
                            "amount": _minor_units(discount, currency),
                            "currency": currency,
                        },
                    }
                )
            )
        method = shipping.get("method")
        if method is not None:
            try:
                method = self._methods[str(method)]
            except KeyError:
                raise MappingError(f"unknown shipping method {method!r}") from None
        placed_at = order.get("createdAt")
        if placed_at is not None:
            local = datetime.strptime(placed_at, "%Y-%m-%d %H:%M:%S").replace(tzinfo=_NEW_YORK)
            placed_at = local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        fee = order.get("shippingFee")
        return _drop_nulls(
            {
                "order_number": order["orderId"],
                "channel": "marketplace",
                "placed_at": placed_at,
                "currency": currency,
                "external_reference": _text(order["orderId"]),
                "customer": _drop_nulls(
                    {
                        "customer_id": buyer.get("id"),
                        "name": f"{first or ''} {last or ''}",
                        "email": buyer.get("email"),
                        "phone": buyer.get("phone"),
                    }
                ),
                "ship_to": _drop_nulls(
                    {
                        "name": shipping.get("name"),
                        "line1": shipping.get("street"),
                        "line2": shipping.get("street2"),
                        "city": shipping.get("city"),
                        "region": shipping.get("state"),
                        "postal_code": shipping.get("zip"),
                        "country": shipping.get("country"),
                    }
                ),
                "fulfillment": method,
                "fulfillment_location_id": shipping.get("pickupStore"),
                "promised_date": order.get("promiseDate"),
                "shipping_charge": _money(_minor_units(fee, currency), currency),
                "lines": lines,
            }
        )


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return str(value)
