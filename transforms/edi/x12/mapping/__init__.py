"""X12 transaction sets ↔ canonical model."""

from transforms.edi.x12.mapping.ack_inbound import map_functional_ack
from transforms.edi.x12.mapping.asn_856 import map_856
from transforms.edi.x12.mapping.base import MapContext, Mapped, Mapper
from transforms.edi.x12.mapping.inventory_846 import map_846
from transforms.edi.x12.mapping.order_850 import map_850
from transforms.edi.x12.mapping.order_940 import map_940
from transforms.edi.x12.mapping.shipment_945 import map_945

__all__ = ["MapContext", "Mapped", "Mapper", "default_mappers"]


def default_mappers() -> dict[str, Mapper]:
    """The inbound mapper for each supported transaction set id."""
    return {
        "846": map_846,
        "850": map_850,
        "856": map_856,
        "940": map_940,
        "945": map_945,
        "997": map_functional_ack,
        "999": map_functional_ack,
    }
