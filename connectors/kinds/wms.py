"""WMS connector: pick/ship (shipment) requests, expected receipts from ASNs."""

from __future__ import annotations

from connectors.http_core import HttpCore
from connectors.kinds.base import Operation
from connectors.kinds.rest import RestConnector, operation_connector
from omnihub.config.model import Delivery

__all__ = ["OPERATIONS", "wms_connector"]

OPERATIONS: dict[str, Operation] = {
    "shipment_request.create": Operation(
        method="POST",
        path="/wms/shipment-requests",
        reference="id",
        description="release an order to the warehouse for pick, pack and ship",
    ),
    "expected_receipt.create": Operation(
        method="POST",
        path="/wms/expected-receipts",
        reference="id",
        description="announce an inbound delivery (from an ASN) to receiving",
    ),
}


def wms_connector(core: HttpCore, delivery_id: str, delivery: Delivery) -> RestConnector:
    return operation_connector(core, "WMS", OPERATIONS, delivery_id, delivery)
