"""GS1 check digits (mod 10, weights 3/1 from the right) for SSCC-18 and GTIN codes."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

__all__ = ["Gtin", "Sscc18", "gs1_check_digit", "is_valid_gs1"]

Sscc18 = Annotated[
    str,
    Meta(
        pattern=r"^[0-9]{18}$",
        description="SSCC-18 serial shipping container code: 18 digits, last is a GS1 check digit.",
    ),
]
Gtin = Annotated[
    str,
    Meta(
        pattern=r"^([0-9]{8}|[0-9]{12,14})$",
        description="GTIN-8/12/13/14 with a valid GS1 check digit.",
    ),
]


def gs1_check_digit(body: str) -> int:
    """Check digit for ``body`` (all digits but the last): weights 3,1,3,... from the right."""
    if not body.isdigit():
        raise ValueError(f"GS1 code body must be digits, got {body[:20]!r}")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid_gs1(code: str) -> bool:
    """True when ``code`` is all digits and its last digit is the right GS1 check digit."""
    return len(code) >= 2 and code.isdigit() and gs1_check_digit(code[:-1]) == int(code[-1])
