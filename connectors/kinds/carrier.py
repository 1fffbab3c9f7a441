"""Carrier connector: create a shipment and its label."""

from __future__ import annotations

from connectors.http_core import HttpCore
from connectors.kinds.base import Operation
from connectors.kinds.rest import RestConnector, operation_connector
from omnihub.config.model import Delivery

__all__ = ["OPERATIONS", "carrier_connector"]

OPERATIONS: dict[str, Operation] = {
    "shipment.create": Operation(
        method="POST",
        path="/carrier/shipments",
        reference="tracking_number",
        description="book a shipment and get its label and tracking number",
    ),
}


def carrier_connector(core: HttpCore, delivery_id: str, delivery: Delivery) -> RestConnector:
    return operation_connector(core, "carrier", OPERATIONS, delivery_id, delivery)
