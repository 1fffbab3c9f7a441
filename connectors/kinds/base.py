"""What a connector is: one outbound message in, the target's confirmation out."""

from __future__ import annotations

from typing import Any, Literal, Protocol

import msgspec

from connectors.outcome import Delivered
from omnihub.envelope import Envelope

__all__ = ["Connector", "Operation", "Outbound"]


class Outbound(msgspec.Struct, frozen=True, kw_only=True):
    """One payload to send (a pipeline may make several of one envelope)."""

    envelope: Envelope
    payload: Any
    event_type: str
    idempotency_key: str  # the message id (suffixed ``:<n>`` when a pipeline split it)
    traceparent: str


class Operation(msgspec.Struct, frozen=True, kw_only=True):
    """A named call of a target kind, e.g. the ERP's ``sales_order.create``."""

    method: Literal["POST", "PUT", "PATCH", "DELETE"]
    path: str
    reference: str | None = None  # answer field naming what was created (logs, history)
    description: str = ""


class Connector(Protocol):
    async def deliver(self, out: Outbound) -> Delivered | None:
        """Delivered, None when there is nothing to send, or raise `DeliveryFailed`."""
        ...
