"""The simulated operations of the ERP, WMS, carrier, partner and generic systems.

Each operation is ``(delivery, sandbox) -> StoredResponse``: the system's real answer,
including its own rejections (a malformed body is a permanent error, 400 or 422).
"""

from __future__ import annotations

import base64
from typing import Any

from sandbox.capture import Delivery
from sandbox.models import (
    Accepted,
    CarrierShipment,
    ErpDocument,
    FieldError,
    WebhookAck,
    WmsDocument,
)
from sandbox.pipeline import Guard, Operation
from sandbox.responses import json_answer, problem_answer
from sandbox.signatures import Verdict, verify
from sandbox.state import SandboxState, StoredResponse

CARRIER_CODE = "SBX"


def _object_or_problem(delivery: Delivery) -> dict[str, Any] | StoredResponse:
    """The body as a JSON object, or the 400/422 answer a real system would give."""
    if delivery.json_error is not None:
        return problem_answer(400, f"request body is not valid JSON: {delivery.json_error}")
    if not isinstance(delivery.body, dict):
        hint = "" if delivery.is_json else " (send it with Content-Type: application/json)"
        error = FieldError(field="", pointer="", message="must be a JSON object")
        return problem_answer(422, f"request body must be a JSON object{hint}", errors=[error])
    return delivery.body


def _reference(body: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = body.get(name)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            return str(value)
    return None


def erp_sales_order(delivery: Delivery, sandbox: SandboxState) -> StoredResponse:
    """ERP sales order: needs ``order_number`` (or ``orderNumber``) and non-empty ``lines``."""
    body = _object_or_problem(delivery)
    if isinstance(body, StoredResponse):
        return body
    errors: list[FieldError] = []
    order_number = _reference(body, "order_number", "orderNumber")
    if order_number is None:
        message = "required: the order number, as 'order_number' or 'orderNumber'"
        errors.append(FieldError(field="order_number", pointer="/order_number", message=message))
    lines = body.get("lines")
    if not isinstance(lines, list) or not lines:
        message = "required: a non-empty array of order lines"
        errors.append(FieldError(field="lines", pointer="/lines", message=message))
    if errors:
        fields = ", ".join(e.field for e in errors)
        return problem_answer(422, f"sales order rejected: invalid {fields}", errors=errors)
    document = ErpDocument(
        document_number=sandbox.next_number("SO"),
        document_type="sales_order",
        reference=order_number,
    )
    return json_answer(201, document)


def _erp_document(prefix: str, document_type: str, *ref_names: str) -> Operation:
    def operation(delivery: Delivery, sandbox: SandboxState) -> StoredResponse:
        body = _object_or_problem(delivery)
        if isinstance(body, StoredResponse):
            return body
        document = ErpDocument(
            document_number=sandbox.next_number(prefix),
            document_type=document_type,
            reference=_reference(body, *ref_names),
        )
        return json_answer(201, document)

    return operation


erp_inventory_adjustment = _erp_document(
    "IA", "inventory_adjustment", "adjustment_id", "adjustmentId", "reference", "id"
)
erp_credit_memo = _erp_document(
    "CM", "credit_memo", "return_id", "returnId", "rma_number", "reference", "id"
)


def _wms_document(prefix: str, document_type: str, status: str, *ref_names: str) -> Operation:
    def operation(delivery: Delivery, sandbox: SandboxState) -> StoredResponse:
        body = _object_or_problem(delivery)
        if isinstance(body, StoredResponse):
            return body
        document = WmsDocument(
            id=sandbox.next_number(prefix),
            type=document_type,
            reference=_reference(body, *ref_names),
            status=status,
        )
        return json_answer(201, document)

    return operation


wms_shipment_request = _wms_document(
    "SR", "shipment_request", "released", "order_number", "orderNumber", "shipment_id", "id"
)
wms_expected_receipt = _wms_document(
    "ER", "expected_receipt", "expected", "asn_number", "asnNumber", "shipment_id", "id"
)


def carrier_shipment(delivery: Delivery, sandbox: SandboxState) -> StoredResponse:
    """Carrier booking: a tracking number and a tiny fake ZPL label, base64."""
    body = _object_or_problem(delivery)
    if isinstance(body, StoredResponse):
        return body
    shipment_id = sandbox.next_number("SH")
    tracking = f"{CARRIER_CODE}{shipment_id.rsplit('-', 1)[1]:0>12}"
    label = f"^XA^FO50,50^A0N,40,40^FD{tracking}^FS^XZ".encode()
    shipment = CarrierShipment(
        shipment_id=shipment_id,
        tracking_number=tracking,
        carrier=CARRIER_CODE,
        label_format="ZPL",
        label_base64=base64.b64encode(label).decode(),
    )
    return json_answer(201, shipment)


def webhook_guard(name: str) -> Guard:
    """Partner subscription checks: 410 when gone, 401 when a secret is set and the
    Standard Webhooks signature does not verify."""

    def guard(delivery: Delivery, sandbox: SandboxState) -> StoredResponse | None:
        subscription = sandbox.subscriptions.get(name)
        if subscription is None:
            return None
        if subscription.gone:
            return problem_answer(410, f"webhook subscription {name!r} no longer exists")
        if subscription.key is None:
            return None
        verdict = verify(
            subscription.key,
            webhook_id=delivery.header("webhook-id"),
            timestamp=delivery.header("webhook-timestamp"),
            signature_header=delivery.header("webhook-signature"),
            body=delivery.raw_body,
            now_s=int(sandbox.now().timestamp()),
        )
        if verdict is Verdict.VALID:
            return None
        return problem_answer(401, f"webhook signature rejected: {verdict.value}")

    return guard


def webhook_receiver(name: str) -> Operation:
    """Partner webhook endpoint: acknowledges with 200."""

    def operation(delivery: Delivery, sandbox: SandboxState) -> StoredResponse:
        ack = WebhookAck(received=True, subscription=name, webhook_id=delivery.header("webhook-id"))
        return json_answer(200, ack)

    return operation


def generic_accept(delivery: Delivery, sandbox: SandboxState) -> StoredResponse:
    """Any other system and path: stored and answered 201."""
    number = sandbox.next_number(delivery.system.upper(), series=f"generic:{delivery.system}")
    accepted = Accepted(id=number, system=delivery.system)
    return json_answer(201, accepted)
