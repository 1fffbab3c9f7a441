"""Units of measure: conversion factors within a dimension (mass, length, volume, count).

Codes are the common abbreviations and their UN/ECE Rec 20 equivalents, upper case.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from transforms.pipeline.conversions.errors import ConversionError
from transforms.pipeline.conversions.money import decimal_of

__all__ = ["UNITS", "convert_quantity", "unit_dimension"]

# code → (dimension, factor to the dimension's base unit: KG, M, L, EA)
UNITS: dict[str, tuple[str, Decimal]] = {
    **dict.fromkeys(("KG", "KGM"), ("mass", Decimal(1))),
    **dict.fromkeys(("G", "GRM"), ("mass", Decimal("0.001"))),
    **dict.fromkeys(("MG", "MGM"), ("mass", Decimal("0.000001"))),
    **dict.fromkeys(("T", "TNE"), ("mass", Decimal(1000))),
    **dict.fromkeys(("LB", "LBR"), ("mass", Decimal("0.45359237"))),
    **dict.fromkeys(("OZ", "ONZ"), ("mass", Decimal("0.028349523125"))),
    **dict.fromkeys(("M", "MTR"), ("length", Decimal(1))),
    **dict.fromkeys(("CM", "CMT"), ("length", Decimal("0.01"))),
    **dict.fromkeys(("MM", "MMT"), ("length", Decimal("0.001"))),
    **dict.fromkeys(("KM", "KMT"), ("length", Decimal(1000))),
    **dict.fromkeys(("IN", "INH"), ("length", Decimal("0.0254"))),
    **dict.fromkeys(("FT", "FOT"), ("length", Decimal("0.3048"))),
    **dict.fromkeys(("YD", "YRD"), ("length", Decimal("0.9144"))),
    **dict.fromkeys(("L", "LTR"), ("volume", Decimal(1))),
    **dict.fromkeys(("ML", "MLT"), ("volume", Decimal("0.001"))),
    **dict.fromkeys(("GAL", "GLL"), ("volume", Decimal("3.785411784"))),
    **dict.fromkeys(("EA", "C62", "PCE"), ("count", Decimal(1))),
    **dict.fromkeys(("PR", "PAIR"), ("count", Decimal(2))),
    **dict.fromkeys(("DZ", "DZN"), ("count", Decimal(12))),
    **dict.fromkeys(("GRO",), ("count", Decimal(144))),
}


def unit_dimension(code: str) -> str:
    """Dimension of ``code`` (mass, length, volume, count); ``ConversionError`` if unknown."""
    entry = UNITS.get(code.upper())
    if entry is None:
        raise ConversionError(
            f"unknown unit of measure {code!r}; known: {', '.join(sorted(UNITS))}"
        )
    return entry[0]


def convert_quantity(value: Any, from_unit: str, to_unit: str, places: int = 6) -> str:
    """``value`` in ``from_unit`` expressed in ``to_unit``, rounded half-even to ``places``
    decimals, as decimal text without trailing zeros (``"2.267962"``)."""
    source = UNITS.get(str(from_unit).upper())
    target = UNITS.get(to_unit.upper())
    if source is None or target is None:
        unknown = from_unit if source is None else to_unit
        raise ConversionError(f"unknown unit of measure {unknown!r}")
    if source[0] != target[0]:
        raise ConversionError(
            f"cannot convert {source[0]} ({from_unit}) to {target[0]} ({to_unit})"
        )
    result = decimal_of(value) * source[1] / target[1]
    rounded = result.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
