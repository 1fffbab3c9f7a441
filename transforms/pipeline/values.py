"""Helpers on JSON-like values (dicts, lists, scalars)."""

from __future__ import annotations

from typing import Any

__all__ = ["clone"]


def clone(value: Any) -> Any:
    """Copy the dicts and lists of ``value`` (scalars are shared; they are immutable)."""
    if isinstance(value, dict):
        return {k: clone(v) if isinstance(v, (dict, list)) else v for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) if isinstance(v, (dict, list)) else v for v in value]
    return value
