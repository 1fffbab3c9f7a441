"""X12 transaction sets ↔ canonical model."""

from transforms.edi.x12.mapping.base import MapContext, Mapped, Mapper

__all__ = ["MapContext", "Mapped", "Mapper", "default_mappers"]


def default_mappers() -> dict[str, Mapper]:
    """The inbound mapper for each supported transaction set id."""
    return {}
