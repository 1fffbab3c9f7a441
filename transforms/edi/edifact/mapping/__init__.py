"""EDIFACT messages → canonical model."""

from transforms.edi.edifact.mapping.base import EdifactMapContext, EdifactMapper
from transforms.edi.edifact.mapping.contrl_inbound import map_contrl
from transforms.edi.edifact.mapping.desadv import map_desadv
from transforms.edi.edifact.mapping.orders import map_orders

__all__ = ["EdifactMapContext", "EdifactMapper", "default_mappers"]


def default_mappers() -> dict[str, EdifactMapper]:
    """The mapper for each supported message type."""
    return {"CONTRL": map_contrl, "DESADV": map_desadv, "ORDERS": map_orders}
