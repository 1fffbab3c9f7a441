"""The generic REST connector: method, URL template from the payload, headers, JSON body.

ERP, WMS and carrier targets are this connector with named operations (their modules
map an operation name to a method, a path and the answer field naming the result).
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

from connectors.errors import ConnectorConfigError
from connectors.http_core import HttpCore, OutboundRequest
from connectors.kinds.base import Operation, Outbound
from connectors.outcome import Delivered
from connectors.template import Template, TemplateError
from omnihub.config.model import Delivery, DeliveryRequest

__all__ = ["RestConnector", "operation_connector", "rest_connector"]

_encoder = msgspec.json.Encoder()


class RestConnector:
    def __init__(
        self, core: HttpCore, request: DeliveryRequest, *, reference: str | None = None
    ) -> None:
        self.core = core
        self.method = request.method
        self.path = Template(request.path)
        self.headers = {name: Template(value) for name, value in request.headers.items()}
        self.reference = reference

    async def deliver(self, out: Outbound) -> Delivered:
        answer = await self.core.send(
            OutboundRequest(
                method=self.method,
                url=self.path.render(out.payload, url=True),
                body=_encoder.encode(out.payload),
                headers={k: t.render(out.payload, url=False) for k, t in self.headers.items()},
                idempotency_key=out.idempotency_key,
                traceparent=out.traceparent,
            )
        )
        return Delivered(
            status=answer.status,
            latency_ms=answer.latency_ms,
            reference=answer.json_field(self.reference) if self.reference else None,
        )


def rest_connector(core: HttpCore, delivery_id: str, delivery: Delivery) -> RestConnector:
    if delivery.operation is not None:
        raise ConnectorConfigError(
            f"delivery '{delivery_id}'",
            f"target '{delivery.target}' is a generic REST target without named operations; "
            "replace `operation` by `request: {method: POST, path: /...}`",
        )
    if delivery.request is None:
        raise ConnectorConfigError(
            f"delivery '{delivery_id}'",
            "a REST target needs `request: {method: POST, path: /...}`",
        )
    return _build(core, delivery_id, delivery.request, None)


def operation_connector(
    core: HttpCore,
    kind: str,
    operations: Mapping[str, Operation],
    delivery_id: str,
    delivery: Delivery,
) -> RestConnector:
    """A REST connector for a named operation, or for an explicit request."""
    where = f"delivery '{delivery_id}'"
    if (delivery.operation is None) == (delivery.request is None):
        raise ConnectorConfigError(
            where,
            f"give either `operation` ({', '.join(sorted(operations))}) or `request`, "
            "not both or neither",
        )
    if delivery.request is not None:
        return _build(core, delivery_id, delivery.request, None)
    operation = operations.get(delivery.operation or "")
    if operation is None:
        raise ConnectorConfigError(
            where,
            f"unknown {kind} operation '{delivery.operation}'; "
            f"known: {', '.join(sorted(operations))}",
        )
    request = DeliveryRequest(method=operation.method, path=operation.path)
    return _build(core, delivery_id, request, operation.reference)


def _build(
    core: HttpCore, delivery_id: str, request: DeliveryRequest, reference: str | None
) -> RestConnector:
    try:
        return RestConnector(core, request, reference=reference)
    except TemplateError as exc:
        raise ConnectorConfigError(f"delivery '{delivery_id}'", str(exc)) from None
