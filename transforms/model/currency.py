"""ISO 4217 minor-unit exponents: how many decimals a currency's minor unit has."""

from __future__ import annotations

__all__ = ["minor_unit_exponent"]

# Currencies whose minor unit is not 1/100 (ISO 4217 list, 2024). All others use 2.
_EXPONENT_EXCEPTIONS: dict[str, int] = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0,
    "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    "CLF": 4, "UYW": 4,
}  # fmt: skip


def minor_unit_exponent(currency: str) -> int:
    """Number of decimals of ``currency``'s minor unit (USD 2, JPY 0, KWD 3)."""
    return _EXPONENT_EXCEPTIONS.get(currency, 2)
