"""Option structs of the ``convert`` step, one per conversion kind."""

from __future__ import annotations

import enum
from typing import Annotated

import msgspec
from msgspec import Meta

__all__ = [
    "DateConversion",
    "DateTimeConversion",
    "FromMinorUnits",
    "Rounding",
    "ToMinorUnits",
    "UomConversion",
]

UnitCode = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_]{1,8}$")]


class Rounding(enum.Enum):
    """What to do with more decimals than the currency has."""

    EXACT = "exact"
    """Refuse the value (the default): ``1.005 USD`` is an error."""
    HALF_EVEN = "half_even"
    """Banker's rounding."""
    HALF_UP = "half_up"
    """Commercial rounding."""


class _Options(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class ToMinorUnits(_Options, kw_only=True):
    """Decimal amount (``"19.99"``, ``19.99``) → integer minor units (``1999``).

    Give the currency as ``currency`` (a code) or ``currency_at`` (a field path; relative
    to the object holding the field, or from the payload root when it starts with ``$.``).
    """

    currency: Annotated[str, Meta(pattern=r"^[A-Z]{3}$")] | None = None
    currency_at: str | None = None
    rounding: Rounding = Rounding.EXACT

    def __post_init__(self) -> None:
        if (self.currency is None) == (self.currency_at is None):
            raise ValueError("give exactly one of `currency` and `currency_at`")


class FromMinorUnits(_Options, kw_only=True):
    """Integer minor units (``1999``) → decimal string with the currency's decimals
    (``"19.99"``). Currency as in ``to_minor_units``."""

    currency: Annotated[str, Meta(pattern=r"^[A-Z]{3}$")] | None = None
    currency_at: str | None = None

    def __post_init__(self) -> None:
        if (self.currency is None) == (self.currency_at is None):
            raise ValueError("give exactly one of `currency` and `currency_at`")


class DateTimeConversion(_Options, kw_only=True):
    """A timestamp in some format and zone → another format and zone.

    Formats: ``rfc3339`` (also accepts ISO 8601), ``epoch_seconds``, ``epoch_millis``, or
    a ``strptime``/``strftime`` pattern such as ``"%m/%d/%Y %H:%M"``. ``zone`` (IANA name)
    is used when the input has no offset; without it such an input is an error. Defaults
    give canonical output: RFC 3339 in UTC (``2026-11-23T08:00:00Z``).
    """

    input_format: str = "rfc3339"
    zone: str | None = None
    output_format: str = "rfc3339"
    output_zone: str = "UTC"


class DateConversion(_Options, kw_only=True):
    """A calendar date in ``input_format`` → ``output_format`` (default ISO ``YYYY-MM-DD``).
    Formats: ``iso`` or a ``strptime`` pattern."""

    input_format: str = "iso"
    output_format: str = "iso"


class UomConversion(_Options, kw_only=True):
    """A decimal quantity from one unit of measure to another of the same dimension
    (mass, length, volume, count), e.g. LB → KG, DZ → EA.

    The source unit is ``from_unit`` or read at ``unit_at`` (path as for ``currency_at``);
    with ``unit_at`` the new unit is written back there. The result is a decimal string
    rounded half-even to ``places`` decimals, trailing zeros removed.
    """

    to_unit: UnitCode
    from_unit: UnitCode | None = None
    unit_at: str | None = None
    places: Annotated[int, Meta(ge=0, le=12)] = 6

    def __post_init__(self) -> None:
        if (self.from_unit is None) == (self.unit_at is None):
            raise ValueError("give exactly one of `from_unit` and `unit_at`")
