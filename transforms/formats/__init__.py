"""Partner formats: what partners send before a route's pipeline makes it canonical.

A route version names its input type (``input: AcmeOrderV1``); the gateway validates
the body with that msgspec type before the pipeline runs, and the OpenAPI document
describes the body with the JSON Schema msgspec generates from the same type, so the
contract and the validation cannot drift. A partner's extra fields are accepted and
ignored (formats do not forbid unknown fields); the canonical types stay strict.
"""

from __future__ import annotations

from typing import Final

import msgspec

from transforms.formats.marketplaces import AcmeOrderV1, ShopifyOrder
from transforms.formats.pim import PimProduct
from transforms.formats.returns_portal import ReturnUpdate
from transforms.formats.stores import PosSalesBatch
from transforms.formats.suppliers import ShipmentConfirmation, SupplierAsn
from transforms.model import CANONICAL_TYPES

__all__ = ["INPUT_TYPES", "PARTNER_FORMATS"]

PARTNER_FORMATS: Final[dict[str, type[msgspec.Struct]]] = {
    "AcmeOrderV1": AcmeOrderV1,
    "ShopifyOrder": ShopifyOrder,
    "PosSalesBatch": PosSalesBatch,
    "SupplierAsn": SupplierAsn,
    "ShipmentConfirmation": ShipmentConfirmation,
    "ReturnUpdate": ReturnUpdate,
    "PimProduct": PimProduct,
}
"""Partner format name (as written in ``input:``) → msgspec Struct class."""

INPUT_TYPES: Final[dict[str, type[msgspec.Struct]]] = {**CANONICAL_TYPES, **PARTNER_FORMATS}
"""Every type a route version may take as input: a canonical type or a partner format."""
