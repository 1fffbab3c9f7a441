"""Building blocks shared by every canonical struct: constrained scalars, Money, Quantity,
Address and the base class.

Conventions (apply to the whole canonical model):

- identifiers are non-empty strings, never numbers;
- money is an integer amount of *minor units* (cents, pence, yen) plus an ISO 4217 code;
- quantities are exact decimals (JSON string ``"1.5"`` or number) plus a unit of measure;
- instants are timezone-aware datetimes, normalised to UTC when a struct is built and
  encoded as RFC 3339 (``2026-11-23T14:00:00Z``); calendar dates are ``YYYY-MM-DD``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

import msgspec
from msgspec import Meta

__all__ = [
    "Address",
    "CanonicalStruct",
    "CountryCode",
    "CurrencyCode",
    "Identifier",
    "Money",
    "NonEmptyStr",
    "Quantity",
    "UnitOfMeasure",
    "UtcDateTime",
    "as_utc",
]

NonEmptyStr = Annotated[str, Meta(min_length=1, max_length=1000)]
"""Free text that must not be empty."""

Identifier = Annotated[str, Meta(min_length=1, max_length=128, pattern=r"^\S(.*\S)?$")]
"""An identifier (order number, SKU, location id): 1 to 128 characters, no leading or
trailing whitespace."""

CurrencyCode = Annotated[
    str, Meta(pattern=r"^[A-Z]{3}$", description="ISO 4217 alphabetic currency code, e.g. USD.")
]
CountryCode = Annotated[
    str, Meta(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 country code, e.g. US.")
]
UnitOfMeasure = Annotated[
    str,
    Meta(
        pattern=r"^[A-Z0-9]{1,6}$",
        description="Unit of measure code, upper case (UN/ECE Rec 20 style): EA, CS, KG, LB, M.",
    ),
]
UtcDateTime = Annotated[
    datetime,
    Meta(tz=True, description="RFC 3339 timestamp with an offset; stored and sent in UTC."),
]


def as_utc(value: datetime) -> datetime:
    """Return ``value`` (timezone-aware) expressed in UTC."""
    return value if value.tzinfo is UTC else value.astimezone(UTC)


class CanonicalStruct(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of every canonical struct: unknown fields are refused. Subclasses pass
    ``kw_only=True`` too (msgspec applies it per class). Encoding writes every field,
    ``null`` included, so outbound pipelines always find the keys they map."""


class Money(CanonicalStruct, kw_only=True):
    """An amount of money: integer minor units plus its currency (1999 USD = $19.99)."""

    amount: Annotated[int, Meta(description="Amount in minor units of the currency (cents).")]
    currency: CurrencyCode


class Quantity(CanonicalStruct, kw_only=True):
    """An exact decimal quantity with its unit of measure."""

    value: Annotated[
        Decimal,
        Meta(description='Exact decimal, sent as a string ("2", "1.250") or a JSON number.'),
    ]
    uom: Annotated[UnitOfMeasure, Meta(description="Unit of measure; EA (each) by default.")] = "EA"

    def __post_init__(self) -> None:
        if not self.value.is_finite():
            raise ValueError("quantity value must be a finite decimal")


class Address(CanonicalStruct, kw_only=True):
    """A postal address (ship-to, bill-to, location address)."""

    name: Annotated[str | None, Meta(description="Addressee (person or company).")] = None
    line1: Annotated[NonEmptyStr, Meta(description="First address line (street, number).")]
    line2: Annotated[str | None, Meta(description="Second address line.")] = None
    city: Annotated[NonEmptyStr, Meta(description="City or locality.")]
    region: Annotated[str | None, Meta(description="State, province or county code.")] = None
    postal_code: Annotated[str | None, Meta(description="Postal or ZIP code.")] = None
    country: CountryCode
    phone: Annotated[str | None, Meta(description="Contact phone, E.164 preferred.")] = None
    email: Annotated[str | None, Meta(description="Contact e-mail address.")] = None
