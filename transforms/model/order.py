"""Customer orders from any channel: header, customer, ship-to, fulfilment and lines."""

from __future__ import annotations

import enum
from datetime import date
from typing import Annotated

from msgspec import Meta

from transforms.model.common import (
    Address,
    CanonicalStruct,
    CurrencyCode,
    Identifier,
    Money,
    NonEmptyStr,
    Quantity,
    UtcDateTime,
    as_utc,
)

__all__ = ["Customer", "FulfillmentType", "Order", "OrderLine"]


class FulfillmentType(enum.Enum):
    """How an order (or line) reaches the customer."""

    SHIP = "ship"
    """Shipped from a distribution centre to ``ship_to``."""
    PICKUP_IN_STORE = "pickup_in_store"
    """Buy online, pick up in store (BOPIS) at ``fulfillment_location_id``."""
    SHIP_FROM_STORE = "ship_from_store"
    """Picked in the store ``fulfillment_location_id`` and shipped to ``ship_to``."""
    DROP_SHIP = "drop_ship"
    """Shipped by a supplier (``fulfillment_location_id`` names the vendor) to ``ship_to``."""


class Customer(CanonicalStruct, kw_only=True):
    """The person or company that placed the order."""

    customer_id: Annotated[Identifier | None, Meta(description="Customer id, if known.")] = None
    name: Annotated[NonEmptyStr | None, Meta(description="Full name.")] = None
    email: Annotated[str | None, Meta(description="E-mail address.")] = None
    phone: Annotated[str | None, Meta(description="Phone number, E.164 preferred.")] = None


class OrderLine(CanonicalStruct, kw_only=True):
    """One ordered item."""

    line_number: Annotated[int, Meta(ge=1, description="Line number, unique in the order.")]
    sku: Annotated[Identifier, Meta(description="Internal SKU (after any partner crosswalk).")]
    quantity: Annotated[Quantity, Meta(description="Ordered quantity; must be positive.")]
    unit_price: Annotated[Money, Meta(description="Price of one unit, before discount and tax.")]
    discount: Annotated[Money | None, Meta(description="Total discount on the line.")] = None
    tax: Annotated[Money | None, Meta(description="Total tax on the line.")] = None
    description: Annotated[str | None, Meta(description="Item description as sold.")] = None
    fulfillment_location_id: Annotated[
        Identifier | None,
        Meta(description="Node fulfilling this line, when it differs from the order's."),
    ] = None

    def __post_init__(self) -> None:
        if self.quantity.value <= 0:
            raise ValueError(f"line {self.line_number}: quantity must be positive")
        if self.unit_price.amount < 0:
            raise ValueError(f"line {self.line_number}: unit_price must not be negative")


class Order(CanonicalStruct, kw_only=True):
    """A customer order. Published as ``order.created`` (and ``order.*`` updates)."""

    order_number: Annotated[Identifier, Meta(description="Order number, unique per channel.")]
    channel: Annotated[
        Identifier, Meta(description="Sales channel, e.g. web, store, marketplace:acme.")
    ]
    placed_at: Annotated[UtcDateTime, Meta(description="When the customer placed the order.")]
    currency: Annotated[
        CurrencyCode, Meta(description="ISO 4217 currency of every amount in the order.")
    ]
    customer: Annotated[Customer, Meta(description="Who placed the order.")]
    ship_to: Annotated[
        Address | None,
        Meta(description="Delivery address; unless pickup_in_store, this or ship_to_location_id."),
    ] = None
    ship_to_location_id: Annotated[
        Identifier | None,
        Meta(
            description="Delivery location by id or GLN (B2B: a store or DC), instead of ship_to."
        ),
    ] = None
    bill_to: Annotated[Address | None, Meta(description="Billing address.")] = None
    fulfillment: Annotated[FulfillmentType, Meta(description="How the order is fulfilled.")] = (
        FulfillmentType.SHIP
    )
    fulfillment_location_id: Annotated[
        Identifier | None,
        Meta(description="Store or vendor fulfilling; required for store and drop-ship types."),
    ] = None
    promised_date: Annotated[
        date | None, Meta(description="Date promised to the customer (delivery or pickup).")
    ] = None
    shipping_charge: Annotated[Money | None, Meta(description="Shipping charged.")] = None
    tax: Annotated[
        Money | None,
        Meta(
            description="Tax not carried by the lines' own `tax` (e.g. on shipping), or the "
            "whole order's tax when the lines carry none."
        ),
    ] = None
    total: Annotated[
        Money | None,
        Meta(
            description="The order total as the partner stated it: lines (quantity x unit "
            "price - discount + tax) + shipping + tax. A `reconcile` step checks it."
        ),
    ] = None
    lines: Annotated[
        list[OrderLine], Meta(min_length=1, description="Ordered items; at least one.")
    ]
    external_reference: Annotated[
        str | None, Meta(description="The partner's own id for the order, if different.")
    ] = None
    attributes: Annotated[
        dict[str, str], Meta(description="Extra string attributes kept as they are.")
    ] = {}

    def __post_init__(self) -> None:
        self.placed_at = as_utc(self.placed_at)
        self._check_fulfillment()
        self._check_lines()

    def _check_fulfillment(self) -> None:
        kind = self.fulfillment
        if (
            kind is not FulfillmentType.PICKUP_IN_STORE
            and self.ship_to is None
            and self.ship_to_location_id is None
        ):
            raise ValueError(
                f"ship_to is required when fulfillment is {kind.value} "
                "(or ship_to_location_id for a delivery location by id or GLN)"
            )
        if kind is not FulfillmentType.SHIP and self.fulfillment_location_id is None:
            raise ValueError(
                f"fulfillment_location_id is required when fulfillment is {kind.value}"
            )

    def _check_lines(self) -> None:
        seen: set[int] = set()
        for line in self.lines:
            if line.line_number in seen:
                raise ValueError(f"line_number {line.line_number} appears twice")
            seen.add(line.line_number)
            for money in (line.unit_price, line.discount, line.tax):
                if money is not None and money.currency != self.currency:
                    raise ValueError(
                        f"line {line.line_number}: amount in {money.currency}, "
                        f"order currency is {self.currency}"
                    )
        for name in ("shipping_charge", "tax", "total"):
            money = getattr(self, name)
            if money is not None and money.currency != self.currency:
                raise ValueError(f"{name} in {money.currency}, order currency is {self.currency}")
