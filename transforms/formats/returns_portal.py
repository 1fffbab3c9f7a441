"""What a returns portal sends at each stage of a return."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from transforms.formats.common import Amount, Id, Timestamp

__all__ = ["ReturnUpdate"]


class ReturnItem(msgspec.Struct, kw_only=True):
    line: Annotated[int, msgspec.Meta(ge=1)] | None = None
    sku: Id
    qty: Amount
    reason: str | None = None
    condition: Literal["resellable", "damaged", "defective", "missing", "wrong_item"] | None = None
    refund: Amount | None = None


class ReturnUpdate(msgspec.Struct, kw_only=True):
    """One stage of a return: authorised, received or inspected."""

    rma: Id
    order: Id
    status: Literal["authorised", "received", "inspected"]
    authorisedAt: Timestamp
    receivedAt: Timestamp | None = None
    warehouse: Id | None = None
    currency: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")]
    items: Annotated[list[ReturnItem], msgspec.Meta(min_length=1)]
