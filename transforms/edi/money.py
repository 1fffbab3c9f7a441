"""Money between X12 decimal amounts (major units) and canonical minor units."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from transforms.model import Money, minor_unit_exponent


def to_money(amount: Decimal, currency: str) -> Money:
    """A decimal amount in major units as Money (rounded half-even to the minor unit)."""
    exponent = minor_unit_exponent(currency)
    minor = (amount * (Decimal(10) ** exponent)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    return Money(amount=int(minor), currency=currency)


def to_decimal_text(money: Money) -> str:
    """Money as an X12 R-type decimal in major units (``1999`` USD → ``19.99``)."""
    exponent = minor_unit_exponent(money.currency)
    value = Decimal(money.amount).scaleb(-exponent)
    return format(value, "f")
