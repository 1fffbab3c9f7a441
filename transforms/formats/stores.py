"""What store systems send: a POS batch of sold lines."""

from __future__ import annotations

from typing import Annotated

import msgspec

from transforms.formats.common import Amount, Id, LocalDateTime

__all__ = ["PosSalesBatch"]


class PosLine(msgspec.Struct, kw_only=True):
    receipt: Id
    line: Annotated[int, msgspec.Meta(ge=1)]
    sku: Id
    qty: Amount
    sold_at: Annotated[LocalDateTime, msgspec.Meta(description="Store-local (New York) time.")]


class PosSalesBatch(msgspec.Struct, kw_only=True):
    """A store's POS batch: one inventory sale event per line."""

    store: Annotated[Id, msgspec.Meta(description="The POS store number (crosswalked).")]
    batch: Id
    register: str | None = None
    lines: Annotated[list[PosLine], msgspec.Meta(min_length=1)]
