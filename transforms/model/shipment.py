"""Shipment confirmations: what left which node for which order, with tracking."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from transforms.model.common import (
    Address,
    CanonicalStruct,
    Identifier,
    Quantity,
    UtcDateTime,
    as_utc,
)
from transforms.model.gs1 import Sscc18, is_valid_gs1

__all__ = ["Package", "Shipment", "ShipmentLine"]


class ShipmentLine(CanonicalStruct, kw_only=True):
    """Quantity of one order line (or SKU) shipped."""

    sku: Annotated[Identifier, Meta(description="Internal SKU shipped.")]
    quantity: Annotated[Quantity, Meta(description="Units shipped; positive.")]
    line_number: (
        Annotated[int, Meta(ge=1, description="Order line it fulfils, if known.")] | None
    ) = None
    lot: Annotated[str | None, Meta(description="Lot or batch number.")] = None

    def __post_init__(self) -> None:
        if self.quantity.value <= 0:
            raise ValueError("shipped quantity must be positive")


class Package(CanonicalStruct, kw_only=True):
    """One parcel or pallet of the shipment."""

    tracking_number: Annotated[Identifier | None, Meta(description="Carrier tracking no.")] = None
    sscc: Annotated[Sscc18 | None, Meta(description="SSCC-18 label of the package.")] = None
    weight: Annotated[Quantity | None, Meta(description="Gross weight (KG or LB).")] = None

    def __post_init__(self) -> None:
        if self.sscc is not None and not is_valid_gs1(self.sscc):
            raise ValueError(f"sscc {self.sscc} has a wrong check digit")


class Shipment(CanonicalStruct, kw_only=True):
    """A shipment confirmation from a warehouse, store or 3PL. Published as
    ``shipment.confirmed``."""

    shipment_id: Annotated[Identifier, Meta(description="Shipment id at the shipping node.")]
    order_number: Annotated[Identifier, Meta(description="Order the shipment fulfils.")]
    from_location_id: Annotated[Identifier, Meta(description="Node that shipped.")]
    shipped_at: Annotated[UtcDateTime, Meta(description="When it left the node.")]
    carrier: Annotated[Identifier, Meta(description="Canonical carrier code (crosswalked).")]
    service_level: Annotated[str | None, Meta(description="Carrier service, e.g. ground.")] = None
    tracking_number: Annotated[Identifier | None, Meta(description="Master tracking number.")] = (
        None
    )
    ship_to: Annotated[Address | None, Meta(description="Where it is going.")] = None
    lines: Annotated[
        list[ShipmentLine], Meta(min_length=1, description="What was shipped; at least one.")
    ]
    packages: Annotated[list[Package], Meta(description="Parcels or pallets.")] = []

    def __post_init__(self) -> None:
        self.shipped_at = as_utc(self.shipped_at)
