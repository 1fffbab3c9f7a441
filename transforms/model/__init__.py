"""The canonical retail model: msgspec structs every partner format maps to and from.

``CANONICAL_TYPES`` names the top-level types for YAML (``validate`` steps, route
schemas). See ``docs/canonical-model.md`` for the conventions and each field.
"""

from transforms.model.asn import ASN, AsnItem, AsnOrder, AsnPack
from transforms.model.common import (
    Address,
    CanonicalStruct,
    CountryCode,
    CurrencyCode,
    Identifier,
    Money,
    NonEmptyStr,
    Quantity,
    UnitOfMeasure,
    UtcDateTime,
    as_utc,
)
from transforms.model.currency import minor_unit_exponent
from transforms.model.gs1 import Gtin, Sscc18, gs1_check_digit, is_valid_gs1
from transforms.model.inventory import (
    InventoryEvent,
    InventoryEventKind,
    InventoryLine,
    InventoryStatus,
)
from transforms.model.master import Location, LocationType, Product, ProductStatus
from transforms.model.order import Customer, FulfillmentType, Order, OrderLine
from transforms.model.registry import CANONICAL_TYPES
from transforms.model.returns import InspectionResult, Return, ReturnLine, ReturnStage
from transforms.model.schema import (
    canonical_json_schema,
    canonical_schema_components,
    render_canonical_schema,
)
from transforms.model.shipment import Package, Shipment, ShipmentLine

__all__ = [
    "ASN",
    "CANONICAL_TYPES",
    "Address",
    "AsnItem",
    "AsnOrder",
    "AsnPack",
    "CanonicalStruct",
    "CountryCode",
    "CurrencyCode",
    "Customer",
    "FulfillmentType",
    "Gtin",
    "Identifier",
    "InspectionResult",
    "InventoryEvent",
    "InventoryEventKind",
    "InventoryLine",
    "InventoryStatus",
    "Location",
    "LocationType",
    "Money",
    "NonEmptyStr",
    "Order",
    "OrderLine",
    "Package",
    "Product",
    "ProductStatus",
    "Quantity",
    "Return",
    "ReturnLine",
    "ReturnStage",
    "Shipment",
    "ShipmentLine",
    "Sscc18",
    "UnitOfMeasure",
    "UtcDateTime",
    "as_utc",
    "canonical_json_schema",
    "canonical_schema_components",
    "gs1_check_digit",
    "is_valid_gs1",
    "minor_unit_exponent",
    "render_canonical_schema",
]
