"""Customer returns: authorisation (RMA), receipt at a node, inspection result."""

from __future__ import annotations

import enum
from typing import Annotated

from msgspec import Meta

from transforms.model.common import (
    CanonicalStruct,
    Identifier,
    Money,
    Quantity,
    UtcDateTime,
    as_utc,
)

__all__ = ["InspectionResult", "Return", "ReturnLine", "ReturnStage"]


class ReturnStage(enum.Enum):
    """How far the return has come. Published as ``return.<stage>``."""

    AUTHORISED = "authorised"
    """An RMA was issued; nothing received yet."""
    RECEIVED = "received"
    """Goods arrived at ``location_id`` (stock: return_pending_inspection)."""
    INSPECTED = "inspected"
    """Every line has an ``inspection`` result."""


class InspectionResult(enum.Enum):
    """Outcome of inspecting returned goods; decides the stock status they go to."""

    RESELLABLE = "resellable"
    """Back to on_hand."""
    DAMAGED = "damaged"
    """To damaged stock."""
    DEFECTIVE = "defective"
    """To quarantine (vendor return)."""
    WRONG_ITEM = "wrong_item"
    """Not the item sold; held for investigation."""
    MISSING = "missing"
    """Announced but not in the parcel."""


class ReturnLine(CanonicalStruct, kw_only=True):
    """One returned item."""

    sku: Annotated[Identifier, Meta(description="Internal SKU returned.")]
    quantity: Annotated[Quantity, Meta(description="Units returned; positive.")]
    line_number: Annotated[int, Meta(ge=1, description="Original order line.")] | None = None
    reason_code: Annotated[str | None, Meta(description="Why the customer returns it.")] = None
    inspection: Annotated[
        InspectionResult | None, Meta(description="Result; required at stage inspected.")
    ] = None
    refund: Annotated[Money | None, Meta(description="Amount to refund for this line.")] = None

    def __post_init__(self) -> None:
        if self.quantity.value <= 0:
            raise ValueError("returned quantity must be positive")


class Return(CanonicalStruct, kw_only=True):
    """A customer return at one stage of its life."""

    rma_number: Annotated[Identifier, Meta(description="Return authorisation number.")]
    order_number: Annotated[Identifier, Meta(description="Order the goods were sold on.")]
    stage: Annotated[ReturnStage, Meta(description="How far the return has come.")]
    authorised_at: Annotated[UtcDateTime, Meta(description="When the RMA was issued.")]
    received_at: Annotated[
        UtcDateTime | None, Meta(description="When the goods arrived; from stage received.")
    ] = None
    location_id: Annotated[
        Identifier | None, Meta(description="Node receiving the goods; from stage received.")
    ] = None
    lines: Annotated[
        list[ReturnLine], Meta(min_length=1, description="Returned items; at least one.")
    ]

    def __post_init__(self) -> None:
        self.authorised_at = as_utc(self.authorised_at)
        if self.received_at is not None:
            self.received_at = as_utc(self.received_at)
        if self.stage is not ReturnStage.AUTHORISED and (
            self.received_at is None or self.location_id is None
        ):
            raise ValueError(
                f"received_at and location_id are required at stage {self.stage.value}"
            )
        if self.stage is ReturnStage.INSPECTED:
            for index, line in enumerate(self.lines):
                if line.inspection is None:
                    raise ValueError(f"lines[{index}]: inspection is required at stage inspected")
