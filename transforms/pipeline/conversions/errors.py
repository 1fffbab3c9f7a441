"""The error of the conversion functions."""

from __future__ import annotations

__all__ = ["ConversionError"]


class ConversionError(ValueError):
    """A value cannot be converted as asked; the message says why and what to change."""
