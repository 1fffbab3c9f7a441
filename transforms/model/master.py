"""Master data: products (items) and locations (stores, warehouses, vendors)."""

from __future__ import annotations

import enum
from typing import Annotated

from msgspec import Meta

from transforms.model.common import (
    Address,
    CanonicalStruct,
    Identifier,
    Money,
    NonEmptyStr,
    Quantity,
    UnitOfMeasure,
    UtcDateTime,
    as_utc,
)
from transforms.model.gs1 import Gtin, is_valid_gs1
from transforms.model.order import FulfillmentType

__all__ = ["Location", "LocationType", "Product", "ProductStatus"]


class ProductStatus(enum.Enum):
    """Whether a product can be sold and replenished."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    DISCONTINUED = "discontinued"


class Product(CanonicalStruct, kw_only=True):
    """A sellable item. Published as ``product.upserted`` on the master-data lane."""

    sku: Annotated[Identifier, Meta(description="Internal SKU.")]
    name: Annotated[NonEmptyStr, Meta(description="Display name.")]
    description: Annotated[str | None, Meta(description="Long description.")] = None
    brand: Annotated[str | None, Meta(description="Brand name.")] = None
    gtins: Annotated[list[Gtin], Meta(description="Barcodes with valid check digits.")] = []
    base_uom: Annotated[UnitOfMeasure, Meta(description="Unit stock is counted in.")] = "EA"
    status: Annotated[ProductStatus, Meta(description="Lifecycle status.")] = ProductStatus.ACTIVE
    list_price: Annotated[Money | None, Meta(description="Regular selling price.")] = None
    weight: Annotated[Quantity | None, Meta(description="Unit weight (KG or LB).")] = None
    attributes: Annotated[
        dict[str, str], Meta(description="Colour, size and other string attributes.")
    ] = {}
    updated_at: Annotated[
        UtcDateTime | None, Meta(description="When the source last changed it.")
    ] = None

    def __post_init__(self) -> None:
        if self.updated_at is not None:
            self.updated_at = as_utc(self.updated_at)
        for gtin in self.gtins:
            if not is_valid_gs1(gtin):
                raise ValueError(f"gtin {gtin} has a wrong check digit")


class LocationType(enum.Enum):
    """What kind of node a location is."""

    STORE = "store"
    WAREHOUSE = "warehouse"
    DISTRIBUTION_CENTER = "distribution_center"
    THIRD_PARTY_LOGISTICS = "third_party_logistics"
    SUPPLIER = "supplier"
    DROP_SHIP_VENDOR = "drop_ship_vendor"


class Location(CanonicalStruct, kw_only=True):
    """A node that holds, ships or supplies stock. Published as ``location.upserted``."""

    location_id: Annotated[Identifier, Meta(description="Internal location id.")]
    name: Annotated[NonEmptyStr, Meta(description="Display name.")]
    kind: Annotated[LocationType, Meta(description="What kind of node it is.")]
    address: Annotated[Address | None, Meta(description="Postal address.")] = None
    timezone: Annotated[str | None, Meta(description="IANA time zone, e.g. America/Chicago.")] = (
        None
    )
    fulfillment_types: Annotated[
        list[FulfillmentType], Meta(description="Fulfilment it offers (stores, vendors).")
    ] = []
    active: Annotated[bool, Meta(description="False when closed or not yet open.")] = True
