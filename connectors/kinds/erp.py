"""ERP connector: sales orders, inventory adjustments, return credit memos."""

from __future__ import annotations

from connectors.http_core import HttpCore
from connectors.kinds.base import Operation
from connectors.kinds.rest import RestConnector, operation_connector
from omnihub.config.model import Delivery

__all__ = ["OPERATIONS", "erp_connector"]

OPERATIONS: dict[str, Operation] = {
    "sales_order.create": Operation(
        method="POST",
        path="/erp/sales-orders",
        reference="document_number",
        description="create a sales order from a canonical order",
    ),
    "inventory_adjustment.create": Operation(
        method="POST",
        path="/erp/inventory-adjustments",
        reference="document_number",
        description="post an inventory adjustment",
    ),
    "credit_memo.create": Operation(
        method="POST",
        path="/erp/credit-memos",
        reference="document_number",
        description="create a credit memo for a received return",
    ),
}


def erp_connector(core: HttpCore, delivery_id: str, delivery: Delivery) -> RestConnector:
    return operation_connector(core, "ERP", OPERATIONS, delivery_id, delivery)
