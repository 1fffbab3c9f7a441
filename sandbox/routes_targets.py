"""HTTP handlers of the simulated systems: ERP, WMS, carrier, partner webhooks, generic."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post, route
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath

from sandbox import operations as ops
from sandbox.capture import IDEMPOTENCY_HEADER
from sandbox.pipeline import serve_target
from sandbox.state import SandboxState

AnyRequest = Request[Any, Any, Any]

Sandbox = NamedDependency[SandboxState]
"""The app's SandboxState, injected by name (``sandbox``)."""


@post("/erp/sales-orders")
async def erp_sales_orders(request: AnyRequest, sandbox: Sandbox) -> Response[bytes]:
    return await serve_target(request, sandbox, "erp", ops.erp_sales_order)


@post("/erp/inventory-adjustments")
async def erp_inventory_adjustments(request: AnyRequest, sandbox: Sandbox) -> Response[bytes]:
    return await serve_target(request, sandbox, "erp", ops.erp_inventory_adjustment)


@post("/erp/credit-memos")
async def erp_credit_memos(request: AnyRequest, sandbox: Sandbox) -> Response[bytes]:
    return await serve_target(request, sandbox, "erp", ops.erp_credit_memo)


@post("/wms/shipment-requests")
async def wms_shipment_requests(request: AnyRequest, sandbox: Sandbox) -> Response[bytes]:
    return await serve_target(request, sandbox, "wms", ops.wms_shipment_request)


@post("/wms/expected-receipts")
async def wms_expected_receipts(request: AnyRequest, sandbox: Sandbox) -> Response[bytes]:
    return await serve_target(request, sandbox, "wms", ops.wms_expected_receipt)


@post("/carrier/shipments")
async def carrier_shipments(request: AnyRequest, sandbox: Sandbox) -> Response[bytes]:
    return await serve_target(request, sandbox, "carrier", ops.carrier_shipment)


@post("/partner/webhooks/{name:str}")
async def partner_webhooks(
    request: AnyRequest, sandbox: Sandbox, name: FromPath[str]
) -> Response[bytes]:
    """A partner's webhook endpoint; ``Idempotency-Key`` or else ``webhook-id`` dedupes."""
    return await serve_target(
        request,
        sandbox,
        "partner",
        ops.webhook_receiver(name),
        guard=ops.webhook_guard(name),
        key_headers=(IDEMPOTENCY_HEADER, "webhook-id"),
    )


@route("/{system:str}/{path:path}", http_method=["POST", "PUT", "PATCH"])
async def generic_target(
    request: AnyRequest, sandbox: Sandbox, system: FromPath[str], path: FromPath[str]
) -> Response[bytes]:
    """Any other system or path: stored as a record and answered 201."""
    return await serve_target(request, sandbox, system, ops.generic_accept)


TARGET_HANDLERS: tuple[HTTPRouteHandler, ...] = (
    erp_sales_orders,
    erp_inventory_adjustments,
    erp_credit_memos,
    wms_shipment_requests,
    wms_expected_receipts,
    carrier_shipments,
    partner_webhooks,
    generic_target,
)
