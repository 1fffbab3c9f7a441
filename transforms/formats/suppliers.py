"""What suppliers and 3PLs send as JSON: ASNs and shipment confirmations."""

from __future__ import annotations

from typing import Annotated

import msgspec

from transforms.formats.common import Amount, Id, Timestamp

__all__ = ["ShipmentConfirmation", "SupplierAsn"]


class SupplierAsnItem(msgspec.Struct, kw_only=True):
    sku: Id
    gtin: Annotated[str, msgspec.Meta(pattern=r"^([0-9]{8}|[0-9]{12,14})$")] | None = None
    qty: Amount
    uom: Annotated[str, msgspec.Meta(pattern=r"^[A-Z0-9]{1,6}$")] | None = None
    lot: str | None = None
    expiry: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{2}\.[0-9]{2}\.[0-9]{4}$")] | None = None


class SupplierAsnCarton(msgspec.Struct, kw_only=True):
    sscc: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{18}$")] | None = None
    items: Annotated[list[SupplierAsnItem], msgspec.Meta(min_length=1)]


class SupplierAsnOrder(msgspec.Struct, kw_only=True):
    po: Id
    cartons: Annotated[list[SupplierAsnCarton], msgspec.Meta(min_length=1)]


class SupplierAsn(msgspec.Struct, kw_only=True):
    """A supplier's advance ship notice."""

    asnNumber: Id
    shipTo: Annotated[Id, msgspec.Meta(description="The supplier's code of our DC.")]
    shipDate: Timestamp
    eta: Timestamp | None = None
    carrier: Annotated[Id, msgspec.Meta(description="Carrier code (crosswalked).")]
    tracking: str | None = None
    bol: str | None = None
    purchaseOrders: Annotated[list[SupplierAsnOrder], msgspec.Meta(min_length=1)]


class ConfirmedLine(msgspec.Struct, kw_only=True):
    lineNo: Annotated[int, msgspec.Meta(ge=1)]
    sku: Id
    qtyShipped: Annotated[int, msgspec.Meta(ge=0, description="Lines with 0 are left out.")]


class ConfirmedCarton(msgspec.Struct, kw_only=True):
    tracking: str | None = None
    weightLb: Amount | None = None


class ShipmentConfirmation(msgspec.Struct, kw_only=True):
    """A 3PL's confirmation that an order's shipment left its warehouse."""

    shipmentRef: Id
    clientOrder: Id
    site: Annotated[Id, msgspec.Meta(description="The 3PL's site code (crosswalked).")]
    shippedOn: Annotated[
        str,
        msgspec.Meta(
            pattern=r"^[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}$",
            description="MM/DD/YYYY HH:MM, America/Chicago.",
        ),
    ]
    scac: Annotated[Id, msgspec.Meta(description="Carrier SCAC (crosswalked).")]
    service: str | None = None
    tracking: str | None = None
    lines: Annotated[list[ConfirmedLine], msgspec.Meta(min_length=1)]
    cartons: list[ConfirmedCarton] = []
