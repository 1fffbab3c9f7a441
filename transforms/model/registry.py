"""The registry of canonical types by the name used in YAML (``validate: {type: Order}``)."""

from __future__ import annotations

from typing import Final

import msgspec

from transforms.model.asn import ASN
from transforms.model.inventory import InventoryEvent
from transforms.model.master import Location, Product
from transforms.model.order import Order
from transforms.model.returns import Return
from transforms.model.shipment import Shipment

__all__ = ["CANONICAL_TYPES"]

CANONICAL_TYPES: Final[dict[str, type[msgspec.Struct]]] = {
    "Order": Order,
    "InventoryEvent": InventoryEvent,
    "Shipment": Shipment,
    "Return": Return,
    "ASN": ASN,
    "Product": Product,
    "Location": Location,
}
"""Canonical type name (as written in YAML) → msgspec Struct class."""
