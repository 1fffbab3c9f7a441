"""Pure conversion functions used by the ``convert`` step (money, times, units)."""

from transforms.pipeline.conversions.errors import ConversionError
from transforms.pipeline.conversions.money import (
    from_minor_units,
    minor_units_converter,
    to_minor_units,
)
from transforms.pipeline.conversions.times import (
    check_date_format,
    check_datetime_format,
    check_zone,
    convert_date,
    format_datetime,
    parse_datetime,
)
from transforms.pipeline.conversions.units import convert_quantity, unit_dimension

__all__ = [
    "ConversionError",
    "check_date_format",
    "check_datetime_format",
    "check_zone",
    "convert_date",
    "convert_quantity",
    "format_datetime",
    "from_minor_units",
    "minor_units_converter",
    "parse_datetime",
    "to_minor_units",
    "unit_dimension",
]
