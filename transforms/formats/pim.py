"""What the PIM sends: one product's master data."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from transforms.formats.common import Amount, Id, Timestamp

__all__ = ["PimProduct"]


class PimWeight(msgspec.Struct, kw_only=True):
    value: Amount
    unit: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{1,3}$", description="G, KG, LB, OZ")]


class PimProduct(msgspec.Struct, kw_only=True):
    """A product as the PIM exports it."""

    sku: Id
    title: Annotated[str, msgspec.Meta(min_length=1)]
    longDescription: str | None = None
    brand: str | None = None
    barcodes: list[Annotated[str, msgspec.Meta(pattern=r"^([0-9]{8}|[0-9]{12,14})$")]] = []
    uom: Annotated[str, msgspec.Meta(pattern=r"^[A-Z0-9]{1,6}$")] | None = None
    lifecycle: Literal["active", "discontinued", "inactive"] | None = None
    listPrice: Amount | None = None
    currency: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")] | None = None
    weight: PimWeight | None = None
    attributes: dict[str, str] = {}
    modifiedAt: Timestamp | None = None
