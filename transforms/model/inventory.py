"""Inventory events: sales, adjustments, transfers, receipts and count snapshots."""

from __future__ import annotations

import enum
from typing import Annotated

from msgspec import Meta

from transforms.model.common import CanonicalStruct, Identifier, Quantity, UtcDateTime, as_utc

__all__ = ["InventoryEvent", "InventoryEventKind", "InventoryLine", "InventoryStatus"]


class InventoryStatus(enum.Enum):
    """Canonical stock status; partner status codes map to these through a crosswalk."""

    ON_HAND = "on_hand"
    """Physically present and sellable."""
    RESERVED = "reserved"
    """Present but promised to an order."""
    IN_TRANSIT = "in_transit"
    """Shipped between locations, not yet received."""
    DAMAGED = "damaged"
    """Present but not sellable because damaged."""
    QUARANTINED = "quarantined"
    """Held back (quality hold, recall)."""
    RETURN_PENDING_INSPECTION = "return_pending_inspection"
    """Returned by a customer, waiting for inspection."""


class InventoryEventKind(enum.Enum):
    """What happened to the stock. Published as ``inventory.<kind>``-style routing keys."""

    SALE = "sale"
    """Units sold at ``location_id`` (quantities positive, stock goes down)."""
    ADJUSTMENT = "adjustment"
    """Signed correction (non-zero); with ``to_status`` a move between statuses."""
    TRANSFER = "transfer"
    """Units moved from ``location_id`` to ``to_location_id`` (quantities positive)."""
    RECEIPT = "receipt"
    """Units received at ``location_id`` (quantities positive)."""
    COUNT_SNAPSHOT = "count_snapshot"
    """Absolute counts per SKU and status at ``occurred_at`` (quantities >= 0)."""


class InventoryLine(CanonicalStruct, kw_only=True):
    """Quantity of one SKU in one status affected by the event."""

    sku: Annotated[Identifier, Meta(description="Internal SKU.")]
    quantity: Annotated[Quantity, Meta(description="Units; sign rules depend on the kind.")]
    status: Annotated[InventoryStatus, Meta(description="Status the quantity is in.")] = (
        InventoryStatus.ON_HAND
    )
    to_status: Annotated[
        InventoryStatus | None,
        Meta(description="For adjustments: status the units move to (e.g. damaged)."),
    ] = None
    lot: Annotated[str | None, Meta(description="Lot or batch number.")] = None


class InventoryEvent(CanonicalStruct, kw_only=True):
    """One inventory movement or snapshot at a location."""

    event_id: Annotated[Identifier, Meta(description="Unique id of the event at its source.")]
    kind: Annotated[InventoryEventKind, Meta(description="What happened.")]
    location_id: Annotated[Identifier, Meta(description="Location where it happened.")]
    to_location_id: Annotated[
        Identifier | None, Meta(description="Destination; required for transfers only.")
    ] = None
    occurred_at: Annotated[UtcDateTime, Meta(description="When it happened.")]
    lines: Annotated[
        list[InventoryLine], Meta(min_length=1, description="Affected SKUs; at least one.")
    ]
    reason_code: Annotated[
        str | None, Meta(description="Canonical or crosswalked reason (adjustments).")
    ] = None
    reference: Annotated[
        str | None, Meta(description="Source document: POS transaction, order, transfer no.")
    ] = None

    def __post_init__(self) -> None:
        self.occurred_at = as_utc(self.occurred_at)
        kind = self.kind
        if kind is InventoryEventKind.TRANSFER:
            if self.to_location_id is None:
                raise ValueError("to_location_id is required for a transfer")
            if self.to_location_id == self.location_id:
                raise ValueError("a transfer needs to_location_id different from location_id")
        elif self.to_location_id is not None:
            raise ValueError(f"to_location_id is only allowed for a transfer, not {kind.value}")
        for index, line in enumerate(self.lines):
            _check_sign(kind, index, line)


def _check_sign(kind: InventoryEventKind, index: int, line: InventoryLine) -> None:
    value = line.quantity.value
    if kind is InventoryEventKind.ADJUSTMENT:
        if value == 0:
            raise ValueError(f"lines[{index}]: an adjustment quantity must not be zero")
    elif kind is InventoryEventKind.COUNT_SNAPSHOT:
        if value < 0:
            raise ValueError(f"lines[{index}]: a counted quantity must not be negative")
    elif value <= 0:
        raise ValueError(f"lines[{index}]: a {kind.value} quantity must be positive")
    if line.to_status is not None and kind is not InventoryEventKind.ADJUSTMENT:
        raise ValueError(f"lines[{index}]: to_status is only allowed for an adjustment")
