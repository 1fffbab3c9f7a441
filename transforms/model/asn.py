"""Advance ship notices: shipment → purchase orders → packs (SSCC-18) → items."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from msgspec import Meta

from transforms.model.common import CanonicalStruct, Identifier, Quantity, UtcDateTime, as_utc
from transforms.model.gs1 import Gtin, Sscc18, is_valid_gs1

__all__ = ["ASN", "AsnItem", "AsnOrder", "AsnPack"]


class AsnItem(CanonicalStruct, kw_only=True):
    """Quantity of one item in a pack."""

    sku: Annotated[Identifier, Meta(description="Internal SKU (crosswalked from vendor).")]
    gtin: Annotated[Gtin | None, Meta(description="GTIN printed on the item.")] = None
    quantity: Annotated[Quantity, Meta(description="Units in the pack; positive.")]
    lot: Annotated[str | None, Meta(description="Lot or batch number.")] = None
    expiry_date: Annotated[date | None, Meta(description="Best-before or expiry date.")] = None

    def __post_init__(self) -> None:
        if self.quantity.value <= 0:
            raise ValueError("item quantity must be positive")
        if self.gtin is not None and not is_valid_gs1(self.gtin):
            raise ValueError(f"gtin {self.gtin} has a wrong check digit")


class AsnPack(CanonicalStruct, kw_only=True):
    """A carton or pallet, identified by its SSCC-18 label (or, without one, by the
    supplier's own carton id)."""

    sscc: Annotated[Sscc18 | None, Meta(description="SSCC-18 with a valid check digit.")] = None
    carton_id: Annotated[
        Identifier | None, Meta(description="Supplier's carton or pallet id when no SSCC-18.")
    ] = None
    items: Annotated[list[AsnItem], Meta(min_length=1, description="Contents; at least one.")]

    def __post_init__(self) -> None:
        if self.sscc is None:
            if self.carton_id is None:
                raise ValueError("a pack needs an sscc (or a carton_id when it has none)")
        elif not is_valid_gs1(self.sscc):
            raise ValueError(f"sscc {self.sscc} has a wrong check digit")


class AsnOrder(CanonicalStruct, kw_only=True):
    """The part of the shipment for one purchase order: packed items in ``packs`` and,
    for shipments without a pack level (X12 856 S-O-I), loose ``items``."""

    purchase_order_number: Annotated[Identifier, Meta(description="Buyer's PO number.")]
    packs: Annotated[list[AsnPack], Meta(description="Packs (cartons, pallets).")] = []
    items: Annotated[list[AsnItem], Meta(description="Items shipped without a pack.")] = []

    def __post_init__(self) -> None:
        if not self.packs and not self.items:
            raise ValueError(
                f"purchase order {self.purchase_order_number}: give packs or items, not neither"
            )


class ASN(CanonicalStruct, kw_only=True):
    """An advance ship notice from a supplier. Published as ``asn.received``."""

    asn_number: Annotated[Identifier, Meta(description="Supplier's shipment (ASN) number.")]
    supplier_id: Annotated[Identifier, Meta(description="Supplier (vendor) id.")]
    ship_to_location_id: Annotated[Identifier, Meta(description="Receiving node.")]
    shipped_at: Annotated[UtcDateTime, Meta(description="When the goods left the supplier.")]
    expected_at: Annotated[
        UtcDateTime | None, Meta(description="Expected arrival at the receiving node.")
    ] = None
    carrier: Annotated[str | None, Meta(description="Carrier code (SCAC).")] = None
    tracking_number: Annotated[str | None, Meta(description="Tracking or PRO number.")] = None
    bill_of_lading: Annotated[str | None, Meta(description="Bill of lading number.")] = None
    orders: Annotated[
        list[AsnOrder], Meta(min_length=1, description="Purchase orders; at least one.")
    ]

    def __post_init__(self) -> None:
        self.shipped_at = as_utc(self.shipped_at)
        if self.expected_at is not None:
            self.expected_at = as_utc(self.expected_at)
        seen: set[str] = set()
        for order in self.orders:
            for pack in order.packs:
                if pack.sscc is None:
                    continue
                if pack.sscc in seen:
                    raise ValueError(f"sscc {pack.sscc} appears in two packs")
                seen.add(pack.sscc)
