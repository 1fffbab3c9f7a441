"""Connector kinds, one module each, all over the shared HTTP delivery core."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from connectors.errors import ConnectorConfigError
from connectors.http_core import HttpCore
from connectors.kinds import carrier, erp, wms
from connectors.kinds.base import Connector, Operation, Outbound
from connectors.kinds.edi import EdiConnector, edi_connector
from connectors.kinds.rest import RestConnector, rest_connector
from connectors.kinds.webhook import WebhookConnector, webhook_connector
from connectors.subscriptions import SubscriptionStore
from omnihub.config.model import Delivery, Target, TargetKind
from omnihub.monitor.sent_groups import SentGroups
from transforms.edi import ControlNumberAllocator

if TYPE_CHECKING:
    from connectors.as2 import As2Sender

__all__ = [
    "OPERATIONS",
    "Connector",
    "EdiConnector",
    "Operation",
    "Outbound",
    "RestConnector",
    "WebhookConnector",
    "build_connector",
]

OPERATIONS: Mapping[TargetKind, Mapping[str, Operation]] = {
    TargetKind.ERP: erp.OPERATIONS,
    TargetKind.WMS: wms.OPERATIONS,
    TargetKind.CARRIER: carrier.OPERATIONS,
}

_BY_KIND: Mapping[TargetKind, Callable[[HttpCore, str, Delivery], RestConnector]] = {
    TargetKind.REST: rest_connector,
    TargetKind.ERP: erp.erp_connector,
    TargetKind.WMS: wms.wms_connector,
    TargetKind.CARRIER: carrier.carrier_connector,
}


def build_connector(
    target_id: str,
    target: Target,
    delivery_id: str,
    delivery: Delivery,
    core: HttpCore,
    store: Callable[[], SubscriptionStore],
    *,
    control_numbers: ControlNumberAllocator | None = None,
    sent_groups: SentGroups | None = None,
    directory: Path = Path("."),
) -> Connector:
    """The connector for one delivery; `ConnectorConfigError` if it cannot run as configured."""
    if target.kind is TargetKind.EDI:
        edi = target.edi

        def as2() -> As2Sender:
            # pyas2lib is loaded only by workers of AS2 targets
            from connectors.as2 import As2Sender

            if edi is None or edi.as2 is None:
                raise ConnectorConfigError(f"target '{target_id}'", "transport as2 needs `as2:`")
            return As2Sender(edi.as2, directory, f"target '{target_id}'")

        return edi_connector(
            core, target_id, edi, delivery_id, delivery, control_numbers, as2, sent_groups
        )
    if target.kind is TargetKind.WEBHOOK:
        if not target.subscriptions:
            raise ConnectorConfigError(
                f"target '{target_id}'", "a webhook target needs at least one subscription"
            )
        return webhook_connector(
            core, target_id, target.subscriptions, store(), delivery_id, delivery
        )
    if target.subscriptions:
        raise ConnectorConfigError(
            f"target '{target_id}'", "`subscriptions` is only for targets of kind webhook"
        )
    return _BY_KIND[target.kind](core, delivery_id, delivery)
