"""Orders as marketplaces send them: ACME's older v1 shape, Shopify's orders/create webhook."""

from __future__ import annotations

from typing import Annotated

import msgspec

from transforms.formats.common import Amount, DecimalText, Id, LocalDateTime, Timestamp

__all__ = ["AcmeOrderV1", "ShopifyOrder"]

Currency = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")]


class AcmeBuyer(msgspec.Struct, kw_only=True):
    id: Id | None = None
    firstName: str | None = None
    lastName: str | None = None
    email: str | None = None
    phone: str | None = None


class AcmeShipping(msgspec.Struct, kw_only=True):
    method: Annotated[str, msgspec.Meta(description="ACME shipping method (STD, EXP, BOPIS…).")]
    name: str | None = None
    street: Annotated[str, msgspec.Meta(min_length=1)]
    street2: str | None = None
    city: Annotated[str, msgspec.Meta(min_length=1)]
    state: str | None = None
    zip: str | None = None
    country: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")]
    pickupStore: Id | None = None


class AcmeItem(msgspec.Struct, kw_only=True):
    lineNo: Annotated[int, msgspec.Meta(ge=1)]
    sellerSku: Annotated[Id, msgspec.Meta(description="ACME's seller SKU (crosswalked).")]
    title: str | None = None
    qty: Annotated[int, msgspec.Meta(ge=1)]
    price: Annotated[Amount, msgspec.Meta(description="Unit price in major units (19.99).")]
    discount: Amount | None = None


class AcmeOrderV1(msgspec.Struct, kw_only=True):
    """ACME's order as v1 partners send it: decimal prices, New York wall-clock times,
    seller SKUs and shipping method codes (the v1 pipeline upgrades it)."""

    orderId: Id
    createdAt: Annotated[LocalDateTime, msgspec.Meta(description="America/New_York time.")]
    currencyCode: Currency
    buyer: AcmeBuyer
    shipping: AcmeShipping
    promiseDate: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")] | None = None
    shippingFee: Amount | None = None
    items: Annotated[list[AcmeItem], msgspec.Meta(min_length=1)]


class ShopifyCustomer(msgspec.Struct, kw_only=True):
    first_name: str | None = None
    last_name: str | None = None


class ShopifyAddress(msgspec.Struct, kw_only=True):
    name: str | None = None
    address1: Annotated[str, msgspec.Meta(min_length=1)]
    city: Annotated[str, msgspec.Meta(min_length=1)]
    zip: str | None = None
    country_code: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")]


class ShopifyLineItem(msgspec.Struct, kw_only=True):
    id: Annotated[int, msgspec.Meta(ge=1)]
    sku: Id
    quantity: Annotated[int, msgspec.Meta(ge=1)]
    price: DecimalText


class ShopifyOrder(msgspec.Struct, kw_only=True):
    """Shopify's ``orders/create`` webhook payload (the fields the hub reads; Shopify's
    many others are accepted and ignored)."""

    id: Annotated[int, msgspec.Meta(ge=1)]
    name: Annotated[Id, msgspec.Meta(description='The order name shown to the buyer, "#1001".')]
    email: str | None = None
    created_at: Timestamp
    currency: Currency
    customer: ShopifyCustomer
    shipping_address: ShopifyAddress | None = None
    line_items: Annotated[list[ShopifyLineItem], msgspec.Meta(min_length=1)]
