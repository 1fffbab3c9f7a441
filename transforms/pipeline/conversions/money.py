"""Decimal amounts ↔ integer minor units of a currency (ISO 4217 exponents)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from transforms.model.currency import minor_unit_exponent
from transforms.pipeline.conversions.errors import ConversionError
from transforms.pipeline.spec_convert import Rounding

__all__ = ["decimal_of", "from_minor_units", "minor_units_converter", "to_minor_units"]

_ONE = Decimal(1)

_ROUNDING_MODES = {Rounding.HALF_EVEN: ROUND_HALF_EVEN, Rounding.HALF_UP: ROUND_HALF_UP}


def decimal_of(value: Any) -> Decimal:
    """``value`` (decimal text, int, float or Decimal) as an exact, finite Decimal."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise ConversionError(f"expected a decimal number or text, got {type(value).__name__}")
    try:
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(str(value))
    except InvalidOperation:
        raise ConversionError(f"{value!r} is not a decimal number") from None
    if not number.is_finite():
        raise ConversionError(f"{value!r} is not a finite number")
    return number


def minor_units_converter(
    currency: str, rounding: Rounding = Rounding.EXACT
) -> Callable[[Any, Any], int]:
    """A function ``(value, _holder=None) -> int`` converting decimal amounts in
    ``currency`` to minor units (what ``to_minor_units`` does, with the currency's
    exponent looked up once)."""
    exponent = minor_unit_exponent(currency)
    mode = _ROUNDING_MODES.get(rounding)

    def convert(value: Any, _holder: Any = None) -> int:
        if value.__class__ is str:  # the common case, kept short
            try:
                number = Decimal(value)
            except InvalidOperation:
                raise ConversionError(f"{value!r} is not a decimal number") from None
            if not number.is_finite():
                raise ConversionError(f"{value!r} is not a finite number")
        else:
            number = decimal_of(value)
        scaled = number.scaleb(exponent)
        integral = scaled.to_integral_value()
        if scaled != integral:
            if mode is None:
                raise ConversionError(
                    f"{value} has more decimals than {currency} allows ({exponent}); "
                    "set rounding: half_even or half_up to round"
                )
            integral = scaled.quantize(_ONE, rounding=mode)
        return int(integral)

    return convert


def to_minor_units(value: Any, currency: str, rounding: Rounding = Rounding.EXACT) -> int:
    """``"19.99"`` USD → ``1999``; with ``Rounding.EXACT`` extra decimals are an error."""
    return minor_units_converter(currency, rounding)(value, None)


def from_minor_units(amount: Any, currency: str) -> str:
    """``1999`` USD → ``"19.99"`` (always the currency's number of decimals)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ConversionError(f"minor units must be an integer, got {amount!r}")
    exponent = minor_unit_exponent(currency)
    return f"{Decimal(amount).scaleb(-exponent):.{exponent}f}"
